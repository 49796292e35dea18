"""Metrics: the loopback exporters of senko-app and senko-predict, scraped by Debian's Prometheus.

Prometheus runs with ``monitoring/prometheus.yml`` (the targets swapped for this stack's ports and a
1 s interval) while real traffic goes through nginx, the worker and senko-predict.
"""
import json
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


def test_prometheus_scrapes_every_target_and_the_named_series(live, prometheus, predict_service, users, make_model, wait_for):
    """Every target is up, and requests, ingest stages, predict latency and applicants have values."""
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

    def all_up():
        targets = requests.get(f"{prometheus}/api/v1/targets", timeout=5).json()["data"]["activeTargets"]
        return len(targets) == 2 and all(t["health"] == "up" for t in targets)

    wait_for(lambda: query(prometheus, "up") and all_up(), "every target up", 60)
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


def test_metrics_are_not_public(live, metrics_ports):
    """/metrics is a 404 JSON through the public nginx API port; the exporters listen on 127.0.0.1 only."""
    response = requests.get(f"{live}/metrics", timeout=10)
    assert response.status_code == 404 and response.json() == {"message": "Not found"}
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
    dashboard = json.loads((repo_root / "monitoring/grafana/dashboards/senko.json").read_text())
    expressions = " ".join(target["expr"] for panel in dashboard["panels"] for target in panel["targets"])
    for needed in ("histogram_quantile(0.5,", "histogram_quantile(0.99,", "senko_http_requests_total", "senko_applicants",
                   "senko_ingest_stage_seconds", "senko_queue_depth", "senko_tasks_total", "senko_active_model_info",
                   "senko_scores_bucket", 'status=~\\"5..\\"'.replace("\\", "")):
        assert needed in expressions, needed
