"""applicants.name_source: typed in, a bulk upload's file name, or read from the résumé

Revision ID: 9b3f6a2d4c11
Revises: 5d2e7c1b9a40
Create Date: 2026-11-24 02:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '9b3f6a2d4c11'
down_revision = '5d2e7c1b9a40'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('applicants', sa.Column('name_source', sa.String(length=16), server_default='entered', nullable=False))


def downgrade():
    op.drop_column('applicants', 'name_source')
