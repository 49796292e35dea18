"""model registry: rolled_back_at, so rollbacks step back like an undo stack

Revision ID: 5d2e7c1b9a40
Revises: c006033e4acd
Create Date: 2026-11-23 23:10:00.000000

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import mysql

# revision identifiers, used by Alembic.
revision = '5d2e7c1b9a40'
down_revision = 'c006033e4acd'
branch_labels = None
depends_on = None

TIMESTAMP = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), 'mariadb').with_variant(mysql.DATETIME(fsp=6), 'mysql')


def upgrade():
    op.add_column('ml_models', sa.Column('rolled_back_at', TIMESTAMP, nullable=True))


def downgrade():
    op.drop_column('ml_models', 'rolled_back_at')
