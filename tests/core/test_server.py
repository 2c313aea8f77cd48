"""The server worker's start-up: the heap frozen after loading the URL map (core.server)."""

from __future__ import annotations

import gc
import subprocess
import sys

from egov.core.server import freeze_startup_heap


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
