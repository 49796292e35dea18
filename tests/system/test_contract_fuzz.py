"""Contract exactness: schemathesis, with all its default checks, finds nothing the spec and the server disagree on.

It fuzzes every operation of api-reference.yml against the real stack (nginx → uWSGI → Flask,
MariaDB, Redis): examples, boundary values, random and invalid data, and chains of calls that
follow the spec's links, checking status codes, content types, headers and bodies against the
spec, that schema-valid requests are accepted and schema-violating ones refused, and that nothing
answers 5xx. Bounded and deterministic: the same cases every run. What is left out and why:
``contract/schemathesis.toml``; Senko's formats and the fuzzer's tokens: ``contract/hooks.py``.
"""
import os
import subprocess
import sys
import time

# Cases per operation and phase (the boundary-value phase adds its own): about 1,800 requests.
MAX_EXAMPLES = 10
CONFIG = "tests/system/contract/schemathesis.toml"


def test_schemathesis_finds_no_contract_failure(live, users, app, repo_root, tmp_path):
    """Every default check of schemathesis passes on every operation it may fuzz, as an admin."""
    admin_id = users.create("fuzz@example.com", users.ADMIN_PASSWORD, "admin", "ファズ 管理")
    env = {**os.environ, "SENKO_FUZZ_USER_ID": str(admin_id), "HYPOTHESIS_STORAGE_DIRECTORY": str(tmp_path)}
    command = [sys.executable, "-m", "schemathesis.cli", "--config-file", CONFIG, "run", "api-reference.yml",
               "--url", live, "--max-examples", str(MAX_EXAMPLES), "--no-color"]
    try:
        result = subprocess.run(command, cwd=repo_root, env=env, capture_output=True, text=True, timeout=540)
    finally:
        drain_queue(app)
    assert result.returncode == 0, report(result)


def report(result: subprocess.CompletedProcess) -> str:
    """What schemathesis found (each failure with a curl line to reproduce it) and its summary."""
    out = result.stdout
    start = out.find("=== FAILURES ===")
    start = out.rfind("\n", 0, start) + 1 if start >= 0 else 0
    return f"schemathesis exited {result.returncode}\n{out[start:]}\n{result.stderr[-3000:]}"


def drain_queue(app, timeout: float = 60.0) -> None:
    """Drop the jobs the fuzz queued (résumés, rescoring) and let a running worker finish its own,
    so none of them runs into the next test."""
    celery = app.extensions["celery"]
    celery.control.purge()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        inspect = celery.control.inspect(timeout=1)
        # No worker answers when none runs in this session: nothing to wait for.
        busy = [task for ask in (inspect.active, inspect.reserved, inspect.scheduled)
                for tasks in (ask() or {}).values() for task in tasks]
        if not busy:
            return
        celery.control.purge()
        time.sleep(0.5)
