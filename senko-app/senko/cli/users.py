"""``flask users ...``: manage users without the API (first admin, password resets)."""
import secrets

import click
from sqlalchemy import select

from ..auth.accounts import create_user, set_password
from ..exceptions import NotFound
from ..extensions import db
from ..models import ROLES, User
from .base import SenkoGroup

users = SenkoGroup("users", help="Create, list and reset users.")


@users.command("create")
@click.option("--email", required=True, help="Login email.")
@click.option("--name", default="Administrator", show_default=True, help="Display name.")
@click.option("--role", type=click.Choice(ROLES), default="admin", show_default=True)
@click.option("--password", envvar="SENKO_NEW_PASSWORD", help="Password (or $SENKO_NEW_PASSWORD); generated when omitted.")
@click.option("--if-missing", is_flag=True, help="Do nothing (exit 0) when the email already exists.")
def create(email, name, role, password, if_missing):
    """Create a user non-interactively; a generated password is printed once."""
    if if_missing and User.by_email(email):
        click.echo(f"User {email.lower()} already exists; left unchanged.")
        return
    generated = not password
    password = password or secrets.token_urlsafe(18)
    user = create_user(email, name, password, role)
    click.echo(f"Created {user.role} {user.email}")
    if generated:
        click.echo(f"Password (shown once): {password}")


@users.command("list")
def list_users():
    """List users: id, email, role, name."""
    for user in db.session.scalars(select(User).order_by(User.id)):
        click.echo(f"{user.id}\t{user.email}\t{user.role}\t{user.name}")


@users.command("reset-password")
@click.option("--email", required=True)
@click.option("--password", envvar="SENKO_NEW_PASSWORD", help="New password (or $SENKO_NEW_PASSWORD); generated when omitted.")
def reset_password(email, password):
    """Set a new password for a user; a generated one is printed once."""
    user = User.by_email(email)
    if user is None:
        raise NotFound(f"no user {email}")
    generated = not password
    password = password or secrets.token_urlsafe(18)
    set_password(user, password)
    click.echo(f"Password reset for {user.email}")
    if generated:
        click.echo(f"Password (shown once): {password}")
