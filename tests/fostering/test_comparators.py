"""Regional comparators: other councils' monthly figures imported from a CSV (all or nothing, errors
by line, a name replaced only when confirmed), listed, deleted; who may do what."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from hearth.audit.models import AuditEvent
from hearth.fostering import comparators
from hearth.fostering.models import ComparatorFigure, ComparatorSeries
from hearth.fostering.report import fostering_monthly

URL = reverse("fostering_comparators")
GOOD = b'measure,2026-01,2026-02\ninitial_enquiries,14,9\nhouseholds,"1,120",\n'


def upload(content=GOOD, name="stockport.csv"):
    return SimpleUploadedFile(name, content, content_type="text/csv")


def figures(series):
    return {
        (f"{figure.month:%Y-%m}", figure.measure): figure.value
        for figure in ComparatorFigure.objects.filter(series=series)
    }


# Reading the file ---------------------------------------------------------------------------------


def test_a_good_file_gives_each_months_figure_and_skips_blanks():
    found = comparators.read_figures(GOOD)

    assert found == {
        (date(2026, 1, 1), "initial_enquiries"): Decimal("14"),
        (date(2026, 2, 1), "initial_enquiries"): Decimal("9"),
        (date(2026, 1, 1), "households"): Decimal("1120"),
    }


def test_every_bad_line_is_reported():
    content = (
        b"measure,2026-01,2026-02\n"
        b"initial_enquiries,14,many\n"  # 2
        b"adoptions,1,2\n"  # 3
        b"initial_enquiries,1,2\n"  # 4: again
        b"households,-1,2.5\n"  # 5
        b"placements,1\n"  # 6
        b"approvals,1e2,\n"  # 7
    )
    with pytest.raises(comparators.FileRefused) as refused:
        comparators.read_figures(content)

    errors = refused.value.errors
    assert [line for line, _ in errors] == [2, 3, 4, 5, 5, 6, 7]
    assert errors[0][1].startswith("2026-02: 'many' is not a whole number")
    assert errors[1][1].startswith("'adoptions' is not a measure")
    assert errors[2][1] == "initial_enquiries is already on line 2"
    assert errors[3][1].startswith("2026-01: '-1' is not a whole number")
    assert errors[4][1].startswith("2026-02: '2.5' is not a whole number")
    assert errors[5][1] == "Expected 3 values, found 2"
    assert errors[6][1].startswith("2026-01: '1e2' is not a whole number")


@pytest.mark.parametrize(
    ("header", "problem"),
    [
        (b"council,2026-01", "the first column must be named measure"),
        (b"measure,Jan 2026", "Jan 2026 is not a month written YYYY-MM"),
        (b"measure,2099-01", "2099-01 has not happened yet"),
        (b"measure,2026-13", "2026-13 is not a month written YYYY-MM"),
        (b"measure,2026-01,2026-01", "2026-01 is named twice"),
        (b"measure", "add one column for each month"),
    ],
)
def test_a_wrong_header_is_reported_on_line_one(header, problem):
    with pytest.raises(comparators.FileRefused) as refused:
        comparators.read_figures(header + b"\ninitial_enquiries,1\n")

    assert refused.value.errors[0][0] == 1
    assert problem in refused.value.errors[0][1]


def test_our_own_download_imports_as_a_comparator(wigan, trafford, fostering_team_manager):
    ours = fostering_monthly(trafford, date(2026, 1, 1), date(2026, 3, 1))
    lines = [",".join(map(str, row)) for row in [ours.csv_header(), *ours.csv_rows()]]

    series = comparators.comparator_import(
        by=fostering_team_manager, authority=wigan, name="Trafford",
        content="\n".join(lines).encode(),
    )  # fmt: skip

    assert len(figures(series)) == 24


# Importing and deleting ---------------------------------------------------------------------------


def test_a_name_already_imported_is_replaced_only_when_confirmed(wigan, fostering_team_manager):
    first = comparators.comparator_import(
        by=fostering_team_manager, authority=wigan, name="Stockport", content=GOOD
    )
    with pytest.raises(comparators.NameTaken):
        comparators.comparator_import(
            by=fostering_team_manager, authority=wigan, name="Stockport",
            content=b"measure,2025-12\napplications,3\n",
        )  # fmt: skip
    assert len(figures(first)) == 3

    again = comparators.comparator_import(
        by=fostering_team_manager, authority=wigan, name="Stockport",
        content=b"measure,2025-12\napplications,3\n", replace=True,
    )  # fmt: skip

    assert again.pk == first.pk
    assert figures(again) == {("2025-12", "applications"): Decimal("3")}


def test_an_importer_imports_from_the_page(client, wigan, fostering_team_manager):
    client.force_login(fostering_team_manager)

    response = client.post(URL, {"name": "Stockport", "file": upload()})

    assert response.status_code == 302
    series = ComparatorSeries.objects.get(authority=wigan, name="Stockport")
    assert series.imported_by == fostering_team_manager
    assert series.filename == "stockport.csv"
    assert len(figures(series)) == 3
    assert AuditEvent.objects.filter(record_type="comparator_series", action="create").exists()
    listed = client.get(URL)
    assert "January 2026 to February 2026 (2 months)" in listed.content.decode()


def test_a_bad_file_is_refused_at_the_field_with_its_lines(client, fostering_team_manager):
    client.force_login(fostering_team_manager)

    response = client.post(URL, {"name": "Stockport", "file": upload(b"measure,2026-01\nx,1\n")})

    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Line 2: &#x27;x&#x27; is not a measure" in page
    assert not ComparatorSeries.objects.exists()


def test_the_same_name_again_asks_to_confirm_the_replacement(
    client, fostering_team_manager, comparator_series
):
    client.force_login(fostering_team_manager)

    response = client.post(URL, {"name": "Stockport", "file": upload()})

    assert response.status_code == 400
    assert "tick this box to replace them" in response.content.decode()
    assert len(figures(comparator_series)) == 2
    replaced = client.post(URL, {"name": "Stockport", "file": upload(), "replace": "on"})
    assert replaced.status_code == 302
    assert len(figures(comparator_series)) == 3


def test_a_reader_who_may_not_import_sees_the_list_without_the_form(client, iro, comparator_series):
    client.force_login(iro)

    page = client.get(URL).content.decode()

    assert "Stockport" in page
    assert 'type="file"' not in page
    assert "Only fostering team managers and the council&#x27;s managers can import" in page
    refused = client.post(URL, {"name": "Bury", "file": upload()})
    assert refused.status_code == 403
    assert not ComparatorSeries.objects.filter(name="Bury").exists()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.DENIED).exists()


def test_an_importer_deletes_a_series(client, fostering_team_manager, comparator_series):
    client.force_login(fostering_team_manager)
    url = reverse("fostering_comparator_delete", args=[comparator_series.pk])

    assert "Delete the figures" in client.get(url).content.decode()
    response = client.post(url)

    assert response.status_code == 302
    assert not ComparatorSeries.objects.exists()
    assert not ComparatorFigure.objects.exists()


def test_a_reader_who_may_not_delete_is_refused(client, iro, comparator_series):
    client.force_login(iro)
    url = reverse("fostering_comparator_delete", args=[comparator_series.pk])

    page = client.get(url).content.decode()
    assert "Only fostering team managers and the council&#x27;s managers can" in page
    assert "Delete the figures</button>" not in page
    assert client.post(url).status_code == 403
    assert ComparatorSeries.objects.exists()


def test_another_councils_series_is_not_found(client, trafford, comparator_series):
    from hearth.accounts.roles import Role
    from tests.factories import member

    client.force_login(member(trafford, Role.FOSTERING_TEAM_MANAGER))
    url = reverse("fostering_comparator_delete", args=[comparator_series.pk])

    assert client.post(url).status_code == 404
    assert "No other council's figures have been imported yet" in (client.get(URL).content.decode())
    assert ComparatorSeries.objects.exists()


def test_the_list_takes_few_queries_whatever_the_series(
    client, wigan, fostering_team_manager, django_assert_max_num_queries
):
    for name in ("Bury", "Salford", "Stockport", "Greater Manchester"):
        comparators.comparator_import(
            by=fostering_team_manager, authority=wigan, name=name, content=GOOD
        )
    client.force_login(fostering_team_manager)
    with django_assert_max_num_queries(11):  # 1 for the list, the rest signing in
        response = client.get(URL)
    assert response.status_code == 200
