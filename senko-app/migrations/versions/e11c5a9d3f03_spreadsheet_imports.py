"""spreadsheet imports and saved mappings (issue 11)

Revision ID: e11c5a9d3f03
Revises: d15b4f2a8c02
Create Date: 2026-11-29 18:00:00.000000

"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

# revision identifiers, used by Alembic.
revision = 'e11c5a9d3f03'
down_revision = 'd15b4f2a8c02'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
