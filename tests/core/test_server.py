"""The server (core.server): the worker's start-up (the heap frozen after loading the URL
map), and the check that the port is free."""

from __future__ import annotations

import gc
import socket
import subprocess
import sys

import pytest
from django.utils import translation

from egov.core.server import (
    PortUnavailable,
    WorkerProcess,
    check_port_free,
    freeze_startup_heap,
)


def test_freeze_startup_heap_leaves_later_collections_only_new_objects():
    gc.unfreeze()
    try:
        freeze_startup_heap()
        frozen = gc.get_freeze_count()
        assert frozen > 10_000  # Django, egov's apps and the URL map's views
        assert len(gc.get_objects()) < frozen / 10  # what a full collection still scans
    finally:
        gc.unfreeze()


def test_wsgi_module_freezes_its_worker(tmp_path):
    # What a Granian worker does: import egov.wsgi. In a process of its own, as a worker is.
    code = "import gc, egov.wsgi; print(gc.get_freeze_count())"
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"EGOV_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )
    assert int(out.stdout.strip().splitlines()[-1]) > 10_000


def listening_socket(*, reuse_port: bool = False) -> socket.socket:
    """A server socket on a free port of 127.0.0.1; with SO_REUSEPORT, as Granian binds."""
    sock = socket.socket()
    if reuse_port:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    return sock


@pytest.mark.parametrize("reuse_port", [False, True])
def test_a_port_in_use_is_refused_even_when_shared_through_so_reuseport(reuse_port):
    with listening_socket(reuse_port=reuse_port) as taken:
        port = taken.getsockname()[1]
        with translation.override("en"), pytest.raises(PortUnavailable) as exc:
            check_port_free("127.0.0.1", port)
    assert str(exc.value) == (
        f"Port {port} on 127.0.0.1 is already in use: stop the program listening there, "
        "or choose another port."
    )
    with (
        listening_socket() as taken,
        translation.override("vi"),
        pytest.raises(PortUnavailable, match="đang được dùng"),
    ):
        check_port_free("127.0.0.1", taken.getsockname()[1])


def test_a_free_port_and_a_closed_one_are_accepted():
    with listening_socket() as closed:
        port = closed.getsockname()[1]
    check_port_free("127.0.0.1", port)  # nothing listens there any more: no error
    with translation.override("en"), pytest.raises(PortUnavailable, match="Cannot listen on"):
        check_port_free("no-such-host.invalid", port)


def test_a_worker_that_dies_is_reported_with_its_output_prefixed():
    # What egov demo's child worker does when it cannot run: here, a bad argument.
    lines: list[str] = []
    exits: list[int] = []
    worker = WorkerProcess(["--interval", "soon"], write=lines.append, on_exit=exits.append)
    worker.start()
    assert worker.wait(timeout=120) == 2
    assert exits == [2]  # on_exit: the demo says the worker stopped
    assert any(line.startswith("worker | ") and "invalid float value" in line for line in lines)
    assert worker.stop() == 2  # stopping a dead worker only reports its status
    assert exits == [2]
