"""Every sub-command explains itself; bad usage or configuration exits cleanly (CONTRACT.md 2)."""

import pytest

from tests.cli.command import run_hearth

COMMANDS = [
    ["demo"], ["migrate"], ["serve"], ["seed"], ["users"], ["token"], ["token", "create"],
    ["authority"], ["authority", "create"], ["import"], ["backup"], ["restore"], ["worker"],
    ["match"], ["allocate"],
]  # fmt: skip


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_help_exits_0_without_database_or_secret_key(command):
    result = run_hearth(*command, "--help", mode=None)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"usage: hearth {' '.join(command)}")
    assert result.stderr == ""


def test_top_level_help_lists_every_command():
    result = run_hearth("--help", mode=None)
    assert result.returncode == 0
    for command in {command[0] for command in COMMANDS}:
        assert command in result.stdout


BAD_USAGE = [
    [],
    ["frobnicate"],
    ["token"],
    ["token", "create"],
    ["authority", "create", "E08000010"],
    ["import", "pets", "file.csv"],
    ["seed", "--children", "many"],
    ["seed", "--demo-users"],
    ["serve", "--addr", "localhost"],
    ["users", "--format", "xml"],
]


@pytest.mark.parametrize("arguments", BAD_USAGE, ids=" ".join)
def test_bad_usage_exits_2_with_the_usage_on_stderr(arguments):
    result = run_hearth(*arguments, mode=None)
    assert result.returncode == 2
    assert "usage: hearth" in result.stderr
    assert result.stdout == ""


def test_missing_secret_key_exits_1_with_the_message_and_no_traceback(tmp_path):
    result = run_hearth("users", database=tmp_path / "db.sqlite3", mode=None)
    assert result.returncode == 1
    assert "SECRET_KEY must be set" in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_commands_refuse_an_unmigrated_database(tmp_path):
    result = run_hearth("users", database=tmp_path / "db.sqlite3")
    assert result.returncode == 1
    assert "run `hearth migrate` first" in result.stderr
