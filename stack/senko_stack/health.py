"""``make status``: each process of the stack, whether it is healthy and ready, the queue depth and
beat's last runs.

The HTTP services are asked directly (``/healthy``: the process answers; ``/ready``: its dependencies
do): senko-app through nginx's API port, senko-predict on its loopback port, nginx on the UI port's
own ``/healthy``. The processes without HTTP (the Celery worker and beat), the database and Redis
are reported by one ``flask health status --json`` (worker pings, beat's heartbeat, queue length).
Standard library only, like the rest of the package.
"""
from __future__ import annotations

import json
import subprocess
import urllib.error
import urllib.request
from typing import TYPE_CHECKING

from .config import APP_DIR

if TYPE_CHECKING:
    from .stack import Stack


def http_check(url: str, timeout: float = 10.0) -> tuple[bool, dict | str | None]:
    """(answered 2xx, the JSON body or the reason) for a GET of ``url``."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return True, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as exc:
        try:
            return False, json.loads(exc.read() or b"null")
        except ValueError:
            return False, f"HTTP {exc.code}"
    except (OSError, ValueError) as exc:
        return False, f"no answer ({type(exc).__name__})"


def describe_ready(ok: bool, body) -> str:
    """One phrase for a /ready answer."""
    if ok:
        return "ready" + (f" (model {body['model_version']})" if isinstance(body, dict) and body.get("model_version") else "")
    reason = body.get("message") if isinstance(body, dict) else body
    return f"not ready: {reason}"


def app_report(stack: Stack, timeout: float = 30.0) -> dict:
    """``flask health status --json`` of this stack (workers, queue depth, beat), or ``{"error": ...}``."""
    try:
        done = subprocess.run([stack.bin("flask"), "health", "status", "--json"], cwd=APP_DIR, env=stack.child_env(),
                              capture_output=True, text=True, timeout=timeout)
    except (OSError, subprocess.SubprocessError) as exc:
        return {"error": f"{type(exc).__name__}"}
    if done.returncode != 0:
        return {"error": (done.stderr.strip().splitlines() or ["failed"])[-1]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def checks(stack: Stack) -> dict[str, str]:
    """Service name → its health, for the services that run."""
    env, pids, result = stack.env, stack.status(), {}
    local = "http://127.0.0.1:{}".format
    if pids.get("nginx"):
        ok, _ = http_check(local(env["SENKO_UI_PORT"]) + "/healthy")
        result["nginx"] = "healthy" if ok else "not answering /healthy"
    if pids.get("uwsgi"):
        alive, _ = http_check(local(env["SENKO_API_PORT"]) + "/healthy")
        result["uwsgi"] = ("healthy, " if alive else "not answering /healthy, ") + describe_ready(
            *http_check(local(env["SENKO_API_PORT"]) + "/ready"))
    if pids.get("predict"):
        alive, _ = http_check(local(env["SENKO_PREDICT_PORT"]) + "/healthy")
        result["predict"] = ("healthy, " if alive else "not answering /healthy, ") + describe_ready(
            *http_check(local(env["SENKO_PREDICT_PORT"]) + "/ready"))
    return result


def report(stack: Stack) -> list[str]:
    """The lines ``make status`` prints."""
    pids, health = stack.status(), checks(stack)
    app = app_report(stack) if pids.get("mariadb") and pids.get("redis") else {"error": "MariaDB or Redis is stopped"}
    deps = app.get("dependencies", {})
    health.update({name: f"ready ({deps[key]})" if deps.get(key) == "ok" else f"not ready: {deps.get(key, app.get('error'))}"
                   for name, key in (("mariadb", "database"), ("redis", "redis")) if pids.get(name)})
    if pids.get("worker"):
        workers = app.get("workers") or []
        health["worker"] = f"answers ping ({', '.join(workers)})" if workers else "no answer to ping"
    beat = app.get("beat")
    if pids.get("beat"):
        health["beat"] = "no heartbeat yet" if not beat else \
            f"{'STALE, ' if beat['stale'] else ''}last tick {beat['age']:.0f}s ago"
    lines = [f"{name:10} {f'running (pid {pid})' if pid else 'stopped':22} {health.get(name, '')}".rstrip()
             for name, pid in pids.items()]
    if "error" in app:
        lines.append(f"health: {app['error']}")
    lines.append(f"queue depth: {app.get('queue_depth', 'unknown') if app.get('queue_depth') is not None else 'unknown'}")
    if beat and beat.get("last_runs"):
        lines.append("last beat runs:")
        lines.extend(f"  {name:28} {when or 'never'}" for name, when in sorted(beat["last_runs"].items()))
    return lines
