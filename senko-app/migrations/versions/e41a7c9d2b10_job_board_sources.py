"""job-board sources: sources, runs, fetched items, the allow list; applicants' external_id and duplicate flag

Revision ID: e41a7c9d2b10
Revises: 9b3f6a2d4c11
Create Date: 2026-11-29 13:00:00.000000

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import mysql

# revision identifiers, used by Alembic.
revision = 'e41a7c9d2b10'
down_revision = '9b3f6a2d4c11'
branch_labels = None
depends_on = None

TIMESTAMP = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), 'mariadb').with_variant(mysql.DATETIME(fsp=6), 'mysql')
TABLE = {'mysql_charset': 'utf8mb4', 'mysql_collate': 'utf8mb4_unicode_520_ci'}
# Board ids compare byte for byte ("abc" and "ABC" are two applications).
EXTERNAL_ID = sa.String(length=200).with_variant(mysql.VARCHAR(200, charset='utf8mb4', collation='utf8mb4_bin'), 'mysql', 'mariadb')


def upgrade():
    op.create_table('sources',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('settings', sa.JSON(), nullable=False),
    sa.Column('secrets_encrypted', sa.Text(), nullable=True),
    sa.Column('schedule', sa.JSON(), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('lookback_days', sa.Integer(), nullable=False),
    sa.Column('cursor', sa.String(length=500), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', TIMESTAMP, nullable=False),
    sa.Column('updated_at', TIMESTAMP, nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name'),
    **TABLE)
    op.create_table('source_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('trigger', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('started_at', TIMESTAMP, nullable=False),
    sa.Column('finished_at', TIMESTAMP, nullable=True),
    sa.Column('seen', sa.Integer(), nullable=False),
    sa.Column('new', sa.Integer(), nullable=False),
    sa.Column('duplicates', sa.Integer(), nullable=False),
    sa.Column('errors', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=True),
    sa.Column('item_errors', sa.JSON(), nullable=True),
    sa.Column('cursor', sa.String(length=500), nullable=True),
    sa.ForeignKeyConstraint(['source_id'], ['sources.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    **TABLE)
    op.create_index(op.f('ix_source_runs_source_id'), 'source_runs', ['source_id'], unique=False)
    op.create_table('source_items',
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('external_id', EXTERNAL_ID, nullable=False),
    sa.Column('applicant_id', sa.Integer(), nullable=True),
    sa.Column('run_id', sa.Integer(), nullable=True),
    sa.Column('fetched_at', TIMESTAMP, nullable=False),
    sa.ForeignKeyConstraint(['applicant_id'], ['applicants.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['run_id'], ['source_runs.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['source_id'], ['sources.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('source_id', 'external_id'),
    **TABLE)
    op.create_index(op.f('ix_source_items_applicant_id'), 'source_items', ['applicant_id'], unique=False)
    op.create_table('source_allow_list',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entries', sa.JSON(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', TIMESTAMP, nullable=True),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    **TABLE)
    op.add_column('applicants', sa.Column('external_id', EXTERNAL_ID, nullable=True))
    op.add_column('applicants', sa.Column('duplicate_of_id', sa.Integer(), nullable=True))
    op.create_foreign_key('fk_applicants_duplicate_of_id', 'applicants', 'applicants', ['duplicate_of_id'], ['id'],
                          ondelete='SET NULL')
    op.create_index('ix_applicants_source', 'applicants', ['source'], unique=False)
    op.create_index('ix_applicants_email', 'applicants', ['email'], unique=False)


def downgrade():
    op.drop_index('ix_applicants_email', table_name='applicants')
    op.drop_index('ix_applicants_source', table_name='applicants')
    op.drop_constraint('fk_applicants_duplicate_of_id', 'applicants', type_='foreignkey')
    op.drop_column('applicants', 'duplicate_of_id')
    op.drop_column('applicants', 'external_id')
    op.drop_table('source_allow_list')
    op.drop_index(op.f('ix_source_items_applicant_id'), table_name='source_items')
    op.drop_table('source_items')
    op.drop_index(op.f('ix_source_runs_source_id'), table_name='source_runs')
    op.drop_table('source_runs')
    op.drop_table('sources')
