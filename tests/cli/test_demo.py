from tests.cli.command import run_hearth, table_counts

DEMO = ("demo", "--no-serve")


def test_demo_prepares_a_new_database_and_prints_the_sign_ins(tmp_path):
    database = tmp_path / "new" / "demo.sqlite3"

    result = run_hearth(*DEMO, database=database, mode="demo")

    assert result.returncode == 0, result.stderr
    for username in ("wigan.social_worker", "trafford.social_worker", ".agency_user"):
        assert username in result.stdout
    password = result.stdout.split("Password: ")[1].split()[0]
    assert len(password) >= 16
    assert "hearth users --format json" in result.stdout
    assert "nothing new was added" not in result.stdout


def test_demo_again_adds_nothing_and_resets_the_password(tmp_path):
    database = tmp_path / "demo.sqlite3"
    first = run_hearth(*DEMO, "--password", "first password", database=database, mode="demo")
    counts = table_counts(database)

    again = run_hearth(*DEMO, "--password", "second password", database=database, mode="demo")

    assert first.returncode == 0, first.stderr
    assert again.returncode == 0, again.stderr
    assert table_counts(database) == counts
    assert "Password: second password" in again.stdout
    assert "nothing new was added" in again.stdout
