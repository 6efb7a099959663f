"""Files the screens hand over to download: a CSV for a spreadsheet, or any other file, always as an
attachment that no shared cache keeps (what is downloaded names children)."""

import csv
import io

from django.http import HttpResponse
from django.utils.cache import add_never_cache_headers

# A cell starting with one of these is one a spreadsheet would run as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(value):
    """The value as a spreadsheet should show it: text that would run as a formula gets a leading
    apostrophe, so the spreadsheet shows it as text; anything else is left as it is."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def download(content, content_type, filename):
    """`content` as a file called `filename`, kept out of shared caches."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    add_never_cache_headers(response)
    return response


def csv_download(filename, header, rows):
    """A CSV file of the header and rows, every cell safe to open in a spreadsheet. It is UTF-8
    with a byte-order mark, so that spreadsheet programs read names like Siân correctly."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows([spreadsheet_cell(cell) for cell in row] for row in rows)
    return download("\ufeff" + out.getvalue(), "text/csv; charset=utf-8", filename)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_download(filename, sheets):
    """An Excel workbook of `sheets`: (title, header, rows) each, a sheet with its header in bold
    and frozen. Text that a spreadsheet would run as a formula is kept as text."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    for title, header, rows in sheets:
        sheet = book.create_sheet(title=title[:31])
        sheet.append(list(header))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
        for row in rows:
            sheet.append([spreadsheet_cell(cell) for cell in row])
    out = io.BytesIO()
    book.save(out)
    return download(out.getvalue(), XLSX, filename)
