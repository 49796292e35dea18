"""The metrics of the native stack: a multiprocess folder per service and the two loopback exporters.

uWSGI (senko-app), each Celery worker and senko-predict get ``PROMETHEUS_MULTIPROC_DIR`` =
``run/metrics/<service>``, emptied when the service starts (values of the processes before it are
gone) and owned by the service user. Two small processes serve what those folders hold:
``metrics`` (``flask metrics serve``, senko-app's uWSGI and worker folders plus the applicants, the
queue and the active model) on SENKO_METRICS_PORT, and ``predict-metrics``
(``python -m senko_predict.metrics``) on SENKO_PREDICT_METRICS_PORT, both on 127.0.0.1 only.
"""
from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from . import privileges
from .config import APP_DIR, PREDICT_DIR, port
from .processes import port_open, wait_for

if TYPE_CHECKING:
    from .stack import Stack

# Whose folders each exporter adds up (the worker started by `make up` is called "worker").
APP_FOLDERS = ("uwsgi", "worker")
PREDICT_FOLDERS = ("predict",)


def metrics_folder(stack: Stack, service: str) -> Path:
    """``run/metrics/<service>``, owned by the service user."""
    privileges.own(stack.run / "metrics", stack.account, 0o755 if stack.account else None)
    return privileges.own(stack.run / "metrics" / service, stack.account, 0o700 if stack.account else None)


def multiproc_env(stack: Stack, service: str) -> dict:
    """The environment entry of a service about to start: its metrics folder, emptied (unless it runs)."""
    folder = metrics_folder(stack, service)
    for entry in () if stack.pid(service) else folder.iterdir():
        shutil.rmtree(entry) if entry.is_dir() and not entry.is_symlink() else entry.unlink()
    return {"PROMETHEUS_MULTIPROC_DIR": str(folder)}


def exporter_env(stack: Stack) -> dict:
    """The stack's environment without a multiprocess folder: an exporter reads them, it writes none."""
    return {key: value for key, value in stack.child_env().items() if key != "PROMETHEUS_MULTIPROC_DIR"}


def _start(stack: Stack, name: str, argv: list[str], cwd: Path, key: str, env: dict) -> None:
    listen = port(stack.env, key)
    if stack.pid(name):
        return
    stack.require_port_free(name, listen)
    stack.spawn(name, [*argv, "--host", "127.0.0.1", "--port", str(listen)], cwd=cwd, env=env, user=stack.account)
    wait_for(lambda: port_open(listen), f"metrics exporter ({name})", 60, stack.log / f"{name}.log",
             alive=lambda: stack.pid(name) is not None)


def start_app_metrics(stack: Stack) -> None:
    """senko-app's /metrics (uWSGI and worker folders, applicants, queue depth, active model) on 127.0.0.1."""
    folders = [arg for service in APP_FOLDERS for arg in ("--dir", str(metrics_folder(stack, service)))]
    _start(stack, "metrics", [stack.bin("flask"), "metrics", "serve", *folders], APP_DIR, "SENKO_METRICS_PORT",
           exporter_env(stack))


def start_predict_metrics(stack: Stack) -> None:
    """senko-predict's /metrics on 127.0.0.1 (no database, no secrets: it only reads its folder)."""
    folders = [arg for service in PREDICT_FOLDERS for arg in ("--dir", str(metrics_folder(stack, service)))]
    env = {key: value for key, value in exporter_env(stack).items()
           if not key.endswith(("_URL", "_SECRET", "_KEY")) or key == "SENKO_PREDICT_URL"}
    _start(stack, "predict-metrics", [stack.python, "-m", "senko_predict.metrics", *folders], PREDICT_DIR,
           "SENKO_PREDICT_METRICS_PORT", env)
