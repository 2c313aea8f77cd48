"""``egov serve`` on a free loopback port, for the benchmarks (the one copy they all use)."""

# A bench tool: it starts egov's own server as a child process.
# ruff: noqa: S603

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class Server:
    """Granian through ``egov serve``, logging to ``data_dir/server.log``; ready once
    ``/api/v1/health`` answers 200 (or ``SystemExit`` after ``start_timeout`` seconds)."""

    def __init__(
        self,
        data_dir: Path,
        workers: int,
        threads: int | None = None,
        *,
        start_timeout: int = 120,
        settle: float = 0,
    ) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.data_dir = data_dir
        self.log = open(data_dir / "server.log", "ab")  # noqa: SIM115
        command = [sys.executable, "-m", "egov.cli", "serve", "--bind", f"127.0.0.1:{self.port}",
                   "--workers", str(workers)]  # fmt: skip
        if threads is not None:
            command += ["--threads", str(threads)]
        self.proc = subprocess.Popen(
            command, stdout=self.log, stderr=subprocess.STDOUT, env=os.environ.copy(), cwd=ROOT
        )
        deadline = time.time() + start_timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"the server exited; see {data_dir / 'server.log'}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                conn.request("GET", "/api/v1/health")
                if conn.getresponse().status == 200:
                    break
            except OSError:
                pass
            time.sleep(0.3)
        else:
            raise SystemExit(f"the server did not start within {start_timeout} s")
        time.sleep(settle)

    def workers(self) -> list[int]:
        """The process ids of the server's worker processes (children of the server process)."""
        pids = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.proc.pid:
                pids.append(int(stat.parent.name))
        return pids

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()
