"""``python -m senko_stack up|down|status|env`` (``senko-stack``): what ``make up`` / ``make down`` /
``make status`` / ``make flask`` run."""
from __future__ import annotations

import argparse
import shlex
import subprocess
import sys
from pathlib import Path

from . import health
from .config import ENV_FILE, ROOT
from .stack import Stack


def up(stack: Stack) -> int:
    """Start everything and say where to go (or what failed and where the logs are)."""
    try:
        report = stack.up()
    except (RuntimeError, ValueError, subprocess.CalledProcessError) as exc:
        print(f"make up failed: {exc}", file=sys.stderr)
        print(f"Logs are in {stack.log}", file=sys.stderr)
        return 1
    e = stack.env
    print((report.get("boot") or "").rstrip())
    print(f"\nSenko is up.\n  UI:   http://localhost:{e['SENKO_UI_PORT']}/\n  API:  http://localhost:{e['SENKO_API_PORT']}/"
          f"  (try: curl http://localhost:{e['SENKO_API_PORT']}/healthy)\n  Logs: {stack.log}\n  Stop: make down")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run one command; returns the exit status."""
    parser = argparse.ArgumentParser(prog="senko-stack", description="Run Senko's services as local processes.")
    parser.add_argument("command", choices=["up", "down", "status", "env"],
                        help="up: start everything; down: stop what up started; status: list; env: export lines")
    parser.add_argument("--var", type=Path, default=ROOT / "var", help="data and run folder (default: var/)")
    args = parser.parse_args(argv)
    if args.command in ("down", "status"):
        # Only pid files matter: no settings are read, and nothing is created in a missing var/.
        stack = Stack(args.var, {}) if args.var.exists() else None
        if args.command == "down":
            stopped = stack.down() if stack else []
            print("stopped: " + (", ".join(stopped) or "nothing was running"))
        elif stack and (args.var / ENV_FILE).exists():
            # The settings exist: ask each running service how it is (health, queue depth, beat's runs).
            print("\n".join(health.report(Stack.from_var(args.var))))
        else:
            for name, pid in (stack.status() if stack else dict.fromkeys(Stack.SERVICES)).items():
                print(f"{name:10} {f'running (pid {pid})' if pid else 'stopped'}")
        return 0
    try:
        stack = Stack.from_var(args.var)
    except ValueError as exc:
        print(f"senko-stack: {exc}", file=sys.stderr)
        return 1
    if args.command == "up":
        return up(stack)
    # For `make flask`: the migrator's URL too, so `make flask ARGS="db upgrade"` works.
    for key, value in sorted(stack.migrate_env().items()):
        if key.startswith(("SENKO_", "FLASK_")):
            print(f"export {key}={shlex.quote(value)}")
    return 0
