"""fairness masking: not_resume reason (issue 12)

Revision ID: f12a6b1e4d04
Revises: e11c5a9d3f03
Create Date: 2026-11-29 18:00:00.000000

"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

# revision identifiers, used by Alembic.
revision = 'f12a6b1e4d04'
down_revision = 'e11c5a9d3f03'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
