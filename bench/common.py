"""Shared by the benchmarks: the running native stack's settings, an app, a bench user's token."""
import os
from pathlib import Path

from senko_stack import Stack

ROOT = Path(__file__).resolve().parent.parent

BENCH_EMAIL = "bench@example.com"
BENCH_PASSWORD = "bench-password-not-secret"


def stack(var: str | None = None) -> Stack:
    """The stack `make up` started, with its environment exported for the app."""
    running = Stack.from_var(Path(var or ROOT / "var"))
    os.environ.update({k: v for k, v in running.child_env().items() if k.startswith("SENKO_")})
    return running


def app():
    """senko-app bound to the running stack's database and Redis."""
    from senko import create_app

    return create_app()


def token(flask_app, role: str = "admin") -> str:
    """An access token for the bench user (created once)."""
    from flask_jwt_extended import create_access_token

    from senko.auth.accounts import create_user
    from senko.models import User

    with flask_app.app_context():
        user = User.by_email(BENCH_EMAIL) or create_user(BENCH_EMAIL, "Bench", BENCH_PASSWORD, role)
        return create_access_token(identity=str(user.id))


def percentile(values: list[float], pct: float) -> float:
    """The pct-th percentile (nearest rank) of ``values``."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))]
