"""The SQLAlchemy models, one module per noun."""
from .applicant import Applicant, ApplicantStatus
from .audit import AuditEntry, record_audit
from .bulk_job import BulkChunk, BulkJob, BulkJobItem
from .decision import DecisionChange
from .event import Event, record_event
from .fairness import ApplicantAttributes, ShadowScore
from .ml_model import MlModel
from .noun import ApplicantNoun
from .source import Source, SourceAllowList, SourceItem, SourceRun
from .spreadsheet_import import ImportMapping, ImportStatus, SpreadsheetImport
from .user import ROLES, User

__all__ = ["Applicant", "ApplicantAttributes", "ApplicantStatus", "ApplicantNoun", "AuditEntry", "BulkChunk",
           "BulkJob", "BulkJobItem", "DecisionChange", "Event", "MlModel", "ROLES", "ShadowScore", "Source",
           "SourceAllowList", "SourceItem", "SourceRun", "User", "ImportMapping", "ImportStatus", "SpreadsheetImport",
           "record_audit", "record_event"]
