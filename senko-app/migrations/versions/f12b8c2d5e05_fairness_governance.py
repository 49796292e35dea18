"""fairness audit: protected attributes, model cards, shadow scores (issue 12)

Revision ID: f12b8c2d5e05
Revises: f12a6b1e4d04
Create Date: 2026-11-29 18:00:00.000000

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import mysql

# revision identifiers, used by Alembic.
revision = 'f12b8c2d5e05'
down_revision = 'f12a6b1e4d04'
branch_labels = None
depends_on = None

TIMESTAMP = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), 'mariadb').with_variant(mysql.DATETIME(fsp=6), 'mysql')


def upgrade():
    op.create_table('applicant_attributes',
    sa.Column('applicant_id', sa.Integer(), nullable=False),
    sa.Column('gender', sa.String(length=8), nullable=True),
    sa.Column('age_band', sa.String(length=8), nullable=True),
    sa.Column('prefecture', sa.String(length=8), nullable=True),
    sa.Column('extracted_at', TIMESTAMP, nullable=False),
    sa.ForeignKeyConstraint(['applicant_id'], ['applicants.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('applicant_id')
    )
    op.create_table('shadow_scores',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('model_id', sa.Integer(), nullable=False),
    sa.Column('applicant_id', sa.Integer(), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('active_score', sa.Float(), nullable=True),
    sa.Column('active_version', sa.String(length=64), nullable=True),
    sa.Column('scored_at', TIMESTAMP, nullable=False),
    sa.ForeignKeyConstraint(['applicant_id'], ['applicants.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['model_id'], ['ml_models.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('model_id', 'applicant_id', name='uq_shadow_scores_model_applicant')
    )
    op.create_index('ix_shadow_scores_applicant_id', 'shadow_scores', ['applicant_id'], unique=False)
    op.add_column('ml_models', sa.Column('card', sa.JSON(), nullable=True))
    op.add_column('ml_models', sa.Column('card_acknowledged_at', TIMESTAMP, nullable=True))
    op.add_column('ml_models', sa.Column('card_acknowledged_by_id', sa.Integer(), nullable=True))
    op.add_column('ml_models', sa.Column('card_note', sa.String(length=500), nullable=True))
    op.create_foreign_key('fk_ml_models_card_acknowledged_by_id', 'ml_models', 'users',
                          ['card_acknowledged_by_id'], ['id'])


def downgrade():
    op.drop_constraint('fk_ml_models_card_acknowledged_by_id', 'ml_models', type_='foreignkey')
    op.drop_column('ml_models', 'card_note')
    op.drop_column('ml_models', 'card_acknowledged_by_id')
    op.drop_column('ml_models', 'card_acknowledged_at')
    op.drop_column('ml_models', 'card')
    op.drop_index('ix_shadow_scores_applicant_id', table_name='shadow_scores')
    op.drop_table('shadow_scores')
    op.drop_table('applicant_attributes')
