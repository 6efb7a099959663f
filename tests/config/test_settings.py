import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _run(args, **env):
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "HEARTH_DEMO", "HEARTH_TESTING", "SECRET_KEY"}
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
    )


def test_production_settings_pass_the_deployment_check_without_warnings(tmp_path):
    result = _run(
        ["check", "--deploy", "--fail-level", "WARNING"],
        SECRET_KEY="a-real-secret-" + "k" * 50,
        ALLOWED_HOSTS="hearth.example.gov.uk",
        DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = _run(["check"], DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_a_setting_that_is_not_a_number_is_named_in_the_error(tmp_path):
    result = _run(
        ["check"],
        DEBUG="1",
        HEARTH_LOCKOUT_FAILURES="five",
        DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3",
    )
    assert result.returncode != 0
    assert "HEARTH_LOCKOUT_FAILURES must be a whole number" in result.stderr


def test_an_unknown_database_address_is_named_in_the_error():
    result = _run(["check"], DEBUG="1", DATABASE_URL="oracle://somewhere/db")
    assert result.returncode != 0
    assert "DATABASE_URL is not a database address Hearth knows" in result.stderr


def test_a_database_address_of_no_known_kind_is_named_in_the_error():
    result = _run(["check"], DEBUG="1", DATABASE_URL="nosuchdb://somewhere/db")
    assert result.returncode != 0
    assert "DATABASE_URL is not a database address Hearth knows" in result.stderr
