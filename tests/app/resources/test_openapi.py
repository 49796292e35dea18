"""api-reference.yml is a valid OpenAPI 3 document and names exactly the app's routes."""
import re

import yaml
from openapi_spec_validator import validate


def spec_operations(spec_path) -> set[tuple[str, str]]:
    spec = yaml.safe_load(spec_path.read_text())
    validate(spec)
    return {(path, method.upper()) for path, item in spec["paths"].items()
            for method in item if method in ("get", "post", "put", "patch", "delete")}


def app_operations(app) -> set[tuple[str, str]]:
    ops = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule)
        ops |= {(path, m) for m in rule.methods - {"HEAD", "OPTIONS"}}
    return ops


def test_spec_is_valid_openapi(spec_path):
    """The document validates with openapi-spec-validator (what Swagger editor would flag)."""
    assert spec_operations(spec_path)


def test_every_route_is_documented_and_vice_versa(app, spec_path):
    """The set of (path, method) in the app equals the set in the spec."""
    assert app_operations(app) == spec_operations(spec_path)


def test_contract_client_rejects_undocumented_responses(client, openapi, recruiter, validate_response):
    """The validator used on every test response does fail on a response the spec does not allow."""
    import pytest
    from openapi_core.exceptions import OpenAPIError

    client.skip_contract = True
    response = client.put("/applicant/1", headers=recruiter["headers"], json={})  # 405: not in the spec
    with pytest.raises(OpenAPIError):
        validate_response(response)
