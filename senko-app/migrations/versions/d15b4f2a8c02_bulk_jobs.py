"""bulk jobs: chunked rescore/retokenize progress (issue 15)

Revision ID: d15b4f2a8c02
Revises: d15a7e3c9b01
Create Date: 2026-11-29 18:00:00.000000

"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

# revision identifiers, used by Alembic.
revision = 'd15b4f2a8c02'
down_revision = 'd15a7e3c9b01'
branch_labels = None
depends_on = None


def _timestamp():
    return sa.DateTime().with_variant(mysql.DATETIME(fsp=6), 'mysql', 'mariadb')


def upgrade():
    op.create_table('bulk_jobs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('model_version', sa.String(length=64), nullable=True),
    sa.Column('chunk_size', sa.Integer(), nullable=False),
    sa.Column('chunks', sa.Integer(), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('done', sa.Integer(), nullable=False),
    sa.Column('failed', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('finished_at', _timestamp(), nullable=True),
    sa.Column('created_at', _timestamp(), nullable=False),
    sa.Column('updated_at', _timestamp(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id']),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_bulk_jobs_kind_status', 'bulk_jobs', ['kind', 'status'], unique=False)
    op.create_table('bulk_chunks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('job_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('worker', sa.String(length=255), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('lease_token', sa.String(length=32), nullable=True),
    sa.Column('lease_until', _timestamp(), nullable=True),
    sa.Column('done', sa.Integer(), nullable=False),
    sa.Column('failed', sa.Integer(), nullable=False),
    sa.Column('started_at', _timestamp(), nullable=True),
    sa.Column('finished_at', _timestamp(), nullable=True),
    sa.ForeignKeyConstraint(['job_id'], ['bulk_jobs.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('job_id', 'seq', name='uq_bulk_chunks_job_seq')
    )
    op.create_table('bulk_job_items',
    sa.Column('job_id', sa.Integer(), nullable=False),
    sa.Column('applicant_id', sa.Integer(), nullable=False),
    sa.Column('chunk_seq', sa.Integer(), nullable=False),
    sa.Column('applied', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['applicant_id'], ['applicants.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['job_id'], ['bulk_jobs.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('job_id', 'applicant_id')
    )
    op.create_index('ix_bulk_job_items_job_chunk', 'bulk_job_items', ['job_id', 'chunk_seq'], unique=False)


def downgrade():
    op.drop_index('ix_bulk_job_items_job_chunk', table_name='bulk_job_items')
    op.drop_table('bulk_job_items')
    op.drop_table('bulk_chunks')
    op.drop_index('ix_bulk_jobs_kind_status', table_name='bulk_jobs')
    op.drop_table('bulk_jobs')
