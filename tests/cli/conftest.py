"""Each test runs `hearth` on a SQLite file of its own.

Migrating takes about a second, so the session migrates (and seeds) once and each test gets a copy.
"""

import shutil

import pytest

from tests.cli.command import DEMO_PASSWORD, SMALL_SEED, checkpoint, copy_of, run_hearth


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory):
    path = tmp_path_factory.mktemp("template") / "migrated.sqlite3"
    result = run_hearth("migrate", database=path)
    assert result.returncode == 0, result.stderr
    checkpoint(path)
    return path


@pytest.fixture(scope="session")
def seeded_template(tmp_path_factory, migrated_template):
    """A small synthetic region with demo users (password `demo-password-1`)."""
    path = tmp_path_factory.mktemp("template") / "seeded.sqlite3"
    shutil.copy(migrated_template, path)
    result = run_hearth(
        *SMALL_SEED, "--demo-users", "--password", DEMO_PASSWORD, database=path, mode="demo"
    )
    assert result.returncode == 0, result.stderr
    checkpoint(path)
    return path


@pytest.fixture
def database(migrated_template, tmp_path):
    """A migrated, empty database of this test's own."""
    return copy_of(migrated_template, tmp_path)


@pytest.fixture
def seeded_database(seeded_template, tmp_path):
    return copy_of(seeded_template, tmp_path)
