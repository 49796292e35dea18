"""The Alembic migrations build exactly the schema the models describe."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext


def test_migrations_match_the_models(app):
    """An empty autogenerate diff: every model change came with its migration (and nothing else was migrated)."""
    from senko.extensions import db

    with app.app_context(), db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True, "compare_server_default": False})
        assert compare_metadata(context, db.metadata) == []


def test_migration_chain_is_linear_and_at_head(app):
    """One head, and the test database (migrated by the stack) is at it."""
    from alembic.script import ScriptDirectory

    from senko.extensions import db

    with app.app_context():
        config = app.extensions["migrate"].migrate.get_config()
        heads = ScriptDirectory.from_config(config).get_heads()
        assert len(heads) == 1
        with db.engine.connect() as conn:
            assert MigrationContext.configure(conn).get_current_heads() == tuple(heads)
