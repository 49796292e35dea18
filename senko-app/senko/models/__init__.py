"""The SQLAlchemy models, one module per noun."""
from .applicant import Applicant
from .event import Event, record_event
from .noun import ApplicantNoun
from .user import ROLES, User

__all__ = ["Applicant", "ApplicantNoun", "Event", "ROLES", "User", "record_event"]
