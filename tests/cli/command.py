"""Running the real `hearth` command as a subprocess, and looking into the SQLite file it used."""

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

# Settings the tests set themselves; the rest of the environment (PATH, HOME) is kept.
CONFIGURATION = ("DATABASE_URL", "SECRET_KEY", "DEBUG", "HEARTH_DEMO", "HEARTH_TESTING")
# Tables whose rows are not data: sessions and lock-out counters are not backed up.
NOT_DATA = ("sqlite_sequence", "django_session", "axes_")


def hearth_environment(database, mode):
    """`mode`: "testing", "demo", or None for production (which needs a SECRET_KEY)."""
    env = {name: value for name, value in os.environ.items() if name not in CONFIGURATION}
    if database is not None:
        env["DATABASE_URL"] = database if "://" in str(database) else f"sqlite:///{database}"
    if mode == "testing":
        env["HEARTH_TESTING"] = "1"
    elif mode == "demo":
        env["HEARTH_DEMO"] = "1"
    return env


def run_hearth(*args, database=None, mode="testing", timeout=120, stdin=""):
    """Run `hearth ARGS...`; returns the finished process with its text stdout and stderr."""
    return subprocess.run(
        [sys.executable, "-m", "hearth.cli.main", *map(str, args)],
        input=stdin,
        env=hearth_environment(database, mode),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def checkpoint(path):
    """Fold SQLite's write-ahead log into the file, so that copying the file copies everything."""
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()


def copy_of(template, folder, name="db.sqlite3"):
    path = Path(folder) / name
    shutil.copy(template, path)
    return path


def table_counts(path):
    """Rows in every data table of a SQLite database."""
    connection = sqlite3.connect(path)
    try:
        tables = [
            row[0]
            for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
        ]
        return {
            table: connection.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
            for table in tables
            if not table.startswith(NOT_DATA)
        }
    finally:
        connection.close()


def query(path, sql, parameters=(), commit=False):
    connection = sqlite3.connect(path)
    try:
        rows = connection.execute(sql, parameters).fetchall()
        if commit:
            connection.commit()
        return rows
    finally:
        connection.close()


DEMO_PASSWORD = "demo-password-1"
SMALL_SEED = ("seed", "--authorities", 2, "--children", 6, "--households", 4, "--agencies", 1)
