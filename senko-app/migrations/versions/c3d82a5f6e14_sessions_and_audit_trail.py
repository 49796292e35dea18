"""sessions and audit trail: users.active and token_generation, decision history, audit log; users are never
deleted while anything refers to them (foreign keys to users lose ON DELETE SET NULL)

Revision ID: c3d82a5f6e14
Revises: e41a7c9d2b10
Create Date: 2026-11-29 15:30:00.000000

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import mysql

# revision identifiers, used by Alembic.
revision = 'c3d82a5f6e14'
down_revision = 'e41a7c9d2b10'
branch_labels = None
depends_on = None

TIMESTAMP = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), 'mariadb').with_variant(mysql.DATETIME(fsp=6), 'mysql')
# (table, column) of every foreign key to users.
USER_REFERENCES = [('applicants', 'decided_by_id'), ('applicants', 'created_by_id'), ('ml_models', 'created_by_id'),
                   ('sources', 'created_by_id'), ('source_allow_list', 'updated_by_id')]


def _user_fk_name(table, column):
    for fk in sa.inspect(op.get_bind()).get_foreign_keys(table):
        if fk['constrained_columns'] == [column] and fk['referred_table'] == 'users':
            return fk['name']
    raise RuntimeError(f'no foreign key from {table}.{column} to users')


def _set_user_fks(ondelete):
    for table, column in USER_REFERENCES:
        name = _user_fk_name(table, column)
        op.drop_constraint(name, table, type_='foreignkey')
        op.create_foreign_key(name, table, 'users', [column], ['id'], ondelete=ondelete)


def upgrade():
    op.add_column('users', sa.Column('active', sa.Boolean(), server_default=sa.true(), nullable=False))
    op.add_column('users', sa.Column('token_generation', sa.Integer(), server_default='0', nullable=False))
    op.create_table('decision_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('applicant_id', sa.Integer(), nullable=False),
    sa.Column('from_decision', sa.String(length=2), nullable=True),
    sa.Column('to_decision', sa.String(length=2), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('changed_by_id', sa.Integer(), nullable=True),
    sa.Column('changed_at', TIMESTAMP, nullable=False),
    sa.ForeignKeyConstraint(['applicant_id'], ['applicants.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['changed_by_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_decision_changes_applicant_id_id', 'decision_changes', ['applicant_id', 'id'], unique=False)
    op.create_table('audit_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', TIMESTAMP, nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('target_type', sa.String(length=20), nullable=True),
    sa.Column('target_id', sa.String(length=64), nullable=True),
    sa.Column('address', sa.String(length=45), nullable=True),
    sa.Column('data', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_audit_log_action_id', 'audit_log', ['action', 'id'], unique=False)
    op.create_index('ix_audit_log_actor_id_id', 'audit_log', ['actor_id', 'id'], unique=False)
    op.create_index(op.f('ix_audit_log_created_at'), 'audit_log', ['created_at'], unique=False)
    op.create_index('ix_audit_log_target', 'audit_log', ['target_type', 'target_id'], unique=False)
    # Existing decisions become the first entry of each applicant's history.
    op.execute("INSERT INTO decision_changes (applicant_id, from_decision, to_decision, changed_by_id, changed_at) "
               "SELECT id, NULL, decision, decided_by_id, COALESCE(decided_at, updated_at) FROM applicants "
               "WHERE decision IS NOT NULL")
    _set_user_fks(None)


def downgrade():
    _set_user_fks('SET NULL')
    op.drop_index('ix_audit_log_target', table_name='audit_log')
    op.drop_index(op.f('ix_audit_log_created_at'), table_name='audit_log')
    op.drop_index('ix_audit_log_actor_id_id', table_name='audit_log')
    op.drop_index('ix_audit_log_action_id', table_name='audit_log')
    op.drop_table('audit_log')
    op.drop_index('ix_decision_changes_applicant_id_id', table_name='decision_changes')
    op.drop_table('decision_changes')
    op.drop_column('users', 'token_generation')
    op.drop_column('users', 'active')
