"""Downloads: a CSV a spreadsheet opens safely and reads as UTF-8, kept out of shared caches."""

import pytest

from hearth.web.downloads import csv_download, download, spreadsheet_cell


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_text_a_spreadsheet_would_run_as_a_formula_is_written_as_text(start):
    assert spreadsheet_cell(f"{start}SUM(A1:A9)") == f"'{start}SUM(A1:A9)"


@pytest.mark.parametrize("value", ["Returned", "Siân's views: 3 - 4 visits", "", 42, -3, None])
def test_other_cells_are_left_as_they_are(value):
    assert spreadsheet_cell(value) == value


def test_a_csv_starts_with_a_byte_order_mark_so_accents_read_as_utf8():
    response = csv_download("people.csv", ["Name", "Note"], [["Siân", "@once"], [7, None]])

    assert response.content == (b"\xef\xbb\xbf" + "Name,Note\r\nSiân,'@once\r\n7,\r\n".encode())
    assert response["Content-Type"] == "text/csv; charset=utf-8"


def test_a_download_is_an_attachment_no_cache_keeps():
    response = download(b"%PDF-1.7", "application/pdf", "referral-1-chronology.pdf")

    assert response["Content-Disposition"] == 'attachment; filename="referral-1-chronology.pdf"'
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    assert response.content == b"%PDF-1.7"
