import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

import hearth
from tests.cli.command import hearth_environment, run_hearth


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def status_of(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def wait_until_answering(url, process, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"hearth serve stopped with exit code {process.returncode}")
        try:
            return status_of(url)
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.2)
    pytest.fail(f"nothing answered at {url} within {seconds} s")


def stop(process):
    """Stop gunicorn and its workers: they are one process group of their own."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def a_static_file():
    static = Path(hearth.__file__).parent / "web" / "static"
    return next(
        (path.relative_to(static) for path in sorted(static.rglob("*.*")) if path.is_file()), None
    )


@pytest.fixture
def served(database, tmp_path):
    """`hearth serve` on a free port; yields its base URL and the file its stdout goes to."""
    port = free_port()
    log = tmp_path / "serve.log"
    with open(log, "w") as stdout, open(tmp_path / "serve.err", "w") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "hearth.cli.main", "serve", "--addr", f"127.0.0.1:{port}"],
            env=hearth_environment(database, "testing"),
            stdout=stdout,
            stderr=stderr,
            start_new_session=True,
        )
    try:
        yield f"http://127.0.0.1:{port}", process, log
    finally:
        stop(process)


def test_serve_answers_over_http_and_logs_to_stdout(served):
    base, process, log = served

    assert wait_until_answering(f"{base}/healthz", process) == 200
    assert status_of(f"{base}/accounts/login/") == 200
    static_file = a_static_file()
    if static_file is not None:
        assert status_of(f"{base}/static/{static_file.as_posix()}") == 200

    stop(process)
    assert "GET /accounts/login/" in log.read_text()


def test_serve_refuses_an_unmigrated_database(tmp_path):
    result = run_hearth(
        "serve", "--addr", f"127.0.0.1:{free_port()}", database=tmp_path / "db.sqlite3"
    )
    assert result.returncode == 1
    assert "run `hearth migrate` first" in result.stderr
