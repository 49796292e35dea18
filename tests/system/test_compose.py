"""docker-compose.yml is valid against the Compose specification and references files that exist."""
import json
from pathlib import Path

import jsonschema
import yaml

ROOT = Path(__file__).resolve().parents[2]  # tests/system/ -> the repository
# Schema: compose_spec.json from the Compose specification (as shipped in docker-compose 1.29.2).
SCHEMA = json.loads((Path(__file__).parent / "data/compose_spec.json").read_text())


def load_compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_file_matches_the_specification():
    """The compose file validates against the Compose JSON schema."""
    compose = load_compose()
    jsonschema.Draft201909Validator(SCHEMA).validate(compose)


def test_compose_references_existing_files():
    """Every build context has a Dockerfile, and every file the Dockerfiles COPY exists."""
    compose = load_compose()
    for name, service in compose["services"].items():
        if "build" not in service:
            continue
        build = service["build"] if isinstance(service["build"], dict) else {"context": service["build"]}
        context = ROOT / build["context"]
        dockerfile = context / build.get("dockerfile", "Dockerfile")
        assert dockerfile.exists(), name
        for line in dockerfile.read_text().splitlines():
            if line.startswith("COPY ") and "--from" not in line:
                for source in line.split()[1:-1]:
                    assert (context / source).exists() or source == ".", f"{name}: {source}"


def test_database_and_redis_are_internal_only():
    """MySQL, Redis and senko-predict publish no ports and sit only on the internal network."""
    compose = load_compose()
    assert compose["networks"]["internal"]["internal"] is True
    for name in ("senko-db", "senko-redis", "senko-predict"):
        assert "ports" not in compose["services"][name]
        assert compose["services"][name]["networks"] == ["internal"]


def test_predict_uses_its_read_only_account():
    """senko-predict connects as senko_predict, which senko-db/accounts.sql (run by the image's init script) limits to ml_models."""
    compose = load_compose()
    assert compose["services"]["senko-predict"]["environment"]["SENKO_DATABASE_URL"].startswith(
        "mysql+mysqldb://senko_predict:")
    sql = (ROOT / "senko-db/accounts.sql").read_text()
    assert "GRANT SELECT, CREATE ON `{{DB_NAME}}`.`ml_models` TO '{{PREDICT_USER}}'@'{{HOST}}'" in sql
    dockerfile = (ROOT / "senko-db/Dockerfile").read_text()
    assert "COPY accounts.sql" in dockerfile and "COPY initdb/ /docker-entrypoint-initdb.d/" in dockerfile


def test_secrets_have_no_defaults():
    """The JWT secret, the sources key and database passwords must come from .env: compose refuses to start without them."""
    text = (ROOT / "docker-compose.yml").read_text()
    for var in ("SENKO_JWT_SECRET", "SENKO_DB_PASSWORD", "SENKO_DB_ROOT_PASSWORD", "SENKO_PREDICT_DB_PASSWORD",
                "SENKO_SOURCES_KEY"):
        assert f"${{{var}:?" in text
        assert f"${{{var}:-" not in text


def test_every_service_has_a_healthcheck():
    """Compose checks every Senko service (nginx, uWSGI + dependencies, the worker's ping, beat's heartbeat, predict,
    the metrics exporters, db, redis)."""
    compose = load_compose()
    senko = [name for name in compose["services"] if name.startswith("senko-")]
    assert {"senko-web", "senko-app", "senko-worker", "senko-beat", "senko-predict", "senko-redis", "senko-db",
            "senko-metrics", "senko-predict-metrics"} <= set(senko)
    for name in senko:
        assert compose["services"][name].get("healthcheck", {}).get("test"), name
    assert compose["services"]["senko-beat"]["healthcheck"]["test"] == ["CMD", "flask", "health", "beat"]
