"""spreadsheet imports and saved mappings (issue 11)

Revision ID: e11c5a9d3f03
Revises: d15b4f2a8c02
Create Date: 2026-11-29 18:00:00.000000

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import mysql

# revision identifiers, used by Alembic.
revision = 'e11c5a9d3f03'
down_revision = 'd15b4f2a8c02'
branch_labels = None
depends_on = None

TIMESTAMP = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), 'mariadb').with_variant(mysql.DATETIME(fsp=6), 'mysql')
TABLE = {'mysql_charset': 'utf8mb4', 'mysql_collate': 'utf8mb4_unicode_520_ci'}


def upgrade():
    op.create_table('spreadsheet_imports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.String(length=32), nullable=True),
    sa.Column('message', sa.String(length=500), nullable=True),
    sa.Column('preview', sa.JSON(), nullable=True),
    sa.Column('choice', sa.JSON(), nullable=True),
    sa.Column('report', sa.JSON(), nullable=True),
    sa.Column('rows_total', sa.Integer(), nullable=True),
    sa.Column('rows_done', sa.Integer(), server_default='0', nullable=False),
    sa.Column('attempts', sa.Integer(), server_default='0', nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('finished_at', TIMESTAMP, nullable=True),
    sa.Column('created_at', TIMESTAMP, nullable=False),
    sa.Column('updated_at', TIMESTAMP, nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    **TABLE)
    op.create_index('ix_spreadsheet_imports_created_at_id', 'spreadsheet_imports', ['created_at', 'id'], unique=False)
    op.create_index(op.f('ix_spreadsheet_imports_sha256'), 'spreadsheet_imports', ['sha256'], unique=False)
    op.create_table('import_mappings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('signature', sa.String(length=128), nullable=False),
    sa.Column('mapping', sa.JSON(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', TIMESTAMP, nullable=False),
    sa.Column('updated_at', TIMESTAMP, nullable=False),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('signature'),
    **TABLE)


def downgrade():
    op.drop_table('import_mappings')
    op.drop_index(op.f('ix_spreadsheet_imports_sha256'), table_name='spreadsheet_imports')
    op.drop_index('ix_spreadsheet_imports_created_at_id', table_name='spreadsheet_imports')
    op.drop_table('spreadsheet_imports')
