import json

from tests.cli.command import SMALL_SEED, query, run_hearth


def test_seed_prints_its_summary_as_json(database):
    result = run_hearth(*SMALL_SEED, "--format", "json", database=database)
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert [council["code"] for council in summary["authorities"]] == ["E08000010", "E08000009"]
    assert summary["created"] is True
    assert query(database, "SELECT count(*) FROM people_child") == [(6 + 3,)]


def test_seed_again_adds_nothing(database):
    run_hearth(*SMALL_SEED, database=database)
    before = query(database, "SELECT count(*) FROM accounts_user")

    result = run_hearth(*SMALL_SEED, database=database)

    assert result.returncode == 0, result.stderr
    assert "Nothing new" in result.stdout
    assert query(database, "SELECT count(*) FROM accounts_user") == before


def test_seed_demo_users_are_refused_outside_demo_mode(database):
    result = run_hearth(
        *SMALL_SEED, "--demo-users", "--password", "secret words", database=database
    )
    assert result.returncode == 1
    assert "demo users exist only in demo mode" in result.stderr
    assert query(database, "SELECT count(*) FROM core_organisation") == [(0,)]


def test_seed_refuses_counts_out_of_range(database):
    result = run_hearth("seed", "--authorities", 0, database=database)
    assert result.returncode == 1
    assert "Authorities must be between" in result.stderr


def test_the_seeded_agencies_fill_the_provider_directory(db):
    from hearth.core.models import Organisation, ProviderContact
    from hearth.people.seed import seed

    seed(authorities=1, children=10, households=5, agencies=6)
    agencies = list(Organisation.objects.filter(kind=Organisation.Kind.AGENCY))
    assert len(agencies) == 6
    for agency in agencies:
        assert agency.sector in {"private", "voluntary"}
        assert "fostering" in agency.provides
        assert agency.care_types and agency.areas_served
        assert agency.weekly_rate_from <= agency.weekly_rate_to
        contacts = ProviderContact.objects.filter(organisation=agency)
        assert [c.receives_referrals for c in contacts][:1] == [True]
        assert all(c.email.endswith(agency.email.partition("@")[2]) for c in contacts)
