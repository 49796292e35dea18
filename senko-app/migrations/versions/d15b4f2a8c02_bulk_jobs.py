"""bulk jobs: chunked rescore/retokenize progress (issue 15)

Revision ID: d15b4f2a8c02
Revises: d15a7e3c9b01
Create Date: 2026-11-29 18:00:00.000000

"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

# revision identifiers, used by Alembic.
revision = 'd15b4f2a8c02'
down_revision = 'd15a7e3c9b01'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
