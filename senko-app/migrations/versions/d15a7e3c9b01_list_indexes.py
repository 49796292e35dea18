"""applicant list: filter and sort indexes, furigana sort key (issue 15)

Kana-folded name/ふりがな keys (the model keeps them from then on; existing rows are filled here) and
the composite indexes GET /applicants walks in sort order: (status|decision|source, score, id),
(status, applied_at|updated_at, id), (score|applied_at|updated_at|furigana_key, id), name_key.
The single-column status, decision, source and score indexes are prefixes of the new ones and go.

Revision ID: d15a7e3c9b01
Revises: b7c41f0e9a21
Create Date: 2026-11-29 18:00:00.000000

"""
import unicodedata

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

# revision identifiers, used by Alembic.
revision = 'd15a7e3c9b01'
down_revision = 'b7c41f0e9a21'
branch_labels = None
depends_on = None

FOLDED_KEY = sa.String(length=100).with_variant(mysql.VARCHAR(100, charset='utf8mb4', collation='utf8mb4_bin'), 'mysql', 'mariadb')
NEW_INDEXES = {
    'ix_applicants_score_id': ['score', 'id'],
    'ix_applicants_status_score_id': ['status', 'score', 'id'],
    'ix_applicants_status_applied_at_id': ['status', 'applied_at', 'id'],
    'ix_applicants_status_updated_at_id': ['status', 'updated_at', 'id'],
    'ix_applicants_decision_score_id': ['decision', 'score', 'id'],
    'ix_applicants_source_score_id': ['source', 'score', 'id'],
    'ix_applicants_applied_at_id': ['applied_at', 'id'],
    'ix_applicants_updated_at_id': ['updated_at', 'id'],
    'ix_applicants_furigana_key_id': ['furigana_key', 'id'],
    'ix_applicants_name_key': ['name_key'],
}
OLD_INDEXES = {
    'ix_applicants_status': ['status'],
    'ix_applicants_decision': ['decision'],
    'ix_applicants_score': ['score'],
    'ix_applicants_source': ['source'],
}
BATCH = 5000
_TO_HIRAGANA = {code: code - 0x60 for code in (*range(0x30A1, 0x30F7), 0x30FD, 0x30FE)}


def _fold(text):
    # A frozen copy of senko.models.kana.fold as of this revision (migrations never import the app).
    if not text:
        return ''
    normalized = unicodedata.normalize('NFKC', text).translate(_TO_HIRAGANA).lower()
    return ''.join(normalized.split())[:100]


def _fill_keys():
    conn = op.get_bind()
    applicants = sa.table('applicants', sa.column('id', sa.Integer), sa.column('name', sa.String),
                          sa.column('furigana', sa.String), sa.column('name_key', sa.String),
                          sa.column('furigana_key', sa.String))
    last = 0
    while True:
        rows = conn.execute(sa.select(applicants.c.id, applicants.c.name, applicants.c.furigana)
                            .where(applicants.c.id > last).order_by(applicants.c.id).limit(BATCH)).all()
        if not rows:
            return
        conn.execute(applicants.update().where(applicants.c.id == sa.bindparam('row_id'))
                     .values(name_key=sa.bindparam('nk'), furigana_key=sa.bindparam('fk')),
                     [{'row_id': r.id, 'nk': _fold(r.name), 'fk': _fold(r.furigana or r.name)} for r in rows])
        last = rows[-1].id


def upgrade():
    op.add_column('applicants', sa.Column('name_key', FOLDED_KEY, nullable=True))
    op.add_column('applicants', sa.Column('furigana_key', FOLDED_KEY, nullable=True))
    _fill_keys()
    for name, columns in NEW_INDEXES.items():
        op.create_index(name, 'applicants', columns, unique=False)
    for name in OLD_INDEXES:
        op.drop_index(name, table_name='applicants')


def downgrade():
    for name, columns in OLD_INDEXES.items():
        op.create_index(name, 'applicants', columns, unique=False)
    for name in NEW_INDEXES:
        op.drop_index(name, table_name='applicants')
    op.drop_column('applicants', 'furigana_key')
    op.drop_column('applicants', 'name_key')
