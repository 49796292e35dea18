"""Job-board sources over HTTP: admins manage them and the allow list; recruiters may read the list."""
from typing import Literal

from flask import request
from flask_jwt_extended import current_user
from pydantic import Field, field_validator

from ..sources import runner, service
from .audit import audit, audited
from .base import AdminResource, Resource, role_required
from .schemas import Body, parse, visible_text

Kind = Literal["json_api", "html_console", "imap"]


class SourceFields(Body):
    settings: dict | None = None
    schedule: list[str] | None = Field(default=None, max_length=24)
    enabled: bool | None = None
    lookback_days: int | None = Field(default=None, ge=1, le=365)

    @field_validator("name", check_fields=False)
    @classmethod
    def _visible(cls, value: str | None) -> str | None:
        return visible_text(value)  # the name becomes each applicant's ``source``: the same rule as theirs


class SourceCreate(SourceFields):
    name: str = Field(min_length=1, max_length=100)
    kind: Kind
    settings: dict


class SourceUpdate(SourceFields):
    name: str | None = Field(default=None, min_length=1, max_length=100)


class SourceTest(Body):
    kind: Kind
    settings: dict


class SourceTestSaved(Body):
    settings: dict | None = None


class AllowListBody(Body):
    entries: list[str] = Field(max_length=500)


class SourceList(Resource):
    """``GET /sources`` (any user, no secrets) and ``POST /sources`` (admins)."""

    def get(self):
        return {"sources": [service.to_json(s) for s in service.list_all()]}

    @role_required("admin")
    def post(self):
        body = parse(SourceCreate).model_dump(exclude_none=True)
        source = service.create(body, current_user.id)
        audit("source.create", "source", source.id)
        return {"message": f"Created source {source.name}", "source": service.to_json(source)}, 201


class SourceDetail(AdminResource):
    """``GET/PATCH/DELETE /sources/<id>``."""

    def get(self, source_id: int):
        return {"source": service.to_json(service.get(source_id))}

    @audited("source.update", "source", "source_id")
    def patch(self, source_id: int):
        body = parse(SourceUpdate).model_dump(exclude_unset=True)
        return {"source": service.to_json(service.update(source_id, body))}

    @audited("source.delete", "source", "source_id")
    def delete(self, source_id: int):
        name = service.get(source_id).name
        service.remove(source_id)
        return {"message": f"Deleted source {name}; its applicants stay"}


class SourceRunNow(AdminResource):
    """``POST /sources/<id>/run``: fetch now, in the background (202 with the run's id)."""

    @audited("source.run", "source", "source_id")
    def post(self, source_id: int):
        run = runner.start(source_id, "manual")
        return {"message": f"Started run {run.id}", "run_id": run.id}, 202


class SourceRuns(AdminResource):
    """``GET /sources/<id>/runs``: the runs of a source, newest first (the last 50)."""

    def get(self, source_id: int):
        return {"runs": [run.to_dict() for run in service.runs(source_id)]}


class SourceTestNew(AdminResource):
    """``POST /sources/test``: a dry fetch of the first page with unsaved settings; nothing is stored."""

    def post(self):
        body = parse(SourceTest)
        plain, secrets = service.split_settings(body.kind, body.settings)
        return service.test_connection(body.kind, plain, secrets)


class SourceTestSavedResource(AdminResource):
    """``POST /sources/<id>/test``: a dry fetch with the saved settings (or changed ones, secrets kept)."""

    def post(self, source_id: int):
        body = parse(SourceTestSaved, request.get_json(silent=True) if request.data else {})
        return service.test_saved(source_id, body.settings)


class AllowList(AdminResource):
    """``GET/PUT /sources/allow-list``: addresses sources may reach although private or loopback."""

    def get(self):
        return service.allow_list_json()

    @audited("source.allow_list")
    def put(self):
        body = parse(AllowListBody)
        return service.set_allow_list([e.strip() for e in body.entries if e.strip()], current_user.id)
