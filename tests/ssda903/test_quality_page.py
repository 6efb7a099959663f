"""The data quality page (`data_quality`): the latest check's failures by child and by rule, seen
by each person as `quality_scope` says (own children, team's, IRO's, all), when it was checked
and by whom, counts by rule, the year chooser, "Check now", the download of the return for return
makers, who may see it, the audit of the lists shown and a pinned number of queries."""

import csv
import io
import tempfile
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from hearth.audit.models import AuditEvent
from hearth.placements import codes
from hearth.ssda903 import validator
from hearth.ssda903.models import Episode, QualityRun

URL = "/reports/data-quality/"
DOWNLOAD = "/reports/data-quality/download/"
needs_validator = pytest.mark.skipif(not validator.available(), reason="run make validator")


@pytest.fixture(autouse=True)
def september_2025(time_machine):
    time_machine.move_to(datetime(2025, 9, 1, 10, 0), tick=False)


def _references(response):
    return sorted(group["reference"] for group in response.context["children"])


# Whose failures each person sees ------------------------------------------------------------------


def test_a_social_worker_sees_only_their_own_childrens_failures(
    client, social_worker, quality_run, quality_children
):
    amy = quality_children["mine"]
    client.force_login(social_worker)

    response = client.get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 class="govuk-heading-xl">Data quality</h1>' in html
    assert _references(response) == ["C-AMY"]
    assert f'href="/children/{amy.pk}/"' in html
    assert "C-BEN" not in html and "C-CAL" not in html and "C-DEE" not in html
    assert "You see the problems of the children allocated to you: 2 problems for 1 child." in html
    # Each failure says what is wrong and what to fix, with the 903 field and where.
    assert "Placement type code is not a valid code." in html
    assert (
        "Check PLACE (placement type) in the child&#x27;s placements (their start and ending) "
        "and legal status changes." in html
    )
    assert "Check ETHNIC (ethnicity) in the child&#x27;s record" in html
    listed = AuditEvent.objects.get(action=AuditEvent.Action.LIST, username=social_worker.username)
    assert listed.detail == "data quality of E08000010 2025 to 2026 (own), 1 shown"


def test_a_team_manager_sees_their_teams_children(client, team_manager, quality_run):
    client.force_login(team_manager)

    response = client.get(URL)

    assert _references(response) == ["C-AMY", "C-BEN"]
    assert response.context["failure_count"] == 3


def test_an_iro_sees_the_children_they_review(client, iro, quality_run):
    client.force_login(iro)

    response = client.get(URL)

    assert _references(response) == ["C-DEE"]
    assert "Hearth's check" in response.content.decode()  # rule 233, Hearth's own


def test_a_senior_manager_sees_every_child(client, senior_manager, quality_run):
    client.force_login(senior_manager)

    response = client.get(URL)

    assert _references(response) == ["C-AMY", "C-BEN", "C-CAL", "C-DEE"]
    assert response.context["failure_count"] == 5
    assert "every child of the council" in response.content.decode()


# What the page says ------------------------------------------------------------------------------


def test_counts_by_rule_and_the_view_by_rule(client, senior_manager, quality_run):
    client.force_login(senior_manager)

    response = client.get(URL, {"view": "rule"})

    counts = [(g["rule"], len(g["failures"]), g["child_count"]) for g in response.context["rules"]]
    assert counts == [("146", 2, 2), ("103", 1, 1), ("218", 1, 1), ("233", 1, 1)]
    html = response.content.decode()
    assert 'id="rule-146"' in html and "Problems by rule" in html
    assert "view=rule&amp;rule=146" in html


def test_one_rule_only(client, senior_manager, quality_run):
    client.force_login(senior_manager)

    response = client.get(URL, {"rule": "146"})

    assert _references(response) == ["C-AMY", "C-CAL"]
    assert [g["rule"] for g in response.context["rule_groups"]] == ["146"]
    assert len(response.context["rules"]) == 4  # the counts stay the whole run's


def test_when_it_was_checked_and_by_whom(client, social_worker, quality_run, senior_manager):
    client.force_login(social_worker)

    html = client.get(URL).content.decode()

    assert "Last checked on 1 September 2025 at 03:00 by the nightly check" in html
    assert "The validator could not run rules 231, 233" in html
    QualityRun.objects.create(
        authority=quality_run.authority, year=2025, ruleset="lac2025_26",
        run_at=datetime(2025, 9, 1, 8, 30, tzinfo=UTC), run_by=senior_manager, failures=[],
    )  # fmt: skip

    html = client.get(URL).content.decode()

    assert f"Last checked on 1 September 2025 at 09:30 by {senior_manager.get_full_name()}" in html
    assert "No problems: the return passes every rule for the children you see." in html


def test_the_year_chooser_offers_this_year_and_the_last_ended_year(
    client, social_worker, quality_run
):
    client.force_login(social_worker)

    response = client.get(URL, {"year": 2024})

    assert [y for y, _ in response.context["form"].fields["year"].choices] == [2025, 2024]
    assert response.context["run"] is None  # the 2025-26 run is not 2024-25's
    assert "The 2024 to 2025 return has not been checked yet." in response.content.decode()
    assert client.get(URL, {"year": 2019}).status_code == 400


def test_a_person_of_two_councils_chooses_one(client, quality_run, trafford):
    from hearth.accounts.models import Membership
    from hearth.accounts.roles import Role
    from tests.factories import member

    both = member(quality_run.authority, Role.SENIOR_MANAGER, username="both")
    Membership.objects.create(user=both, organisation=trafford, role=Role.SENIOR_MANAGER)
    client.force_login(both)

    response = client.get(URL, {"council": trafford.ons_code})

    assert response.context["authority"] == trafford
    assert response.context["run"] is None
    assert 'href="?council=E08000010"' in response.content.decode()
    assert _references(client.get(URL, {"council": "E08000010"}))[0] == "C-AMY"


# Who may see it ----------------------------------------------------------------------------------


def test_another_councils_person_gets_404(client, outsider, outsider_senior_manager, quality_run):
    client.force_login(outsider_senior_manager)
    assert client.get(URL, {"council": "E08000010"}).status_code == 404
    assert client.get(DOWNLOAD, {"council": "E08000010"}).status_code == 404
    assert client.post(URL, {"council": "E08000010", "year": 2025}).status_code == 404
    client.force_login(outsider)
    response = client.get(URL)  # their own council's page: nothing of Wigan's
    assert response.status_code == 200 and "C-AMY" not in response.content.decode()


def test_someone_of_the_council_who_reads_no_data_quality_is_told_why(
    client, placements_officer, quality_run
):
    client.force_login(placements_officer)

    response = client.get(URL)

    assert response.status_code == 403
    assert "The data quality page is for social workers" in response.content.decode()
    denied = AuditEvent.objects.get(action=AuditEvent.Action.DENIED)
    assert denied.username == placements_officer.username
    assert client.post(URL, {"year": 2025}).status_code == 403
    assert not QualityRun.objects.exclude(pk=quality_run.pk).exists()


def test_the_reports_index_lists_it_for_quality_readers_only(
    client, social_worker, placements_officer
):
    client.force_login(social_worker)
    assert "/reports/data-quality/" in client.get("/reports/").content.decode()
    client.force_login(placements_officer)
    assert "/reports/data-quality/" not in client.get("/reports/").content.decode()


# Check now ---------------------------------------------------------------------------------------


@needs_validator
def test_check_now_runs_the_check_and_shows_it(client, social_worker, child):
    Episode.objects.create(
        authority=child.authority, child=child, source=Episode.Source.IMPORTED,
        decom=date(2025, 5, 1), rne="S", ls="C2", cin="N1", place="U4", place_provider="PR1",
        home_post="WN1 1XX", pl_post="M1 1AE", urn="SC123456", reason_place_change="CARPL",
    )  # fmt: skip
    client.force_login(social_worker)
    page = client.get(URL).content.decode()
    assert "It takes a few seconds" in page and ">Check now</button>" in page

    response = client.post(URL, {"council": "E08000010", "year": 2025}, follow=True)

    run = QualityRun.objects.get()
    assert (run.run_by, run.year) == (social_worker, 2025)
    assert response.redirect_chain[-1][0] == f"{URL}?council=E08000010&year=2025"
    html = response.content.decode()
    assert "Checked the 2025 to 2026 return:" in html
    assert f"by {social_worker.get_full_name()}" in html
    assert any(g["rule"] == "233" for g in response.context["rules"])


def test_check_now_refuses_a_year_not_offered(client, social_worker, child):
    client.force_login(social_worker)

    response = client.post(URL, {"year": 2019}, follow=True)

    assert "Choose a year from the list to check" in response.content.decode()
    assert not QualityRun.objects.exists()


# The download of the return ----------------------------------------------------------------------


def test_a_return_maker_downloads_the_years_return(client, senior_manager, child):
    from hearth.ssda903.export import write_return

    Episode.objects.create(
        authority=child.authority, child=child, source=Episode.Source.IMPORTED,
        decom=date(2025, 5, 1), rne="S", ls="C2", cin="N1", place="U4", place_provider="PR1",
        home_post="WN1 1XX", pl_post="M1 1AE", urn="SC123456",
    )  # fmt: skip
    client.force_login(senior_manager)
    page = client.get(URL).content.decode()
    assert "Download the 2025 to 2026 return (ZIP of CSV files)" in page

    response = client.get(DOWNLOAD, {"year": 2025})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert 'filename="ssda903-E08000010-2026.zip"' in response["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    with tempfile.TemporaryDirectory() as folder:
        written = write_return(child.authority, 2025, Path(folder), previous=True)
        assert sorted(archive.namelist()) == sorted(written)
        for name in written:
            assert archive.read(name).decode() == (Path(folder) / name).read_text()
    episodes = list(csv.DictReader(io.StringIO(archive.read("episodes.csv").decode())))
    assert [(row["CHILD"], row["DECOM"], row["PLACE"]) for row in episodes] == [
        (child.reference, "01/05/2025", "U4")
    ]
    assert "header.csv" in archive.namelist() and "prev/header.csv" in archive.namelist()
    listed = AuditEvent.objects.get(action=AuditEvent.Action.LIST)
    assert listed.detail == ("the SSDA903 return of E08000010 2025 to 2026, zip download, 1 shown")


def test_others_may_not_download_the_return(client, social_worker, team_manager, quality_run):
    client.force_login(social_worker)
    assert "Download the" not in client.get(URL).content.decode()

    response = client.get(DOWNLOAD, {"year": 2025})

    assert response.status_code == 403
    assert "Downloading the SSDA903 return is for system administrators" in (
        response.content.decode()
    )
    assert AuditEvent.objects.filter(action=AuditEvent.Action.DENIED).count() == 1
    client.force_login(team_manager)
    assert client.get(DOWNLOAD, {"year": 2025}).status_code == 403


def test_a_year_not_offered_is_not_downloaded(client, senior_manager):
    client.force_login(senior_manager)
    assert client.get(DOWNLOAD, {"year": 2019}).status_code == 404


# Queries -----------------------------------------------------------------------------------------


def test_the_page_takes_a_fixed_number_of_queries(
    client, senior_manager, quality_run, django_assert_max_num_queries
):
    from tests.factories import ChildFactory
    from tests.fixtures.ssda903_quality import failure

    many = ChildFactory.create_batch(30, authority=quality_run.authority)
    quality_run.failures += [failure(c, "146", "Placement type", ["PLACE"]) for c in many]
    quality_run.save()
    client.force_login(senior_manager)
    client.get(URL)  # the session and the user, cached as on any page

    with django_assert_max_num_queries(13):
        response = client.get(URL)

    assert len(response.context["children"]) == 34


def test_a_social_workers_page_takes_a_fixed_number_of_queries(
    client, social_worker, quality_run, django_assert_max_num_queries
):
    client.force_login(social_worker)
    client.get(URL)

    with django_assert_max_num_queries(13):
        response = client.get(URL, {"view": "rule"})

    assert _references(response) == ["C-AMY"]


# The 2025-26 PLACE codes -------------------------------------------------------------------------


def test_new_placements_are_offered_the_2025_26_place_codes_only():
    offered = [code for code, _words in codes.choices("place")]

    assert {"K3", "Z11", "Z12", "Z13", "Z14"} <= set(offered)
    assert not {"H5", "P2", "Z1"} & set(offered)


def test_the_retired_place_codes_keep_their_words():
    assert codes.label("place", "H5").startswith("H5: Semi-independent")
    assert codes.label("place", "Z1").startswith("Z1: Other placement")
    assert codes.label("place", "K3").startswith("K3: Supported accommodation")
    assert "Z11" in codes.NO_PROVIDER_PLACES and "Z1" in codes.NO_PROVIDER_PLACES
