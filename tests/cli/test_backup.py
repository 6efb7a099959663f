"""Backup and restore keep every row as it was, the audit trail included, across databases."""

import gzip
import json
import os
import sqlite3
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests.cli.command import copy_of, query, run_hearth, table_counts

# Audit rows as the web writes them, at times with microseconds, which the backup must keep.
PAST_AUDIT_EVENTS = [
    ("2024-03-01 09:15:02.123456", "wigan.social_worker", "view", "child", "17"),
    ("2025-11-30 23:59:59.999999", "", "sign_in_failed", "", ""),
]


def add_audit_events(database):
    connection = sqlite3.connect(database)
    connection.executemany(
        "INSERT INTO audit_auditevent (at, username, action, record_type, record_id, detail, via) "
        "VALUES (?, ?, ?, ?, ?, '', 'web')",
        PAST_AUDIT_EVENTS,
    )
    connection.commit()
    connection.close()


def every_row(database):
    """Every row of every data table, in id order: two databases with equal results hold the same."""
    return {
        table: query(database, f'SELECT * FROM "{table}" ORDER BY 1')
        for table in table_counts(database)
    }


@pytest.fixture(scope="module")
def source(seeded_template, tmp_path_factory):
    """The seeded region, with an API token and audit events of its own. Tests must not change it."""
    database = copy_of(seeded_template, tmp_path_factory.mktemp("source"))
    result = run_hearth("token", "create", "wigan.social_worker", database=database)
    assert result.returncode == 0, result.stderr
    add_audit_events(database)
    return database


@pytest.fixture(scope="module")
def backup_file(source, tmp_path_factory):
    path = tmp_path_factory.mktemp("backup") / "hearth-backup.jsonl.gz"
    result = run_hearth("backup", path, "--format", "json", database=source)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["counts"]["audit.auditevent"] == 3
    return path


@pytest.fixture
def empty_database(migrated_template, tmp_path):
    return copy_of(migrated_template, tmp_path, "restored.sqlite3")


def test_restore_into_a_new_database_reproduces_every_row(source, backup_file, empty_database):
    result = run_hearth("restore", backup_file, database=empty_database)

    assert result.returncode == 0, result.stderr
    assert "(3 audit events)" in result.stdout
    assert every_row(empty_database) == every_row(source)


def test_restored_database_carries_on_with_new_ids(backup_file, empty_database):
    run_hearth("restore", backup_file, database=empty_database)

    result = run_hearth("token", "create", "wigan.team_manager", database=empty_database)

    assert result.returncode == 0, result.stderr
    assert query(empty_database, "SELECT count(*) FROM audit_auditevent") == [(4,)]


def test_restore_refuses_a_database_that_is_not_empty(backup_file, source):
    before = table_counts(source)

    result = run_hearth("restore", backup_file, database=source)

    assert result.returncode == 1
    assert "restore into a new, empty database" in result.stderr.lower()
    assert "run `hearth migrate` on a new DATABASE_URL first" in result.stderr
    assert table_counts(source) == before


def test_restore_of_a_damaged_backup_writes_nothing(backup_file, empty_database, tmp_path):
    with gzip.open(backup_file, "rt") as stream:
        lines = stream.readlines()
    damaged = tmp_path / "damaged.jsonl.gz"
    with gzip.open(damaged, "wt") as stream:
        stream.writelines(lines[:-1])
    before = table_counts(empty_database)

    result = run_hearth("restore", damaged, database=empty_database)

    assert result.returncode == 1
    assert "nothing was restored" in result.stderr
    assert table_counts(empty_database) == before


def test_restore_refuses_a_file_that_is_not_a_backup(empty_database, tmp_path):
    not_a_backup = tmp_path / "notes.txt"
    not_a_backup.write_text("hello\n")

    result = run_hearth("restore", not_a_backup, database=empty_database)

    assert result.returncode == 1
    assert "is not a Hearth backup" in result.stderr


def test_backup_never_overwrites_a_file(source, tmp_path):
    existing = tmp_path / "existing.gz"
    existing.write_text("keep me")

    result = run_hearth("backup", existing, database=source)

    assert result.returncode == 1
    assert "exists already" in result.stderr
    assert existing.read_text() == "keep me"


def test_only_the_backups_owner_can_read_it(source, tmp_path):
    path = tmp_path / "hearth.jsonl.gz"

    assert run_hearth("backup", path, database=source).returncode == 0

    assert path.stat().st_mode & 0o777 == 0o600


# PostgreSQL: only when the suite runs under scripts/with-postgres (`make test-postgres`).
POSTGRES_URL = os.environ.get("DATABASE_URL", "")


@pytest.fixture
def new_postgres_database():
    """A database of its own in the PostgreSQL cluster, dropped afterwards."""
    psycopg = pytest.importorskip("psycopg")
    name = f"hearth_restore_{os.getpid()}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as cluster:
        cluster.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(urlsplit(POSTGRES_URL)._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(POSTGRES_URL, autocommit=True) as cluster:
            cluster.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def postgres_counts(url):
    import psycopg

    with psycopg.connect(url) as connection:
        tables = [
            row[0]
            for row in connection.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
            )
        ]
        return {
            table: connection.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
            for table in tables
            if not table.startswith(("django_session", "axes_"))
        }


@pytest.mark.skipif(
    not POSTGRES_URL.startswith("postgres"), reason="needs PostgreSQL (make test-postgres)"
)
def test_sqlite_backup_restores_into_postgresql(source, backup_file, new_postgres_database):
    assert run_hearth("migrate", database=new_postgres_database).returncode == 0

    result = run_hearth("restore", backup_file, database=new_postgres_database)

    assert result.returncode == 0, result.stderr
    assert postgres_counts(new_postgres_database) == table_counts(source)
    added = run_hearth(
        "authority", "create", "E08000012", "Liverpool", database=new_postgres_database
    )
    assert added.returncode == 0, added.stderr
