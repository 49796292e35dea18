"""``flask boot``: what runs once before the servers start, for compose and ``make up`` alike.

Waits for the database and Redis, applies the migrations, creates the first admin when missing and
converts models an earlier version stored as pickles to skops (senko-predict serves only skops).
Compose's entrypoint runs ``flask boot && exec uwsgi ...``; the native stack runs it after MariaDB
and Redis and before the other services. Running it again changes nothing.
"""
import secrets
import time
from collections.abc import Callable

import click
from flask.cli import with_appcontext
from flask_migrate import upgrade
from redis.exceptions import RedisError
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from ..auth.accounts import create_user
from ..exceptions import Conflict, SenkoError
from ..extensions import db, redis_store
from ..models import User
from ..training import legacy


def wait_until_up(what: str, check: Callable[[], object], timeout: float) -> None:
    """Call ``check()`` until it stops raising, or fail after ``timeout`` seconds naming ``what``."""
    deadline = time.monotonic() + timeout
    attempt = 0
    while True:
        try:
            check()
            return
        except (SQLAlchemyError, RedisError, OSError) as exc:
            if time.monotonic() >= deadline:
                raise click.ClickException(f"{what} did not come up within {timeout:.0f}s: {exc}") from exc
            if attempt % 10 == 0:  # one line every ~10 s, not one a second
                click.echo(f"waiting for {what}: {exc}", err=True)
        attempt += 1
        time.sleep(1)


def _ping_database() -> None:
    with db.engine.connect() as connection:
        connection.execute(text("SELECT 1"))


def create_first_admin(email: str, password: str | None) -> None:
    """Create the admin ``email`` unless that user exists; a generated password is printed once."""
    if User.by_email(email):
        click.echo(f"User {email.strip().lower()} already exists; left unchanged.")
        return
    generated = not password
    password = password or secrets.token_urlsafe(18)
    try:
        user = create_user(email, "Administrator", password, "admin")
    except Conflict:  # another boot created it a moment ago
        click.echo(f"User {email.strip().lower()} already exists; left unchanged.")
        return
    click.echo(f"Created {user.role} {user.email}")
    if generated:
        click.echo(f"Password (shown once): {password}")


def convert_legacy_models() -> None:
    """Convert every model still stored as a pickle; one that cannot be converted is reported, never fatal."""
    for model in legacy.legacy_models():
        name = model.filename
        try:
            legacy.convert(model)
        except SenkoError as exc:
            click.echo(f"Model {model.version} left as {name}: {exc.message} (see `flask models convert`)", err=True)
            continue
        click.echo(f"Converted model {model.version}: {name} -> {model.filename}")


@click.command("boot")
@click.option("--timeout", default=120.0, show_default=True, help="Seconds to wait for the database and for Redis.")
@click.option("--admin-email", envvar="SENKO_ADMIN_EMAIL", default="admin@example.com", show_default=True,
              help="The first admin (or $SENKO_ADMIN_EMAIL).")
@click.option("--admin-password", envvar="SENKO_ADMIN_PASSWORD",
              help="Its password (or $SENKO_ADMIN_PASSWORD); generated and printed once when omitted.")
@with_appcontext
def boot(timeout, admin_email, admin_password):
    """Wait for the database and Redis, migrate, create the first admin when missing, convert legacy models."""
    wait_until_up("the database", _ping_database, timeout)
    wait_until_up("Redis", lambda: redis_store.client.ping(), timeout)
    upgrade()
    create_first_admin(admin_email, admin_password or None)
    convert_legacy_models()
