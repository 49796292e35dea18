"""senko_stack: Senko's real services as local processes on 127.0.0.1, without a Docker engine.

``make up`` / ``make down`` / ``make status`` run ``python -m senko_stack up|down|status``: MariaDB,
Redis, senko-app under uWSGI, senko-predict, the Celery worker and beat, and nginx, each with the
config file docker-compose uses, data under ``var/``, a pid file per process (``down`` stops exactly
those). The test suite and the benchmarks use the same ``Stack`` with their own folder and ports.

Modules: ``config`` (``var/senko.env``, ports, the children's environment), ``accounts`` (the
database accounts and Redis users from the shared files), ``privileges`` (who each service runs as
when started as root, and the folders it may use), ``processes`` (pid files, spawn, stop),
``services`` (one function per service, and ``START_ORDER``), ``stack`` (the ``Stack`` class), ``cli``.
"""
from .processes import free_port, port_open, wait_for
from .services import START_ORDER, STOP_ORDER
from .stack import Stack

__all__ = ["START_ORDER", "STOP_ORDER", "Stack", "free_port", "port_open", "wait_for"]
