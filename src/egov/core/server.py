"""Run egov's WSGI application under Granian, in-process (``egov serve`` and ``egov demo``),
and, for ``egov demo``, ``egov worker`` beside it as a child process (``WorkerProcess``).

Granian (a Rust HTTP server with a WSGI interface) replaced gunicorn in session 6: the same
requests cost about 0.3 ms less CPU each (docs/architecture.md, "Decisions and their
reasons").
"""

from __future__ import annotations

import errno
import gc
import os
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Callable

from django.core.management import call_command
from django.db import connections
from django.utils.translation import gettext as _

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


class PortUnavailable(Exception):
    """The server cannot listen on its address: the port is taken, or not ours to take."""


def check_port_free(host: str, port: int) -> None:
    """Raise PortUnavailable, with a one-line message, when ``host:port`` cannot be listened on.

    Granian binds its socket with SO_REUSEPORT, so a second server on a taken port would
    start and silently share the port with the first (the kernel spreads the connections
    between them). This binds a test socket without SO_REUSEPORT, which fails while anything
    listens there. SO_REUSEADDR is set (on POSIX systems it only lets a port be reused while
    closed connections of a previous run linger in TIME_WAIT, not while a server listens).
    """
    try:
        family, kind, proto, _name, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
    except socket.gaierror as exc:
        raise PortUnavailable(
            _("Cannot listen on %(host)s: %(reason)s.") % {"host": host, "reason": exc.strerror}
        ) from None
    with socket.socket(family, kind, proto) as probe:
        if os.name == "posix":
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                message = _(
                    "Port %(port)s on %(host)s is already in use: stop the program listening "
                    "there, or choose another port."
                )
            else:
                message = _("Cannot listen on port %(port)s on %(host)s: %(reason)s.")
            raise PortUnavailable(
                message % {"port": port, "host": host, "reason": exc.strerror}
            ) from None


def run_server(
    *, bind: str, workers: int, threads: int, access_log: bool = True, allowed_host: str = ""
) -> None:
    """Serve until SIGINT or SIGTERM (Granian finishes the requests in progress first).

    ``workers`` processes each run the application on ``threads`` threads. The workers start
    fresh from the environment (Granian forks or spawns them): anything they need must be in
    it, hence ``allowed_host``, added to ``EGOV_ALLOWED_HOSTS`` for them.

    Raises PortUnavailable, before starting anything, when the address is taken.
    """
    from granian import Granian
    from granian.constants import Interfaces

    address, port = split_bind(bind)
    check_port_free(address, port)
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


class WorkerProcess:
    """``egov worker`` as a child process (``egov demo``'s), its output copied line by line
    to ``write`` after a prefix, and ``on_exit(returncode)`` called if it ends before
    ``stop()``.

    The child runs in a session of its own, so that Ctrl+C in a terminal reaches only the
    parent, which then stops the child with one SIGTERM (a second one would cut short the
    task or the sends in progress). It is told the parent's process id and stops by itself
    when the parent is gone.
    """

    PREFIX = "worker | "
    STOP_TIMEOUT = 40.0  # the worker waits up to 30 s for a sweep's sends (worker.py)

    def __init__(
        self,
        args: list[str],
        write: Callable[[str], None],
        on_exit: Callable[[int], None],
    ) -> None:
        self.args = args
        self.write = write
        self.on_exit = on_exit
        self.process: subprocess.Popen[str] | None = None
        self.stopping = False
        self._reader: threading.Thread | None = None

    def start(self) -> int:
        """Start the worker; returns its process id."""
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.process = subprocess.Popen(  # noqa: S603 (our own command line)
            [sys.executable, "-m", "egov", "worker", *self.args, "--parent", str(os.getpid())],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            encoding="utf-8",
            errors="replace",
            env=env,
            start_new_session=True,
        )
        self._reader = threading.Thread(target=self._copy_output, name="egov-worker-output")
        self._reader.daemon = True
        self._reader.start()
        return self.process.pid

    def _copy_output(self) -> None:
        assert self.process is not None and self.process.stdout is not None
        for line in self.process.stdout:
            self.write(self.PREFIX + line.rstrip("\n"))
        returncode = self.process.wait()
        if not self.stopping:
            self.on_exit(returncode)

    def wait(self, timeout: float | None = None) -> int:
        """Wait until the worker has ended and its output is copied; its exit status."""
        assert self.process is not None and self._reader is not None
        returncode = self.process.wait(timeout)
        self._reader.join(timeout)
        return returncode

    def stop(self) -> int | None:
        """Stop the worker (SIGTERM, then SIGKILL after STOP_TIMEOUT); its exit status."""
        self.stopping = True
        if self.process is None:
            return None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(self.STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self._reader is not None:
            self._reader.join(5)
        return self.process.returncode
