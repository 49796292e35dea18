"""The SQLAlchemy models, one module per noun."""
from .applicant import Applicant, ApplicantStatus
from .audit import AuditEntry, record_audit
from .decision import DecisionChange
from .event import Event, record_event
from .ml_model import MlModel
from .noun import ApplicantNoun
from .source import Source, SourceAllowList, SourceItem, SourceRun
from .user import ROLES, User

__all__ = ["Applicant", "ApplicantStatus", "ApplicantNoun", "AuditEntry", "DecisionChange", "Event", "MlModel", "ROLES",
           "Source", "SourceAllowList", "SourceItem", "SourceRun", "User", "record_audit", "record_event"]
