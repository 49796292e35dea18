"""``flask users ...``: manage users without the API (first admin, password resets, deactivation)."""
import secrets

import click
from sqlalchemy import select

from ..auth.accounts import create_user, delete_user, end_sessions, set_password, update_user
from ..exceptions import NotFound
from ..extensions import db
from ..models import ROLES, User
from .base import SenkoGroup

users = SenkoGroup("users", help="Create, list, reset, deactivate users and end their sessions.")


def by_email(email: str) -> User:
    """The user with this email, or ``NotFound``."""
    user = User.by_email(email)
    if user is None:
        raise NotFound(f"no user {email}")
    return user


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
    """List users: id, email, role, active or inactive, name."""
    for user in db.session.scalars(select(User).order_by(User.id)):
        click.echo(f"{user.id}\t{user.email}\t{user.role}\t{'active' if user.active else 'inactive'}\t{user.name}")


@users.command("reset-password")
@click.option("--email", required=True)
@click.option("--password", envvar="SENKO_NEW_PASSWORD", help="New password (or $SENKO_NEW_PASSWORD); generated when omitted.")
def reset_password(email, password):
    """Set a new password for a user (every session of theirs ends); a generated one is printed once."""
    user = by_email(email)
    generated = not password
    password = password or secrets.token_urlsafe(18)
    set_password(user, password)
    click.echo(f"Password reset for {user.email}")
    if generated:
        click.echo(f"Password (shown once): {password}")


@users.command("deactivate")
@click.option("--email", required=True)
def deactivate(email):
    """Deactivate a user: they cannot log in and every session of theirs ends. Their decisions stay theirs."""
    user = update_user(by_email(email), {"active": False}, None)
    click.echo(f"Deactivated {user.email}")


@users.command("activate")
@click.option("--email", required=True)
def activate(email):
    """Let a deactivated user log in again."""
    user = update_user(by_email(email), {"active": True}, None)
    click.echo(f"Activated {user.email}")


@users.command("set-role")
@click.option("--email", required=True)
@click.option("--role", type=click.Choice(ROLES), required=True)
def set_role(email, role):
    """Change a user's role."""
    user = update_user(by_email(email), {"role": role}, None)
    click.echo(f"{user.email} is now {user.role}")


@users.command("logout-all")
@click.option("--email", required=True)
def logout_all(email):
    """End every session of a user (every token issued so far stops working)."""
    user = by_email(email)
    end_sessions(user)
    click.echo(f"Ended every session of {user.email}")


@users.command("delete")
@click.option("--email", required=True)
def delete(email):
    """Delete a user nothing refers to (no decisions, applicants, models or audit entries); otherwise deactivate."""
    user = by_email(email)
    delete_user(user)
    click.echo(f"Deleted {email.lower()}")
