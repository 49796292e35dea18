"""Settings: production refuses unsafe configuration; development has local defaults."""
import pytest

from senko.settings import SettingsError, load

GOOD = {"SENKO_ENV": "production", "SENKO_JWT_SECRET": "k" * 16 + "Zq8#x!" + "m" * 20,
        "SENKO_DATABASE_URL": "mysql+mysqldb://u:p@127.0.0.1/senko",
        "SENKO_SOURCES_KEY": "c2Vua28tc291cmNlcy1rZXktZm9yLXRlc3RzLTMyYiE="}


def test_production_accepts_a_strong_secret():
    """A 42-byte secret with a database URL is accepted in production."""
    assert load(GOOD)["JWT_SECRET_KEY"] == GOOD["SENKO_JWT_SECRET"]


@pytest.mark.parametrize("env", [
    {k: v for k, v in GOOD.items() if k != "SENKO_JWT_SECRET"},
    {**GOOD, "SENKO_JWT_SECRET": "x" * 31},
    {**GOOD, "SENKO_JWT_SECRET": ""},
    {**GOOD, "SENKO_DEBUG": "1"},
    {k: v for k, v in GOOD.items() if k != "SENKO_DATABASE_URL"},
    {**GOOD, "SENKO_ENV": "prod"},
    {k: v for k, v in GOOD.items() if k != "SENKO_SOURCES_KEY"},
    {**GOOD, "SENKO_SOURCES_KEY": "not-a-fernet-key"},
])
def test_production_refuses_unsafe_settings(env):
    """Missing/short secret, DEBUG on, no database URL, an unknown SENKO_ENV, no or a malformed sources key → refuse."""
    with pytest.raises(SettingsError):
        load(env)


def test_development_defaults_are_local():
    """Development starts with no environment at all, on a secret marked as development-only."""
    config = load({})
    assert config["SENKO_ENV"] == "development"
    assert "development-only" in config["JWT_SECRET_KEY"]
    assert config["SQLALCHEMY_ENGINE_OPTIONS"]["pool_pre_ping"] is True


def test_typed_values_are_checked():
    """A non-number where a number is expected is a clear settings error."""
    with pytest.raises(SettingsError):
        load({"SENKO_PAGE_LIMIT_MAX": "lots"})
    with pytest.raises(SettingsError):
        load({"SENKO_DEBUG": "perhaps"})


def test_app_factory_refuses_to_start_in_production_without_secret(monkeypatch):
    """create_app raises before serving anything when production settings are unsafe."""
    from senko import create_app

    monkeypatch.setenv("SENKO_ENV", "production")
    monkeypatch.setenv("SENKO_JWT_SECRET", "short")
    with pytest.raises(SettingsError):
        create_app()


def test_database_errors_never_carry_the_values(app):
    """A failed statement's error (logged, sent to Sentry) shows the SQL, never the values: they are personal data."""
    from sqlalchemy import insert
    from sqlalchemy.exc import IntegrityError

    from senko.extensions import db
    from senko.models import ApplicantNoun

    # no such applicant: the foreign key refuses the row
    with app.app_context(), pytest.raises(IntegrityError) as failure, db.engine.begin() as connection:
        connection.execute(insert(ApplicantNoun), {"applicant_id": 999999999, "noun": "秘密の名詞", "count": 1})
    assert "秘密の名詞" not in str(failure.value) and "999999999" not in str(failure.value)
    assert "hide_parameters" in str(failure.value)
