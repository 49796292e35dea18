"""The SQLAlchemy models, one module per noun."""
from .applicant import Applicant
from .user import ROLES, User

__all__ = ["Applicant", "ROLES", "User"]
