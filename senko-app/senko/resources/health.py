"""Liveness and readiness."""
from sqlalchemy import text

from ..extensions import db, redis_store
from .base import PublicResource


class Healthy(PublicResource):
    """Liveness: the process answers."""

    def get(self):
        return "healthy"


class Ready(PublicResource):
    """Readiness: MySQL and Redis both answer."""

    def get(self):
        checks = {}
        try:
            db.session.execute(text("SELECT 1"))
            checks["database"] = "ok"
        except Exception as exc:  # any failure means not ready; the reason is reported
            db.session.rollback()
            checks["database"] = f"error: {type(exc).__name__}"
        try:
            redis_store.client.ping()
            checks["redis"] = "ok"
        except Exception as exc:
            checks["redis"] = f"error: {type(exc).__name__}"
        if all(value == "ok" for value in checks.values()):
            return {"status": "ready", "checks": checks}
        failing = ", ".join(k for k, v in checks.items() if v != "ok")
        return {"message": f"Not ready: {failing} unavailable", "checks": checks}, 503
