"""Run egov's WSGI application under Granian, in-process (``egov serve`` and ``egov demo``).

Granian (a Rust HTTP server with a WSGI interface) replaced gunicorn in session 6: the same
requests cost about 0.3 ms less CPU each (docs/architecture.md, "Decisions and their
reasons").
"""

from __future__ import annotations

import gc
import os

from django.core.management import call_command
from django.db import connections

# An idle request thread is kept this long (Granian's maximum) before it stops: each thread
# holds a database connection, and a short timeout would reopen connections under light load.
THREAD_IDLE_SECONDS = 600


def freeze_startup_heap() -> None:
    """Load the URL map (every view and API module), then move everything alive to the
    garbage collector's permanent generation (``gc.freeze``), in each server worker.

    A worker holds about 140,000 objects from start-up that live as long as it does. Each
    full collection scanned them all: about 90 ms on this project's 2-core test machine,
    during which the worker's other threads wait for the interpreter, a pause that lands in
    the slowest requests. Frozen, they are never scanned; objects made later are collected as
    before, and start-up garbage is collected first so that none is kept.
    """
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018  (imports the views, as a first request would)
    gc.collect()
    gc.freeze()


def collect_static() -> None:
    """Gather static files for whitenoise; quick when nothing changed."""
    call_command("collectstatic", interactive=False, verbosity=0)


def split_bind(bind: str) -> tuple[str, int]:
    """``HOST:PORT`` (``[v6]:PORT`` for IPv6) as Granian's address and port."""
    host, sep, port = bind.rpartition(":")
    if not sep or not port.isdigit() or not host:
        raise ValueError(f"--bind takes HOST:PORT, not {bind!r}")
    return host.strip("[]"), int(port)


def run_server(
    *, bind: str, workers: int, threads: int, access_log: bool = True, allowed_host: str = ""
) -> None:
    """Serve until SIGINT or SIGTERM (Granian finishes the requests in progress first).

    ``workers`` processes each run the application on ``threads`` threads. The workers start
    fresh from the environment (Granian forks or spawns them): anything they need must be in
    it, hence ``allowed_host``, added to ``EGOV_ALLOWED_HOSTS`` for them.
    """
    from granian import Granian
    from granian.constants import Interfaces

    address, port = split_bind(bind)
    if allowed_host:
        from django.conf import settings

        os.environ["EGOV_ALLOWED_HOSTS"] = ",".join([*settings.ALLOWED_HOSTS, allowed_host])
    # Forked workers must not share the master's database connections.
    connections.close_all()
    Granian(
        "egov.wsgi:application",
        address=address,
        port=port,
        interface=Interfaces.WSGI,
        workers=workers,
        blocking_threads=threads,
        blocking_threads_idle_timeout=THREAD_IDLE_SECONDS,
        log_access=access_log,
        respawn_failed_workers=True,
        websockets=False,
    ).serve()
