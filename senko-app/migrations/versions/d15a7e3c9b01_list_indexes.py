"""applicant list: filter and sort indexes, furigana sort key (issue 15)

Revision ID: d15a7e3c9b01
Revises: b7c41f0e9a21
Create Date: 2026-11-29 18:00:00.000000

"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

# revision identifiers, used by Alembic.
revision = 'd15a7e3c9b01'
down_revision = 'b7c41f0e9a21'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
