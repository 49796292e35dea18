"""applicants.hidden_chars: characters of the résumé a reader does not see (left out of the score, flagged)

Revision ID: b7c41f0e9a21
Revises: c3d82a5f6e14
Create Date: 2026-11-29 16:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'b7c41f0e9a21'
down_revision = 'c3d82a5f6e14'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('applicants', sa.Column('hidden_chars', sa.Integer(), nullable=True))


def downgrade():
    op.drop_column('applicants', 'hidden_chars')
