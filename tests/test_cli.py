"""The ``egov`` command as an operator runs it: in a subprocess, with its own environment."""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from contextlib import closing
from pathlib import Path

import pytest

EGOV = [sys.executable, "-m", "egov"]


def run_egov(
    *args: str, env: dict[str, str] | None = None, timeout: int = 120
) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    full_env.update(env or {})
    return subprocess.run(
        [*EGOV, *args], capture_output=True, text=True, env=full_env, timeout=timeout
    )


@pytest.fixture
def data_dir(tmp_path: Path) -> dict[str, str]:
    env = {"EGOV_DATA_DIR": str(tmp_path / "data")}
    env["DATABASE_URL"] = ""  # the embedded SQLite database of that data directory
    return env


def test_unknown_province_lists_closest_names(data_dir):
    result = run_egov("demo", "--province", "Tay Nimh", "--no-serve", env=data_dir)
    assert result.returncode != 0
    assert "Tây Ninh" in result.stderr
    assert "Traceback" not in result.stderr


def test_unreachable_database_is_a_clear_error(data_dir):
    env = {**data_dir, "DATABASE_URL": "postgres://egov:s3cret@127.0.0.1:1/egov"}
    result = run_egov("migrate", env=env)
    assert result.returncode == 2
    assert "cannot use the database" in result.stderr
    assert "s3cret" not in result.stderr  # the password is not printed
    assert "Traceback" not in result.stderr


def test_malformed_database_url_is_a_clear_error(data_dir):
    result = run_egov("check", env={**data_dir, "DATABASE_URL": "nonsense://x"})
    assert result.returncode == 2
    assert "DATABASE_URL" in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_media_storage_setting(data_dir):
    result = run_egov("check", env={**data_dir, "EGOV_MEDIA_STORAGE": "ftp"})
    assert result.returncode == 2
    assert "EGOV_MEDIA_STORAGE" in result.stderr


def test_every_django_command_is_reachable(data_dir):
    result = run_egov("help", env=data_dir)
    assert result.returncode == 0
    for command in [
        "migrate",
        "createsuperuser",
        "demo",
        "serve",
        "worker",
        "audit",
        "load_divisions",
        "db_worker",
    ]:
        assert command in result.stdout


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(condition, what: str, proc: subprocess.Popen, output: list[str], seconds=180):
    deadline = time.monotonic() + seconds
    while not condition():
        if proc.poll() is not None or time.monotonic() > deadline:
            pytest.fail(f"egov demo: no {what}:\n" + "".join(output))
        time.sleep(0.2)


def outbox_statuses(database: Path) -> dict[str, int]:
    with closing(sqlite3.connect(database)) as db:
        rows = db.execute(
            "SELECT status, COUNT(*) FROM notifications_outboxmessage GROUP BY status"
        ).fetchall()
    return dict(rows)


@pytest.mark.skipif(
    bool(os.environ.get("DATABASE_URL")), reason="the demo runs on the embedded SQLite database"
)
def test_demo_serves_home_sign_in_and_admin_with_demo_data_and_runs_the_worker(data_dir):
    port = free_port()
    env = {
        k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL")
    }
    env["EGOV_DATA_DIR"] = data_dir["EGOV_DATA_DIR"]
    for configured in ("EGOV_SMS_BACKEND", "EGOV_ZALO_BACKEND", "EMAIL_HOST"):
        env.pop(configured, None)
    proc = subprocess.Popen(
        [*EGOV, "demo", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    output: list[str] = []

    def read_output() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            output.append(line)

    reader = threading.Thread(target=read_output, daemon=True)
    reader.start()
    base = f"http://127.0.0.1:{port}"
    folder = Path(data_dir["EGOV_DATA_DIR"])
    try:
        wait_for(lambda: any("Listening at" in line for line in output), "server", proc, output)
        text = "".join(output)
        assert f"http://localhost:{port}/" in text
        assert "admin@egov.example" in text and "egov-demo-2026" in text
        assert "43 procedures, 8 dossiers" in text
        for _ in range(50):
            try:
                home = urllib.request.urlopen(base + "/", timeout=5).read().decode()
                break
            except OSError:
                time.sleep(0.2)
        assert '<html lang="vi">' in home and "Tây Ninh" in home
        opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        login_page = opener.open(base + "/admin/login/", timeout=5).read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login_page).group(1)
        data = urllib.parse.urlencode(
            {
                "username": "admin@egov.example",
                "password": "egov-demo-2026",
                "csrfmiddlewaretoken": token,
                "next": "/admin/",
            }
        ).encode()
        admin = opener.open(
            urllib.request.Request(
                base + "/admin/login/", data=data, headers={"Referer": base + "/admin/login/"}
            ),
            timeout=10,
        )
        admin_html = admin.read().decode()
        assert admin.geturl().endswith("/admin/")
        assert "organizations" in admin_html.lower() or "Cơ quan" in admin_html
        assert urllib.request.urlopen(base + "/accounts/login/", timeout=5).status == 200
        agencies = opener.open(base + "/staff/agencies/", timeout=5).read().decode()
        assert "Sở Tư pháp Tây Ninh" in agencies and "000.00.00.H80" in agencies
        static = urllib.request.urlopen(base + "/static/django_htmx/htmx-2.min.js", timeout=5)
        assert static.status == 200
        # The demo catalog: searchable without diacritics, with its forms downloadable.
        found = (
            urllib.request.urlopen(base + "/procedures/?q=dang+ky+khai+sinh", timeout=5)
            .read()
            .decode()
        )
        assert "Đăng ký khai sinh" in found
        detail_path = re.search(r'href="(/procedures/[0-9.]+/)"', found).group(1)
        detail = urllib.request.urlopen(base + detail_path, timeout=5).read().decode()
        form_path = re.search(r'href="(/procedures/[0-9.]+/forms/\d+/)"', detail).group(1)
        form = urllib.request.urlopen(base + form_path, timeout=5)
        assert form.status == 200 and form.read(4) == b"PK\x03\x04"
        # The background worker runs beside the server: the notifications the demo's
        # dossiers queued are sent, to files in the data directory.
        worker_pid = int(re.search(r"Background worker \(PID (\d+)", text).group(1))
        sms = folder / "notifications" / "sms.jsonl"
        wait_for(lambda: set(outbox_statuses(folder / "egov.sqlite3")) == {"sent"}, "sending",
                 proc, output)  # fmt: skip
        assert outbox_statuses(folder / "egov.sqlite3")["sent"] >= 20
        sent = [json.loads(line) for line in sms.read_text(encoding="utf-8").splitlines()]
        to_citizen = [m["text"] for m in sent if m["to"] == "+84912345678"]
        assert to_citizen and all("Mã tra cứu" in t for t in to_citizen)
        assert list((folder / "notifications" / "email").iterdir())
        wait_for(lambda: any("worker | notifications sweep: sent" in line for line in output),
                 "worker output", proc, output)  # fmt: skip
        os.kill(worker_pid, 0)  # running
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)
    # SIGTERM stops the server and then its worker, cleanly.
    assert proc.returncode == 0, "".join(output)
    with pytest.raises(ProcessLookupError):
        os.kill(worker_pid, 0)
    reader.join(10)
    assert "Background worker stopped." in "".join(output)
    verify = run_egov("audit", "verify", env=data_dir)
    assert verify.returncode == 0, verify.stdout + verify.stderr
    assert "Audit log intact" in verify.stdout
    again = run_egov("demo", "--no-serve", env=data_dir)
    assert again.returncode == 0 and "Already loaded" in again.stdout


def test_serve_refuses_a_bind_without_port(data_dir):
    result = run_egov("serve", "--bind", "0.0.0.0", env=data_dir)
    assert result.returncode != 0
    assert "HOST:PORT" in result.stderr and "Traceback" not in result.stderr


def test_split_bind_takes_ipv4_ipv6_and_names():
    from egov.core.server import split_bind

    assert split_bind("127.0.0.1:8000") == ("127.0.0.1", 8000)
    assert split_bind("[::1]:8080") == ("::1", 8080)
    assert split_bind("egov.internal:80") == ("egov.internal", 80)
    for bad in ("8000", ":8000", "host:", "host:http"):
        with pytest.raises(ValueError, match="HOST:PORT"):
            split_bind(bad)


def test_serve_and_demo_refuse_a_port_in_use(data_dir):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        for command in (["serve", "--bind", f"127.0.0.1:{port}"], ["demo", "--port", str(port)]):
            result = run_egov(*command, env=data_dir)
            assert result.returncode == 1, result.stdout + result.stderr
            # One line, in Vietnamese (the default language), naming the port and the address.
            assert result.stderr.strip().splitlines() == [
                f"CommandError: Cổng {port} trên 127.0.0.1 đang được dùng: hãy dừng chương trình "
                "đang lắng nghe ở cổng đó, hoặc chọn cổng khác."
            ]
    # The demo stopped before creating its database.
    assert not (Path(data_dir["EGOV_DATA_DIR"]) / "egov.sqlite3").exists()


def test_serve_refuses_pending_migrations(data_dir):
    result = run_egov("serve", "--bind", "127.0.0.1:1", env=data_dir)
    assert result.returncode != 0
    assert "egov migrate" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.skipif(
    bool(os.environ.get("DATABASE_URL")), reason="uses the embedded SQLite database"
)
def test_serve_answers_health_after_migrate(data_dir):
    assert run_egov("migrate", env=data_dir).returncode == 0
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update(data_dir)
    proc = subprocess.Popen(
        [*EGOV, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    try:
        body = None
        for _ in range(100):
            try:
                body = urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/api/v1/health", timeout=2
                ).read()
                break
            except OSError:
                time.sleep(0.2)
        assert body is not None and b'"status": "ok"' in body
        css = urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5).read().decode()
        # whitenoise serves the collected, hashed static files itself
        path = re.search(r'href="(/static/egov/egov\.[0-9a-f]+\.css)"', css).group(1)
        assert urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5).status == 200
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=30)
    # SIGTERM is a clean stop, and every request was in the access log.
    assert proc.returncode == 0, out
    assert '"GET /api/v1/health HTTP/1.1" 200' in out and f'"GET {path} HTTP/1.1" 200' in out


@pytest.mark.skipif(
    bool(os.environ.get("DATABASE_URL")), reason="uses the embedded SQLite database"
)
def test_worker_runs_a_batch(data_dir):
    assert run_egov("migrate", env=data_dir).returncode == 0
    result = run_egov("worker", "--batch", "--interval", "0.1", env=data_dir)
    assert result.returncode == 0, result.stderr


def test_worker_started_for_a_parent_that_is_gone_stops(data_dir):
    # egov demo starts its worker with --parent (its own process id); this one's parent is
    # the test, not process 1, as when the demo was killed before its worker started.
    result = run_egov("worker", "--parent", "1", env=data_dir)
    assert result.returncode == 0
    assert "the process that started this worker is gone" in result.stderr
