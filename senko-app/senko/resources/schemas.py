"""Request bodies, validated with pydantic. Unknown fields are refused, never silently dropped."""
import re
import unicodedata
from datetime import date
from typing import Literal

from flask import request
from pydantic import BaseModel, ConfigDict, EmailStr, Field, ValidationError, field_validator

from ..errors import ApiError, describe_validation_error

Name = Field(min_length=1, max_length=100)
# Unicode categories no name or note needs: control, format (bidi overrides, zero-width), surrogate,
# private use, unassigned. They spoof what the UI and exports show.
HIDDEN_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn"}
LINE_BREAKS = {"\n", "\r", "\t"}
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def visible_text(value: str | None, multiline: bool = False) -> str | None:
    """``value`` unchanged, or ValueError naming the first control, bidi or zero-width character in it."""
    for char in value or "":
        if unicodedata.category(char) in HIDDEN_CATEGORIES and not (multiline and char in LINE_BREAKS):
            raise ValueError(f"contains an invisible or control character (U+{ord(char):04X})")
    return value


class Body(BaseModel):
    """Base of every request body: strict about unknown fields and types, strips surrounding blanks.

    Strict: a JSON ``true`` is a boolean, ``0`` or ``"yes"`` is not; ``"5"`` is not a number.
    """

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, strict=True)


class Login(Body):
    email: str = Field(min_length=1, max_length=254)
    password: str


class UserCreate(Body):
    email: EmailStr = Field(max_length=254)
    name: str = Name
    password: str
    role: Literal["admin", "recruiter", "auditor"] = "recruiter"

    @field_validator("name")
    @classmethod
    def _visible(cls, value: str) -> str:
        return visible_text(value)

    @field_validator("email")
    @classmethod
    def _lower(cls, value: str) -> str:
        return value.lower()


class UserUpdate(Body):
    name: str | None = Field(default=None, min_length=1, max_length=100)
    role: Literal["admin", "recruiter", "auditor"] | None = None
    active: bool | None = None
    password: str | None = None

    @field_validator("name")
    @classmethod
    def _visible(cls, value: str | None) -> str | None:
        return visible_text(value)


class PasswordChange(Body):
    current_password: str
    new_password: str


class ApplicantFields(Body):
    furigana: str | None = Field(default=None, max_length=100)
    email: EmailStr | None = Field(default=None, max_length=254)
    phone: str | None = Field(default=None, max_length=32, pattern=r"^[0-9+\-() ]*$")
    applied_at: date | None = Field(default=None, strict=False)  # from its text: see _iso_date
    source: str | None = Field(default=None, max_length=100)
    note: str | None = Field(default=None, max_length=10000)

    @field_validator("name", "furigana", "source", check_fields=False)
    @classmethod
    def _visible(cls, value: str | None) -> str | None:
        return visible_text(value)

    @field_validator("note")
    @classmethod
    def _visible_note(cls, value: str | None) -> str | None:
        return visible_text(value, multiline=True)

    @field_validator("applied_at", mode="before")
    @classmethod
    def _iso_date(cls, value):
        # Only 2026-04-01: pydantic alone would also take a number of seconds or a datetime at midnight.
        if value is None or (isinstance(value, str) and ISO_DATE.fullmatch(value)):
            return value
        raise ValueError("must be a date written YYYY-MM-DD")


class ApplicantCreate(ApplicantFields):
    name: str = Name


class ApplicantUpdate(ApplicantFields):
    name: str | None = Field(default=None, min_length=1, max_length=100)
    decision: Literal["OK", "NG"] | None = None
    # Why the decision changed: kept in the decision history, not on the applicant.
    decision_note: str | None = Field(default=None, max_length=1000)

    @field_validator("decision_note")
    @classmethod
    def _visible_decision_note(cls, value: str | None) -> str | None:
        return visible_text(value, multiline=True)


def json_body() -> dict:
    """The request's JSON object, or a 415/400 ApiError explaining what is wrong with it."""
    if not request.is_json:
        raise ApiError(415, "Send the body as application/json")
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ApiError(400, "The body must be a JSON object")
    return data


def parse(model: type[Body], data: dict | None = None) -> Body:
    """Validate ``data`` (default: the request's JSON) against ``model``; unknown fields → 400, bad values → 422."""
    data = json_body() if data is None else data
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        if any(err.get("type") == "extra_forbidden" for err in exc.errors()):
            unknown = sorted(str(err["loc"][0]) for err in exc.errors() if err.get("type") == "extra_forbidden")
            raise ApiError(400, f"Unknown field(s): {', '.join(unknown)}") from exc
        raise ApiError(422, describe_validation_error(exc)) from exc
