"""fairness audit: protected attributes, model cards, shadow scores (issue 12)

Revision ID: f12b8c2d5e05
Revises: f12a6b1e4d04
Create Date: 2026-11-29 18:00:00.000000

"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

# revision identifiers, used by Alembic.
revision = 'f12b8c2d5e05'
down_revision = 'f12a6b1e4d04'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
