"""Liveness and readiness."""
from .. import health
from .base import PublicResource


class Healthy(PublicResource):
    """Liveness: the process answers."""

    def get(self):
        return "healthy"


class Ready(PublicResource):
    """Readiness: MySQL and Redis both answer."""

    def get(self):
        checks = health.dependencies()
        if all(value == "ok" for value in checks.values()):
            return {"status": "ready", "checks": checks}
        failing = ", ".join(k for k, v in checks.items() if v != "ok")
        return {"message": f"Not ready: {failing} unavailable", "checks": checks}, 503
