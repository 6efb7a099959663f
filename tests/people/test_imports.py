"""`hearth import` of children, households and providers: all or nothing, and idempotent."""

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from hearth.accounts.roles import Role
from hearth.audit.models import AuditEvent
from hearth.core.models import Contract, Organisation
from hearth.people.imports import CHILD_COLUMNS, import_csv
from hearth.people.models import Child, Household
from tests.factories import AgencyFactory, ChildFactory, HouseholdFactory, TeamFactory, member

DATA = Path(__file__).parent / "data"
CHILD_HEADER = ",".join(CHILD_COLUMNS)


@pytest.fixture(autouse=True)
def today(time_machine):
    """The example files' dates of birth are judged on a fixed day."""
    time_machine.move_to(datetime(2026, 11, 23, 10, tzinfo=ZoneInfo("Europe/London")))


@pytest.fixture
def iro(wigan):
    return member(wigan, Role.IRO, username="iro.wigan")


@pytest.fixture
def team(wigan):
    return TeamFactory(organisation=wigan, name="Children in Care Team")


@pytest.fixture
def hughes(wigan, supervising_social_worker):
    """The in-house household the Atherton siblings live with."""
    return HouseholdFactory(
        provider=wigan, reference="WH001", name="Hughes family", max_children=2,
        supervising_social_worker=supervising_social_worker,
    )  # fmt: skip


@pytest.fixture
def children_file_ready(social_worker, iro, team, hughes):
    """Everyone and everything children.csv names."""


@pytest.fixture
def households_file_ready(supervising_social_worker, agency):
    """Everyone and everything households.csv names."""


def write(tmp_path, text, encoding="utf-8"):
    path = tmp_path / "import.csv"
    path.write_bytes(text.encode(encoding))
    return path


def child_row(reference="WC2001", **columns):
    values = {column: "" for column in CHILD_COLUMNS}
    values.update(
        reference=reference, first_name="Evie", last_name="Unsworth", date_of_birth="2015-03-01",
        sex="F", ethnicity="WBRI", religion="none", legal_status="C2", home_postcode="WN1 1AA",
    )  # fmt: skip
    values.update(columns)
    return ",".join(values[column] for column in CHILD_COLUMNS)


def children_file(tmp_path, *rows, encoding="utf-8"):
    return write(tmp_path, "\n".join([CHILD_HEADER, *rows]) + "\n", encoding)


def counts():
    return Child.objects.count(), Household.objects.count(), AuditEvent.objects.count()


def lines(result):
    return sorted({line for line, _reason in result.errors})


# Children


def test_children_file_imports_every_child_with_their_details(
    wigan, children_file_ready, social_worker, iro, team, hughes
):
    result = import_csv("children", DATA / "children.csv", authority=wigan)

    assert result.ok, result.errors
    assert (result.created, result.updated, result.unchanged) == (3, 0, 0)
    maisie = Child.objects.get(authority=wigan, reference="WC1001")
    assert maisie.full_name == "Maisie Atherton"
    assert maisie.date_of_birth == date(2014, 5, 12)
    assert maisie.needs == ["trauma_attachment", "education_support"]
    assert (maisie.social_worker, maisie.iro, maisie.team) == (social_worker, iro, team)
    assert maisie.school_postcode == "WN1 1AD"
    assert maisie.placed_with == hughes
    jack = Child.objects.get(authority=wigan, reference="WC1002")
    assert jack.date_of_birth == date(2016, 9, 21)
    assert jack.sibling_group == maisie.sibling_group
    assert maisie.sibling_group.reference == "SG1"
    olek = Child.objects.get(authority=wigan, reference="WC1003")
    assert (olek.preferred_name, olek.languages, olek.risks) == (
        "Olek",
        ["polish", "english"],
        ["absconding"],
    )
    assert olek.sibling_group is None and olek.placed_with is None


def test_children_import_is_audited_as_an_import(wigan, children_file_ready):
    import_csv("children", DATA / "children.csv", authority=wigan)

    events = AuditEvent.objects.filter(record_type="child")
    assert [(e.action, e.via, e.username) for e in events] == [("create", "import", "")] * 3


def test_children_file_imported_twice_changes_nothing_the_second_time(
    wigan, children_file_ready, admin
):
    import_csv("children", DATA / "children.csv", authority=wigan, user=admin)
    before = counts()
    versions = list(Child.objects.order_by("reference").values_list("version", flat=True))

    result = import_csv("children", DATA / "children.csv", authority=wigan, user=admin)

    assert result.ok, result.errors
    assert (result.created, result.updated, result.unchanged) == (0, 0, 3)
    assert counts() == before
    assert list(Child.objects.order_by("reference").values_list("version", flat=True)) == versions


def test_children_changed_row_is_updated_and_audited(wigan, children_file_ready, admin, tmp_path):
    import_csv("children", DATA / "children.csv", authority=wigan)
    text = (DATA / "children.csv").read_text()
    changed = write(
        tmp_path, text.replace("WN1 1AE,,missing_episodes", "WN1 1AF,,missing_episodes")
    )

    result = import_csv("children", changed, authority=wigan, user=admin)

    assert result.ok, result.errors
    assert (result.created, result.updated, result.unchanged) == (0, 1, 2)
    olek = Child.objects.get(authority=wigan, reference="WC1003")
    assert olek.home_postcode == "WN1 1AF"
    event = AuditEvent.objects.filter(record_type="child", record_id=str(olek.pk)).first()
    assert (event.action, event.via, event.user, event.detail) == (
        "update",
        "import",
        admin,
        "changed home_postcode",
    )


def test_children_file_with_bad_rows_reports_each_and_writes_nothing(wigan, children_file_ready):
    before = counts()

    result = import_csv("children", DATA / "children_bad.csv", authority=wigan)

    assert not result.ok
    assert result.errors == [
        (3, "date_of_birth: Date of birth must be today or in the past"),
        (5, "ethnicity: Select a valid choice. WBIR is not one of the available choices."),
        (6, "home_postcode: WN1 7ZZ is not in the ONS postcode directory"),
    ]
    assert (result.created, result.updated, result.unchanged) == (0, 0, 0)
    assert counts() == before


def test_children_bad_row_undoes_the_updates_before_it(wigan, children_file_ready, tmp_path):
    import_csv("children", DATA / "children.csv", authority=wigan)
    changed = (DATA / "children.csv").read_text().replace("Maisie", "May")
    path = write(tmp_path, changed + child_row("WC2001", date_of_birth="2030-01-01") + "\n")
    before = counts()

    result = import_csv("children", path, authority=wigan)

    assert lines(result) == [5]
    assert Child.objects.get(reference="WC1001").first_name == "Maisie"
    assert counts() == before


def test_children_placed_beyond_the_approval_in_one_file_are_refused(wigan, hughes, tmp_path):
    path = children_file(
        tmp_path,
        child_row("WC2001", placed_with="WH001"),
        child_row("WC2002", placed_with="WH001"),
        child_row("WC2003", placed_with="WH001"),
    )

    result = import_csv("children", path, authority=wigan)

    assert result.errors == [(4, "placed_with: Hughes family is approved for 2 and has 2 placed")]
    assert Child.objects.count() == 0


def test_children_unknown_tags_are_named(wigan, tmp_path):
    row = child_row(needs="self-harm;autism")
    result = import_csv("children", children_file(tmp_path, row), authority=wigan)

    assert result.errors == [(2, "needs: Unknown needs: self-harm")]


def test_children_same_reference_twice_is_refused_on_the_later_line(wigan, tmp_path):
    path = children_file(tmp_path, child_row("WC2001"), child_row("WC2002"), child_row("WC2001"))

    result = import_csv("children", path, authority=wigan)

    assert result.errors == [(4, "reference: WC2001 is already on line 2")]
    assert Child.objects.count() == 0


def test_children_of_another_council_are_left_alone(wigan, trafford, tmp_path):
    theirs = ChildFactory(authority=trafford, reference="WC2001", first_name="Kai")

    result = import_csv("children", children_file(tmp_path, child_row("WC2001")), authority=wigan)

    assert result.created == 1
    theirs.refresh_from_db()
    assert theirs.first_name == "Kai"
    assert Child.objects.get(authority=wigan, reference="WC2001").first_name == "Evie"


# The file itself


def test_file_with_wrong_columns_is_refused_on_line_one(wigan, tmp_path):
    header = CHILD_HEADER.replace("date_of_birth", "dob").replace(",placed_with", "")
    path = write(tmp_path, header + ",notes\n")

    result = import_csv("children", path, authority=wigan)

    assert len(result.errors) == 1
    line, reason = result.errors[0]
    assert line == 1
    assert reason.startswith(
        "missing columns: date_of_birth, placed_with; unknown columns: dob, notes"
    )


def test_header_columns_may_come_in_any_order_and_case(wigan, tmp_path):
    header = ",".join(reversed([c.upper() for c in CHILD_COLUMNS]))
    row = ",".join(reversed(child_row().split(",")))

    result = import_csv("children", write(tmp_path, f"{header}\n{row}\n"), authority=wigan)

    assert result.ok, result.errors
    assert Child.objects.get(reference="WC2001").date_of_birth == date(2015, 3, 1)


def test_empty_file_is_refused(wigan, tmp_path):
    result = import_csv("children", write(tmp_path, "\n"), authority=wigan)

    assert result.errors == [(1, "The file is empty: the first line must name the columns")]


def test_file_not_in_utf8_is_refused_at_the_line_that_is_not(wigan, tmp_path):
    row = child_row().replace("Evie", "Zoë")
    path = children_file(tmp_path, child_row("WC2002"), row, encoding="latin-1")

    result = import_csv("children", path, authority=wigan)

    assert result.errors == [
        (3, "The file is not UTF-8 text: save it as 'CSV UTF-8' and try again")
    ]


def test_file_saved_with_a_byte_order_mark_imports(wigan, tmp_path):
    path = children_file(tmp_path, child_row().replace("Evie", "Zoë"), encoding="utf-8-sig")

    result = import_csv("children", path, authority=wigan)

    assert result.ok, result.errors
    assert Child.objects.get(reference="WC2001").first_name == "Zoë"


def test_row_with_too_few_values_is_refused(wigan, tmp_path):
    path = children_file(tmp_path, child_row(), "WC2002,Evie,Unsworth")

    result = import_csv("children", path, authority=wigan)

    assert result.errors == [(3, "Expected 20 values, found 3")]


def test_blank_lines_and_spreadsheet_trailing_commas_are_ignored(wigan, tmp_path):
    path = children_file(tmp_path, child_row("WC2001") + ",,", "", child_row("WC2002"))

    result = import_csv("children", path, authority=wigan)

    assert result.ok, result.errors
    assert result.created == 2


def test_windows_line_endings_keep_the_line_numbers(wigan, tmp_path):
    rows = [CHILD_HEADER, child_row("WC2001"), child_row("WC2002", date_of_birth="2030-01-01")]
    path = write(tmp_path, "\r\n".join(rows) + "\r\n")

    result = import_csv("children", path, authority=wigan)

    assert lines(result) == [3]


def test_line_numbers_count_lines_inside_quoted_values(wigan, tmp_path):
    quoted = child_row("WC2001", disability='"Asthma;\nepilepsy"')
    path = children_file(tmp_path, quoted, child_row("WC2002", date_of_birth="2030-01-01"))

    result = import_csv("children", path, authority=wigan)

    assert lines(result) == [4]


def test_unknown_kind_is_a_programming_error(wigan, tmp_path):
    with pytest.raises(ValueError, match="children, households, providers"):
        import_csv("carers", write(tmp_path, "x\n"), authority=wigan)


# Households


def test_households_file_imports_every_household_with_its_details(
    wigan, agency, households_file_ready, supervising_social_worker
):
    result = import_csv("households", DATA / "households.csv", authority=wigan)

    assert result.ok, result.errors
    assert result.created == 3
    hughes = Household.objects.get(provider=wigan, reference="WH001")
    assert [str(carer) for carer in hughes.carers.all()] == ["Karen Hughes", "Dave Hughes"]
    assert (hughes.min_age, hughes.max_age, hughes.max_children) == (0, 12, 2)
    assert hughes.care_types == ["short_term", "long_term"]
    assert hughes.accepts_siblings is True
    assert hughes.supervising_social_worker == supervising_social_worker
    begum = Household.objects.get(provider=wigan, reference="WH002")
    assert (begum.status, begum.hold_reason) == ("on_hold", "family_circumstances")
    assert begum.accepts_siblings is False
    assert begum.approved_on == date(2019, 2, 3)
    okafor = Household.objects.get(provider=agency, reference="NF017")
    assert okafor.weekly_cost == Decimal("895.00")
    assert okafor.postcode == "M32 0TH"
    assert (
        AuditEvent.objects.filter(record_type="household", via="import", action="create").count()
        == 3
    )


def test_households_file_imported_twice_changes_nothing_the_second_time(
    wigan, households_file_ready
):
    import_csv("households", DATA / "households.csv", authority=wigan)
    before = counts()

    result = import_csv("households", DATA / "households.csv", authority=wigan)

    assert result.ok, result.errors
    assert (result.created, result.updated, result.unchanged) == (0, 0, 3)
    assert counts() == before


def test_households_file_with_bad_rows_reports_each_and_writes_nothing(
    wigan, households_file_ready
):
    before = counts()

    result = import_csv("households", DATA / "households_bad.csv", authority=wigan)

    assert result.errors == [
        (3, "max_age: The oldest age approved must be the same as or above the youngest"),
        (4, "postcode: WN1 7ZZ is not in the ONS postcode directory"),
        (5, "provider: No agency has the Ofsted URN SC999999: import it first"),
    ]
    assert counts() == before


def test_households_changed_row_is_updated_and_audited(wigan, households_file_ready, tmp_path):
    import_csv("households", DATA / "households.csv", authority=wigan)
    text = (DATA / "households.csv").read_text()
    text = text.replace(
        "Karen Hughes; Dave Hughes,WN1 1AB,2,approved,,0,12,",
        "Karen Hughes,WN1 1AB,2,approved,,0,14,",
    )
    path = write(tmp_path, text)

    result = import_csv("households", path, authority=wigan)

    assert (result.created, result.updated, result.unchanged) == (0, 1, 2)
    hughes = Household.objects.get(provider=wigan, reference="WH001")
    assert [str(carer) for carer in hughes.carers.all()] == ["Karen Hughes"]
    # A council's own carers' approval terms change through the fostering panel, not an import.
    assert hughes.max_age == 12
    event = AuditEvent.objects.filter(record_type="household", record_id=str(hughes.pk)).first()
    assert (event.action, event.via, event.detail) == ("update", "import", "changed carers")


def test_households_approval_terms_of_a_councils_own_carers_are_not_changed(
    wigan, hughes, tmp_path
):
    """They change through the fostering panel and the agency decision maker (a change of
    terms), which keeps the audit of the decision: an import leaves them as they are."""
    ChildFactory.create_batch(2, authority=wigan, placed_with=hughes)
    text = (DATA / "households.csv").read_text().splitlines()
    path = write(tmp_path, "\n".join(text[:2]).replace("0,12,2,", "0,12,1,"))

    result = import_csv("households", path, authority=wigan)

    assert result.errors == []
    hughes.refresh_from_db()
    assert hughes.max_children == 2


def test_households_accepts_siblings_must_say_yes_or_no(wigan, households_file_ready, tmp_path):
    text = (DATA / "households.csv").read_text().replace(",yes,", ",maybe,")

    result = import_csv("households", write(tmp_path, text), authority=wigan)

    assert result.errors == [(2, "accepts_siblings: Enter yes or no")]


def test_households_kinship_approval_names_its_children(wigan, tmp_path):
    niece = ChildFactory(authority=wigan, reference="WC3001")
    header = (DATA / "households.csv").read_text().splitlines()[0]
    row = (
        "WH009,Gaskell (kinship),Irene Gaskell,WN1 1AD,1,temporary,,0,17,1,long_term,no,,"
        "WBRI,none,english,2026-10-01,0,,WC3001,in_house"
    )

    result = import_csv("households", write(tmp_path, f"{header}\n{row}\n"), authority=wigan)

    assert result.ok, result.errors
    assert list(Household.objects.get(reference="WH009").named_children.all()) == [niece]


def test_households_same_reference_for_council_and_agency_are_different_homes(
    wigan, households_file_ready, agency, tmp_path
):
    text = (DATA / "households.csv").read_text().replace("NF017", "WH001")

    result = import_csv("households", write(tmp_path, text), authority=wigan)

    assert result.ok, result.errors
    assert Household.objects.filter(reference="WH001").count() == 2


def test_households_in_house_same_reference_twice_is_refused(
    wigan, households_file_ready, tmp_path
):
    text = (DATA / "households.csv").read_text().replace("WH002", "WH001")

    result = import_csv("households", write(tmp_path, text), authority=wigan)

    assert result.errors == [(3, "reference: WH001 is already on line 2")]


# Providers


def test_providers_file_creates_agencies_and_the_councils_contracts(wigan):
    result = import_csv("providers", DATA / "providers.csv", authority=wigan)

    assert result.ok, result.errors
    assert result.created == 2
    lights = Organisation.objects.get(ofsted_urn="SC480123")
    assert (lights.kind, lights.name, lights.postcode) == (
        "agency",
        "Northern Lights Fostering",
        "M32 0TH",
    )
    assert lights.email == "referrals@northernlights.example.org"
    contracts = Contract.objects.filter(authority=wigan).order_by("agency__ofsted_urn")
    assert [(c.agency.ofsted_urn, c.status) for c in contracts] == [
        ("SC480123", "in_contract"),
        ("SC512345", "off_contract"),
    ]
    events = AuditEvent.objects.filter(record_type="provider")
    assert {(e.action, e.via, e.organisation) for e in events} == {("create", "import", wigan)}


def test_providers_file_imported_twice_changes_nothing_the_second_time(wigan):
    import_csv("providers", DATA / "providers.csv", authority=wigan)
    audit_rows = AuditEvent.objects.count()

    result = import_csv("providers", DATA / "providers.csv", authority=wigan)

    assert (result.created, result.updated, result.unchanged) == (0, 0, 2)
    assert AuditEvent.objects.count() == audit_rows


def test_providers_contract_of_a_known_agency_is_updated_for_this_council_only(
    wigan, trafford, tmp_path
):
    lights = AgencyFactory(
        ofsted_urn="SC480123", name="Northern Lights Fostering", postcode="M32 0TH"
    )
    lights.email = "referrals@northernlights.example.org"
    lights.phone = "0161 496 0123"
    lights.save()
    Contract.objects.create(authority=trafford, agency=lights, status="in_contract")
    text = (DATA / "providers.csv").read_text().replace("in_contract", "off_contract")

    result = import_csv("providers", write(tmp_path, text), authority=wigan)

    assert (result.created, result.updated) == (1, 1)
    assert Contract.objects.get(authority=wigan, agency=lights).status == "off_contract"
    assert Contract.objects.get(authority=trafford, agency=lights).status == "in_contract"
    event = AuditEvent.objects.get(record_type="provider", record_id=str(lights.pk))
    assert (event.action, event.detail) == ("update", "changed contract")


def test_providers_bad_rows_are_reported_by_column(wigan, tmp_path):
    path = write(
        tmp_path,
        "ofsted_urn,name,contract,email,phone,postcode\n"
        "SC48012,Northern Lights Fostering,in_contract,,,\n"
        "SC512345,,framework,,,WN1 7ZZ\n",
    )

    result = import_csv("providers", path, authority=wigan)

    assert result.errors == [
        (2, "ofsted_urn: Enter an Ofsted URN: six or seven digits, or SC and six digits"),
        (3, "name: This field is required."),
        (3, "contract: Select a valid choice. framework is not one of the available choices."),
        (3, "postcode: WN1 7ZZ is not in the ONS postcode directory"),
    ]
    assert Organisation.objects.filter(kind="agency").count() == 0


def test_providers_urn_of_a_council_is_refused(wigan, tmp_path):
    wigan.ofsted_urn = "SC480123"
    wigan.save()

    result = import_csv("providers", DATA / "providers.csv", authority=wigan)

    assert result.errors == [
        (2, "ofsted_urn: SC480123 is the Ofsted URN of Wigan Council, not an agency")
    ]
