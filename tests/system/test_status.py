"""Health: /healthy and /ready of every service, beat's heartbeat, and what `make status` prints about them."""
import json
import urllib.request

import pytest

from senko_stack import health


@pytest.fixture
def beat(stack, worker):
    """Celery beat on the test stack for one test (it writes its heartbeat as it ticks)."""
    stack.start_beat()
    try:
        yield stack
    finally:
        stack.stop("beat")


def test_nginx_answers_its_own_healthy(live, stack):
    """nginx's UI port has its own /healthy; the API port's /healthy is senko-app's, through nginx."""
    with urllib.request.urlopen(f"http://127.0.0.1:{stack.env['SENKO_UI_PORT']}/healthy", timeout=30) as response:
        assert response.status == 200 and json.loads(response.read()) == "healthy"
    with urllib.request.urlopen(f"{live}/ready", timeout=30) as response:
        assert json.loads(response.read())["status"] == "ready"


def test_beat_heartbeat_check(app, runner, redis_admin, beat, wait_for):
    """`flask health beat` fails without a heartbeat and passes once beat ticked."""
    redis_admin.delete("senko:beat:heartbeat")
    assert runner.invoke(args=["health", "beat"]).exit_code == 1
    wait_for(lambda: redis_admin.get("senko:beat:heartbeat"), "beat's heartbeat", timeout=60)
    result = runner.invoke(args=["health", "beat"])
    assert result.exit_code == 0 and "alive" in result.output


def test_make_status_reports_health_queue_and_beat(app, stack, live, predict_service, beat, redis_admin, wait_for):
    """Every running process with its health, the queue depth and beat's last runs."""
    wait_for(lambda: redis_admin.get("senko:beat:heartbeat"), "beat's heartbeat", timeout=60)
    lines = health.report(stack)
    text = "\n".join(lines)
    by_name = {line.split()[0]: line for line in lines}
    for name in ("mariadb", "redis", "predict", "worker", "beat", "uwsgi", "nginx"):
        assert "running (pid" in by_name[name], text
    assert "ready (ok)" in by_name["mariadb"] and "ready (ok)" in by_name["redis"], text
    assert "healthy, ready" in by_name["uwsgi"], text
    assert "healthy" in by_name["predict"], text  # ready only with an active model
    assert "answers ping (worker@" in by_name["worker"], text
    assert "last tick" in by_name["beat"] and "STALE" not in by_name["beat"], text
    assert by_name["nginx"].endswith("healthy"), text
    assert "queue depth: 0" in lines, text
    assert "last beat runs:" in lines and any("apply-retention" in line for line in lines), text
    # The daily jobs (02:30 and 03:00 JST) have not run in a fresh beat: "never", not beat's start time.
    daily = [line for line in lines if line.split()[:1] in (["apply-retention"], ["nightly-retrain"])]
    assert len(daily) == 2 and any(line.endswith("never") for line in daily), text
