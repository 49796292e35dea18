"""Metrics: the loopback exporters of senko-app and senko-predict, scraped by Debian's Prometheus.

Prometheus runs with ``monitoring/prometheus.yml`` (the targets swapped for this stack's ports and a
1 s interval) while real traffic goes through nginx, the worker and senko-predict. Grafana is not
packaged in Debian, so the dashboard's queries are checked here instead: every panel's expression is
evaluated by that Prometheus, with Grafana's variables replaced.
"""
import json
import math
import re
import shutil
import socket
import subprocess

import pytest
import requests
import yaml

from senko_stack import exporters, free_port


@pytest.fixture(scope="module")
def metrics_ports(stack, live, worker, predict_service):
    """Both exporters of the stack running (as `make up` starts them); yields their ports."""
    try:
        exporters.start_app_metrics(stack)
        exporters.start_predict_metrics(stack)
        yield {"senko-app": int(stack.env["SENKO_METRICS_PORT"]), "senko-predict": int(stack.env["SENKO_PREDICT_METRICS_PORT"])}
    finally:
        stack.stop("metrics")
        stack.stop("predict-metrics")


@pytest.fixture
def prometheus(metrics_ports, repo_root, tmp_path):
    """Debian's prometheus scraping the test stack every second; yields its URL."""
    binary = shutil.which("prometheus")
    if not binary:
        pytest.fail("Debian's prometheus must be installed (make deps installs it)")
    config = yaml.safe_load((repo_root / "monitoring/prometheus.yml").read_text())
    config["global"] = {"scrape_interval": "1s", "evaluation_interval": "1s"}
    for job in config["scrape_configs"]:
        job["static_configs"] = [{"targets": [f"127.0.0.1:{metrics_ports[job['job_name']]}"]}]
    (tmp_path / "prometheus.yml").write_text(yaml.safe_dump(config))
    port = free_port()
    argv = [binary, f"--config.file={tmp_path / 'prometheus.yml'}", f"--storage.tsdb.path={tmp_path / 'data'}",
            f"--web.listen-address=127.0.0.1:{port}"]
    with open(tmp_path / "prometheus.log", "wb") as log:
        process = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT)
        try:
            yield f"http://127.0.0.1:{port}"
        finally:
            process.terminate()
            process.wait(timeout=30)


def query(prometheus: str, expression: str) -> list:
    """The result vector of an instant query (empty while Prometheus is not up yet)."""
    try:
        body = requests.get(f"{prometheus}/api/v1/query", params={"query": expression}, timeout=5).json()
    except (requests.ConnectionError, json.JSONDecodeError):
        return []
    return body.get("data", {}).get("result", [])


def make_traffic(live: str, predict_service: str, users, make_model, wait_for) -> None:
    """A login, a failed login, a list and an upload processed by the worker and scored by senko-predict."""
    from senko.demo import resumes

    version = make_model(activate=True)
    wait_for(lambda: all(requests.get(f"{predict_service}/ready", timeout=5).json().get("model_version") == version
                         for _ in range(6)), "both predict workers on the model")
    users.create("admin@example.com", users.ADMIN_PASSWORD, "admin")
    login = requests.post(f"{live}/user/login", json={"email": "admin@example.com", "password": users.ADMIN_PASSWORD}, timeout=10)
    headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
    assert requests.post(f"{live}/user/login", json={"email": "admin@example.com", "password": "wrong-password-1"},
                         timeout=10).status_code == 401
    assert requests.get(f"{live}/applicant/20/1", headers=headers, timeout=10).status_code == 200
    pdf = resumes.resume_pdf(resumes.make_profile(7))
    created = requests.post(f"{live}/applicant", headers=headers, data={"name": "山田 太郎"},
                            files={"resume": ("履歴書.pdf", pdf, "application/pdf")}, timeout=30)
    assert created.status_code == 202, created.text
    applicant_id = created.json()["applicant"]["id"]

    def scored():
        status = requests.get(f"{live}/applicant/{applicant_id}", headers=headers, timeout=10).json()["applicant"]["status"]
        return status in ("scored", "unscored", "failed") and status

    wait_for(scored, "the uploaded résumé to be processed", 90)
    assert scored() == "scored"


def wait_all_up(prometheus: str, wait_for) -> None:
    """Wait until Prometheus has scraped both exporters successfully."""

    def all_up():
        targets = requests.get(f"{prometheus}/api/v1/targets", timeout=5).json()["data"]["activeTargets"]
        return len(targets) == 2 and all(t["health"] == "up" for t in targets)

    wait_for(lambda: query(prometheus, "up") and all_up(), "every target up", 60)


def test_prometheus_scrapes_every_target_and_the_named_series(live, prometheus, predict_service, users, make_model, wait_for):
    """Every target is up, and requests, ingest stages, predict latency and applicants have values."""
    make_traffic(live, predict_service, users, make_model, wait_for)
    wait_all_up(prometheus, wait_for)
    expected = {
        'senko_http_requests_total{job="senko-app",route="/user/login",status="200"}': 1,
        'senko_http_requests_total{job="senko-app",route="/applicant/<int:limit>/<int:page>"}': 1,
        'senko_ingest_stage_seconds_count{stage="extract"}': 1,
        'senko_ingest_stage_seconds_count{stage="score"}': 1,
        'senko_predict_request_duration_seconds_count': 1,
        'senko_predict_batch_size_count': 1,
        'senko_tasks_total{outcome="success"}': 1,
        'senko_login_failures_total': 1,
        'senko_applicants{status="scored"}': 1,
        'senko_active_model_info': 1,
        'senko_scores_gcount': 1,
        'senko_queue_depth{queue="celery"}': 0,
    }
    for expression, at_least in expected.items():
        wait_for(lambda e=expression, n=at_least: any(float(s["value"][1]) >= n for s in query(prometheus, e)),
                 f"{expression} >= {at_least} in Prometheus", 30)

# ---- the Grafana dashboard -------------------------------------------------------------------------
# Grafana's built-in variables, as Grafana would fill them for a short range scraped every second.
GRAFANA_VARIABLES = {"__rate_interval": "1m", "__interval": "15s", "__interval_ms": "15000", "__range": "5m",
                     "__range_s": "300", "__range_ms": "300000"}
VARIABLE = re.compile(r"\$\{(\w+)(?::\w+)?\}|\[\[(\w+)(?::\w+)?\]\]|\$(\w+)")
# Panels that may rightly be empty after healthy traffic (no failures happened); their queries must still run.
MAY_BE_EMPTY = {"Failures"}


def dashboard_panels(dashboard: dict) -> list[dict]:
    """Every panel of a dashboard, rows' nested (collapsed) panels included, rows themselves too."""
    panels = []
    for panel in dashboard.get("panels", []):
        panels.append(panel)
        panels.extend(dashboard_panels(panel))
    return panels


def substitute(expression: str, dashboard: dict) -> str:
    """An expression with Grafana's variables replaced: built-ins by fixed values, the dashboard's own by their current value (or `.*`)."""
    values = dict(GRAFANA_VARIABLES)
    for variable in dashboard.get("templating", {}).get("list", []):
        current = (variable.get("current") or {}).get("value")
        if isinstance(current, list):
            current = "|".join(current)
        values[variable["name"]] = ".*" if current in (None, "", "$__all") else str(current)

    def value(match):
        name = next(group for group in match.groups() if group)
        assert name in values, f"unknown Grafana variable ${name} in {expression}"
        return values[name]

    return VARIABLE.sub(value, expression)


def load_dashboard(repo_root) -> dict:
    """monitoring/grafana/dashboards/senko.json."""
    return json.loads((repo_root / "monitoring/grafana/dashboards/senko.json").read_text())


def test_dashboard_structure(repo_root):
    """Unique panel ids, a gridPos on every panel, every query panel on the provisioned Prometheus data source by uid."""
    uids = set()
    for path in (repo_root / "monitoring/grafana/provisioning/datasources").glob("*.yml"):
        uids |= {source["uid"] for source in yaml.safe_load(path.read_text())["datasources"] if source["type"] == "prometheus"}
    assert uids, "no Prometheus data source with a uid is provisioned"
    dashboard = load_dashboard(repo_root)
    panels = dashboard_panels(dashboard)
    ids = [panel.get("id") for panel in panels]
    assert None not in ids and len(ids) == len(set(ids)), ids
    for panel in panels:
        title = panel.get("title")
        grid = panel.get("gridPos") or {}
        assert {"x", "y", "w", "h"} <= grid.keys(), f"panel {title!r} has no complete gridPos"
        if panel["type"] == "row":
            continue
        assert panel.get("targets"), f"panel {title!r} has no query"
        assert (panel.get("datasource") or {}).get("uid") in uids, f"panel {title!r}: data source {panel.get('datasource')}"
        for target in panel["targets"]:
            source = target.get("datasource")
            assert source is None or source.get("uid") in uids, f"panel {title!r} {target.get('refId')}: data source {source}"
            assert target.get("expr"), f"panel {title!r} {target.get('refId')} has no expression"


def test_every_dashboard_query_runs_on_prometheus(live, prometheus, predict_service, users, make_model, wait_for, repo_root):
    """Each panel's expression, variables filled in, is valid PromQL for Prometheus and, but for failures, has data after traffic."""
    dashboard = load_dashboard(repo_root)
    targets = [(panel["title"], target["refId"], substitute(target["expr"], dashboard))
               for panel in dashboard_panels(dashboard) if panel["type"] != "row" for target in panel["targets"]]
    wait_all_up(prometheus, wait_for)  # scraped before the traffic, so rates see it grow
    make_traffic(live, predict_service, users, make_model, wait_for)
    wait_for(lambda: query(prometheus, 'senko_ingest_stage_seconds_count{stage="score"}'), "the score stage scraped", 30)

    def evaluate(expression: str) -> dict:
        return requests.get(f"{prometheus}/api/v1/query", params={"query": expression}, timeout=10).json()

    broken = []
    for title, ref, expression in targets:
        body = evaluate(expression)
        if body.get("status") != "success":
            broken.append(f"panel {title!r} {ref}: {expression}: {body.get('errorType')}: {body.get('error')}")
    assert not broken, "\n".join(broken)

    def has_data(expression: str) -> bool:
        result = evaluate(expression)["data"]["result"]
        return any(math.isfinite(float(series["value"][1])) for series in result)

    for title, ref, expression in targets:
        if title not in MAY_BE_EMPTY:
            wait_for(lambda e=expression: has_data(e), f"panel {title!r} {ref} ({expression}) to have a finite value", 30)


def test_metrics_are_not_public(live, metrics_ports):
    """/metrics is a 404 JSON through the public nginx API port; the exporters listen on 127.0.0.1 only."""
    response = requests.get(f"{live}/metrics", timeout=10)
    assert response.status_code == 404 and response.json() == {"message": "Not found", "code": "not_found"}
    for port in metrics_ports.values():
        assert requests.get(f"http://127.0.0.1:{port}/metrics", timeout=10).status_code == 200
        listening = subprocess.run(["ss", "-Hltn", f"sport = :{port}"], capture_output=True, text=True).stdout.split()
        assert [a for a in listening if a.endswith(f":{port}")] == [f"127.0.0.1:{port}"]
        other = socket.gethostbyname(socket.gethostname())
        if not other.startswith("127."):
            with socket.socket() as sock:
                sock.settimeout(1)
                assert sock.connect_ex((other, port)) != 0


def test_monitoring_profile_is_wired(repo_root):
    """Compose's monitoring profile mounts files that exist, scrapes the exporter services, and the dashboard covers the series."""
    compose = yaml.safe_load((repo_root / "docker-compose.yml").read_text())
    for name in ("prometheus", "grafana"):
        service = compose["services"][name]
        assert service["profiles"] == ["monitoring"]
        for volume in service["volumes"]:
            if volume.startswith("./"):
                assert (repo_root / volume.split(":")[0]).exists(), volume
    scrape = yaml.safe_load((repo_root / "monitoring/prometheus.yml").read_text())
    for job in scrape["scrape_configs"]:
        for target in job["static_configs"][0]["targets"]:
            assert target.split(":")[0] in compose["services"], target
    dashboard = load_dashboard(repo_root)
    expressions = " ".join(target["expr"] for panel in dashboard_panels(dashboard) for target in panel.get("targets", []))
    for needed in ("histogram_quantile(0.5,", "histogram_quantile(0.99,", "senko_http_requests_total", "senko_applicants",
                   "senko_ingest_stage_seconds", "senko_queue_depth", "senko_tasks_total", "senko_active_model_info",
                   "senko_scores_bucket", 'status=~\\"5..\\"'.replace("\\", "")):
        assert needed in expressions, needed
