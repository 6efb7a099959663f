"""The children looked after return (SSDA903) and the figures made from it, on the demo council, as
its people use them:

1. a social worker records a looked-after child's change of legal status (the episode splits: an
   L episode is listed), a review, a missing episode and the return's details (a UPN with a wrong
   check letter is refused at its field; the right one is saved);
2. a senior manager checks the council's data quality now (the DfE's validator, run for real in
   `.venv-903`), finds a child whose episode breaks a rule, by child and by rule, opens the child,
   and downloads the return (a zip of the CSVs);
3. a team manager reads the placement stability indicators of a year with a small hand-built
   history (known answers), downloads the children (CSV), then timeliness and Ofsted's fostering
   data, opening a figure's records on each.

`hearth serve` runs in its own process on the demo database, so the clock cannot be frozen: the
records these walks need are made once, before them, by the factories and Hearth's own episode
service run on the served database (`made`), with dates relative to today. The children are
this module's own (allocated to no demo worker, placed with carers of their own), so the other
browser tests never meet them; the stability history is in 2012-13, a year the demo has no care in.
"""

import csv
import io
import json
import re
import subprocess
import sys
import zipfile
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.browser.axe import assert_accessible
from tests.browser.conftest import REPOSITORY
from tests.browser.personas import SENIOR_MANAGER, SOCIAL_WORKER, TEAM_MANAGER
from tests.browser.test_referral_walk import _fill_date, _success

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

VALIDATOR = REPOSITORY / ".venv-903" / "bin" / "python"
CHECK_MS = (
    120_000  # "Check now" runs the whole return through the validator: seconds, on a busy box
)
LONDON = ZoneInfo("Europe/London")
STABILITY_YEAR = 2012  # 2012 to 2013: only this module's children were in care then

# Made on the served database, as `hearth worker` runs there (conftest.JOBS_AT): prints the
# records' keys as JSON.
RECORDS = """
import json
from datetime import date, timedelta

import django
django.setup()
from django.db import transaction
from django.utils import timezone

from hearth.accounts.models import User
from hearth.people.models import Child, Household
from hearth.placements.models import Placement
from hearth.ssda903 import episodes
from hearth.ssda903.models import ChildReturn, Episode
from tests.factories import ChildFactory, HouseholdFactory

with transaction.atomic():
    today = timezone.localdate()
    days = lambda n: today - timedelta(days=n)
    wigan = Child.objects.filter(authority__ons_code="E08000010").first().authority
    officer = User.objects.get(username="wigan.placements_officer")

    # 1. Bea, in the council's foster home for 120 days on an interim care order (C1), RNE S.
    home = HouseholdFactory(
        provider=wigan, reference="BRW-903-H1", name="Brightwater household", postcode="WN1 1AB",
        care_types=["long_term"], max_children=1, approved_on=date(2020, 1, 15),
    )
    bea = ChildFactory(
        authority=wigan, reference="BRW903B", first_name="Bea", last_name="Brightwater",
        date_of_birth=date(2015, 3, 1), sex="F", legal_status="C1", placed_with=home,
    )
    Placement.objects.create(
        authority=wigan, child=bea, household=home, provider=wigan, care_type="long_term",
        started_on=days(120), place="U6", place_provider="PR1", legal_status="C1",
        reason_new_episode="S", home_postcode="WN1 1AA", placement_postcode=home.postcode,
        urn="SC456789", started_by=officer,
    )
    episodes.refresh(bea)

    # 2. Cal, whose episode of this year ended in a move (REC X1) with no episode after it: rule 388.
    cal = ChildFactory(
        authority=wigan, reference="BRW903C", first_name="Cal", last_name="Ashcombe",
        date_of_birth=date(2012, 5, 10), sex="M",
    )
    ChildReturn.objects.create(child=cal, upn="UN2", category_of_need="N1")
    Episode.objects.create(
        authority=wigan, child=cal, source=Episode.Source.IMPORTED, decom=days(100), rne="S",
        ls="C2", place="U6", place_provider="PR1", dec=days(40), rec="X1",
        reason_place_change="CARPL", home_post="WN1 1AA", pl_post="WN1 1AB", urn="SC456789",
    )

    # 3. In 2012 to 2013: Dee had 3 placements in the year; Eli, 11, in care since 2009, had lived
    # with the same carers since May 2010.
    def history(child, *rows, ended):
        for number, (decom, rne, place) in enumerate(rows):
            last = number == len(rows) - 1
            dec = ended if last else rows[number + 1][0]
            Episode.objects.create(
                authority=wigan, child=child, source=Episode.Source.IMPORTED, decom=decom, rne=rne,
                ls="C2", place=place, place_provider="PR1", dec=dec, rec="E13" if last else "X1",
                reason_place_change="" if last else "CARPL", home_post="WN1 1AA",
                pl_post="WN1 1AB",
            )

    dee = ChildFactory(authority=wigan, reference="BRW903D", first_name="Dee", last_name="Fernhill",
                       date_of_birth=date(2004, 6, 1), legal_status="C2")
    history(dee, (date(2012, 5, 1), "S", "U6"), (date(2012, 8, 1), "P", "U4"),
            (date(2013, 1, 10), "P", "U6"), ended=date(2014, 2, 1))
    eli = ChildFactory(authority=wigan, reference="BRW903E", first_name="Eli", last_name="Fernhill",
                       date_of_birth=date(2001, 9, 1), sex="M", legal_status="C2")
    history(eli, (date(2009, 6, 1), "S", "U6"), (date(2010, 5, 1), "P", "U4"),
            ended=date(2014, 6, 1))
    others = (
        Episode.objects.filter(authority=wigan, decom__lte=date(2013, 3, 31))
        .exclude(dec__lt=date(2012, 4, 1)).exclude(child__in=[dee, eli]).count()
    )
print(json.dumps({"bea": bea.pk, "cal": cal.pk, "dee": dee.pk, "eli": eli.pk, "others": others}))
"""


@pytest.fixture(scope="module")
def made(server, server_environment):
    env = server_environment | {"DJANGO_SETTINGS_MODULE": "hearth.config.settings"}
    done = subprocess.run(
        [sys.executable, "-c", RECORDS],
        cwd=REPOSITORY, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, f"making the records failed:\n{done.stderr}"
    return json.loads(done.stdout.strip().splitlines()[-1])


# Finding things as a person does ------------------------------------------------------------------


def _main(page):
    return page.locator("main")


def _heading(page, text):
    expect(page.get_by_role("heading", level=1)).to_have_text(text)


def _link(page, name):
    return _main(page).get_by_role("link", name=name, exact=True)


def _field(page, label):
    """A field by its label, whether or not the label says it is optional."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}( \(optional\))?$"))


def _day(day):
    return f"{day.day} {day:%B %Y}"


def _open_screen(page, path, heading):
    assert page.goto(path).status == 200, f"{path} did not open"
    _heading(page, heading)
    assert_accessible(page)


def _upn(rest):
    """A UPN: the DfE's check letter (weights 2 to 13 over the 12 digits, modulo 23) then `rest`."""
    total = sum(weight * int(digit) for weight, digit in enumerate(rest, start=2))
    return "ABCDEFGHJKLMNPQRTUVWXYZ"[total % 23] + rest


def _today():
    """Today as the served pages count it (the server's clock, not frozen)."""
    return datetime.now(LONDON).date()


# 1. Recording the return's details of a child ----------------------------------------------------


def test_a_social_worker_records_a_legal_status_change_a_review_a_missing_episode_and_details(
    open_page, made
):
    page = open_page(SOCIAL_WORKER)
    record = f"/children/{made['bea']}/"
    _open_screen(page, record, "Bea Brightwater")
    section = page.locator("#return")
    expect(section).to_have_text("Children looked after return (SSDA903)")
    episodes = page.get_by_role("table", name=re.compile(r"^Episodes of Bea Brightwater's care"))
    expect(episodes.locator("tbody tr")).to_have_count(1)

    # The legal status changes, with its date: an interim care order becomes a full one.
    _main(page).get_by_role("link", name="Change legal status").click()
    _heading(page, "Change Bea Brightwater's legal status")
    assert_accessible(page)
    today = _today()
    changed_on = today - timedelta(days=60)
    page.get_by_label("New legal status (LS)").select_option("C2")
    _fill_date(page, "Date it changed", changed_on)
    page.get_by_role("button", name="Save").click()
    expect(_success(page)).to_contain_text(
        f"Bea Brightwater's legal status is C2 from {_day(changed_on)}."
    )
    assert_accessible(page)
    changes = page.get_by_role("table", name="Changes of legal status")
    expect(changes.locator("tbody tr")).to_have_count(1)
    expect(changes.locator("tbody tr")).to_contain_text(_day(changed_on))
    rows = episodes.locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("X1")
    expect(rows.nth(0)).to_contain_text(_day(changed_on))
    expect(rows.nth(1).locator("td").nth(0)).to_have_text(_day(changed_on))
    expect(rows.nth(1).locator("td").nth(1)).to_have_text(re.compile(r"^L: "))
    expect(rows.nth(1).locator("td").nth(2)).to_have_text("C2")
    expect(rows.nth(1).locator("td").nth(4)).to_have_text("Open")

    # A review of the care plan.
    reviewed_on = today - timedelta(days=100)
    _link(page, "Add a review").click()
    _heading(page, "Add review for Bea Brightwater")
    assert_accessible(page)
    _fill_date(page, "Date of the review (REVIEW)", reviewed_on)
    page.get_by_label("How the child took part (REVIEW_CODE)").select_option("PN1")
    page.get_by_role("button", name="Save").click()
    expect(_success(page)).to_contain_text("was added")
    reviews = page.get_by_role("table", name=re.compile(r"^Reviews of the care plan"))
    expect(reviews.locator("tbody tr")).to_have_count(1)
    expect(reviews.locator("tbody tr")).to_contain_text(_day(reviewed_on))

    # A night missing from the placement.
    went, back = (today - timedelta(days=n) for n in (20, 19))
    _link(page, "Add a missing episode").click()
    _heading(page, re.compile(r"^Add .* for Bea Brightwater$"))
    assert_accessible(page)
    page.get_by_label("Missing or away (MISSING)").select_option("M")
    _fill_date(page, "Date it started (MIS_START)", went)
    _fill_date(page, re.compile(r"^Date it ended \(MIS_END\)"), back)
    page.get_by_role("button", name="Save").click()
    expect(_success(page)).to_contain_text("was added")
    missing = page.get_by_role("table", name=re.compile(r"^Times missing or away"))
    expect(missing.locator("tbody tr")).to_have_count(1)
    expect(missing.locator("tbody tr")).to_contain_text(_day(went))
    assert_accessible(page)

    # The return's details: a UPN whose check letter is wrong is refused at its field.
    good = _upn("801234567890")
    wrong = ("B" if good[0] == "A" else "A") + good[1:]
    _link(page, "Change the details for the return").click()
    _heading(page, "Bea Brightwater's details for the return")
    assert_accessible(page)
    upn = _field(page, "Unique pupil number (UPN)")
    upn.fill(wrong)
    page.get_by_label("Category of need (CIN)").select_option("N1")
    page.get_by_role("button", name="Save").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("check letter")
    field_group = page.locator(".govuk-form-group--error").filter(has=upn)
    expect(field_group.locator(".govuk-error-message")).to_contain_text("check letter")
    summary.get_by_role("link", name=re.compile("check letter")).click()
    expect(upn).to_be_focused()
    assert_accessible(page)
    upn.fill(good)
    page.get_by_role("button", name="Save").click()
    expect(_success(page)).to_contain_text("Changes saved.")
    details = (
        _main(page)
        .locator(".govuk-summary-list__row")
        .filter(has=page.locator("dt", has_text=re.compile(r"^UPN$")))
    )
    expect(details.locator("dd")).to_have_text(good)
    assert_accessible(page)


# 2. Data quality and the return ------------------------------------------------------------------


def test_a_senior_manager_checks_the_return_finds_a_child_by_rule_and_downloads_it(
    open_page, made, tmp_path
):
    if not VALIDATOR.exists():
        pytest.skip(f"the DfE's validator is not installed at {VALIDATOR} (make validator)")
    page = open_page(SENIOR_MANAGER)
    page.goto("/")
    page.get_by_role("link", name="Reports", exact=True).first.click()
    _heading(page, "Reports")
    assert_accessible(page)
    _link(page, "Data quality").click()
    _heading(page, "Data quality")
    assert_accessible(page)

    # Check now: the DfE's rules run on the year's return so far.
    check = _main(page).get_by_role("button", name="Check now")
    with page.expect_navigation(timeout=CHECK_MS):
        check.click(timeout=CHECK_MS)
    expect(_success(page)).to_contain_text(re.compile(r"Checked the \d{4} to \d{4} return"))
    expect(_main(page)).to_contain_text("Last checked on")
    assert_accessible(page)

    # By child: Cal, with rule 388 and what to fix, linked to his record.
    cal = _main(page).get_by_role("heading", level=3).filter(has_text="Cal Ashcombe")
    expect(cal).to_have_count(1)
    expect(cal).to_contain_text("BRW903C")
    problems = page.get_by_role("table", name="Problems in Cal Ashcombe's return")
    rule_388 = problems.locator("tbody tr").filter(
        has=page.locator("th", has_text=re.compile(r"^388\b"))
    )
    expect(rule_388).to_have_count(1)
    expect(rule_388.locator("td").nth(1)).not_to_be_empty()  # what to fix

    # By rule: rule 388 names Cal.
    _main(page).get_by_role("link", name="by rule", exact=True).click()
    expect(page.get_by_role("heading", name="Problems by rule", level=2)).to_be_visible()
    assert_accessible(page)
    rules = page.get_by_role("table", name="Problems by rule")
    rules.get_by_role("link", name="388", exact=True).click()
    expect(_main(page)).to_contain_text("Only rule 388 is shown")
    expect(page.get_by_role("heading", name=re.compile(r"^Rule 388"))).to_be_visible()
    assert_accessible(page)
    child = _main(page).get_by_role("link", name=re.compile(r"Cal Ashcombe"))
    expect(child).to_have_count(1)
    child.click()
    _heading(page, "Cal Ashcombe")
    assert page.url.endswith(f"/children/{made['cal']}/")
    expect(page.locator("#return ~ ul").first).to_contain_text("388: ")  # on his record too
    assert_accessible(page)

    # The return, as the DfE takes it: a zip of the CSVs, Cal's episode in it.
    page.go_back()
    download_link = _main(page).get_by_role("link", name=re.compile(r"^Download the .* return"))
    with page.expect_download() as started:
        download_link.click()
    download = started.value
    assert re.fullmatch(r"ssda903-E08000010-\d{4}\.zip", download.suggested_filename)
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    with zipfile.ZipFile(saved) as archive:
        names = set(archive.namelist())
        assert {"header.csv", "episodes.csv", "uasc.csv", "reviews.csv"} <= names
        episodes = list(csv.DictReader(io.StringIO(archive.read("episodes.csv").decode())))
    assert any(row["CHILD"] == "BRW903C" and row["REC"] == "X1" for row in episodes)


# 3. The figures -----------------------------------------------------------------------------------


def test_a_team_manager_reads_the_stability_indicators_timeliness_and_ofsted_figures(
    open_page, made
):
    assert made["others"] == 0, "the demo council now has care in 2012 to 2013: pick a year"
    page = open_page(TEAM_MANAGER)
    page.goto("/reports/")
    _link(page, "Placement stability indicators").click()
    _heading(page, "Placement stability indicators")
    assert_accessible(page)
    page.get_by_label("Year (1 April to 31 March)").select_option(str(STABILITY_YEAR))
    _main(page).get_by_role("button", name="Show this year").click()
    expect(_main(page)).to_contain_text("On 31 March 2013, the end of the year 2012 to 2013.")
    assert_accessible(page)

    # Short-term: Dee (3 placements) of Dee and Eli; long-term: Eli of Eli.
    figures = page.get_by_role("table", name="The indicators").locator("tbody tr")
    expect(figures).to_have_count(2)
    short_term, long_term = figures.nth(0), figures.nth(1)
    expect(short_term.locator("td")).to_have_text(["1", "2", re.compile(r"^50(\.0)?%?$")])
    expect(long_term.locator("td")).to_have_text(["1", "1", re.compile(r"^100(\.0)?%?$")])
    short_label = short_term.locator("th").inner_text()
    long_label = long_term.locator("th").inner_text()
    counted = page.get_by_role("table", name=f"Children counted: {short_label}")
    expect(counted.locator("tbody tr")).to_have_count(1)
    dee = counted.get_by_role("link", name="Dee Fernhill")
    expect(dee).to_have_attribute("href", f"/children/{made['dee']}/")
    expect(counted.locator("tbody tr").locator("li")).to_have_count(3)
    measured = page.get_by_role("table", name=f"All children measured: {short_label}")
    expect(measured.locator("tbody tr")).to_have_count(2)
    long_counted = page.get_by_role("table", name=f"Children counted: {long_label}")
    expect(long_counted.get_by_role("link", name="Eli Fernhill")).to_have_attribute(
        "href", f"/children/{made['eli']}/"
    )

    # The children as CSV: each measure's children, the counted ones marked.
    spreadsheet = _main(page).get_by_role("link", name=re.compile(r"spreadsheet \(CSV\)$"))
    with page.expect_download() as started:
        spreadsheet.click()
    download = started.value
    assert download.suggested_filename == f"stability-indicators-E08000010-{STABILITY_YEAR}.csv"
    rows = list(csv.DictReader(io.StringIO(Path(download.path()).read_text(encoding="utf-8-sig"))))
    assert sorted((row["measure"], row["child"], row["in the numerator"]) for row in rows) == [
        ("long_term", "BRW903E", "yes"),
        ("short_term", "BRW903D", "yes"),
        ("short_term", "BRW903E", "no"),
    ]

    # Timeliness and spend: the figures, then the records behind one.
    page.goto("/reports/")
    _link(page, "Timeliness and spend").click()
    _heading(page, "Timeliness and spend")
    assert_accessible(page)
    figure = _main(page).locator("table tbody td a.govuk-link").first
    expect(figure).to_be_visible()
    figure.click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert page.url.count("measure=") == 1
    assert_accessible(page)

    # Ofsted's fostering data: the counts, then the households behind one.
    page.goto("/reports/")
    _link(page, "Ofsted fostering data").click()
    _heading(page, "Ofsted fostering data")
    assert_accessible(page)
    count = _main(page).locator("table tbody td a.govuk-link").first
    count.click()
    assert "measure=" in page.url
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page)
