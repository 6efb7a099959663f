"""`hearth report NAME`: a council's figures, month by month (CONTRACT.md section 2).

Each report is one entry of REPORTS: its name, what it shows, and the function that makes it from
the council and the months asked for. The result has `months` and ordered `measures` (name, label,
values, total) and prints as a table to read, or as the CSV and JSON its own `csv_header`,
`csv_rows` and `as_json` give: `fostering-monthly` exactly as CONTRACT.md section 4 says (`measure`,
then one column per month named YYYY-MM); the others with a second column `label`, the words of
the table, and JSON with `labels` and `totals` too.
"""

import argparse
import csv
import sys
from dataclasses import dataclass
from datetime import date

from hearth.cli.console import UserError, print_json, print_table


@dataclass(frozen=True)
class ReportKind:
    help: str
    # Dotted path of `make(authority, first_month, last_month)`, or of `make(authority, year)`
    # for a report of a collection year (`by_year`: 1 April `year` to 31 March the next).
    make: str
    by_year: bool = False
    # A report of the months ahead: --from this month or later; by default the next 12 months.
    ahead: bool = False


REPORTS = {
    "fostering-monthly": ReportKind(
        help="the monthly fostering figures (CONTRACT.md section 4): enquiries, initial visits, "
        "applications, households in assessment, approvals, exits, approved households and "
        "children placed with them; CSV and JSON exactly as the contract says (no label column)",
        make="hearth.fostering.report.fostering_monthly",
    ),
    "unplanned-endings": ReportKind(
        help="placements that ended in an unplanned way: by reason, age, type of care, provider "
        "and time in the placement; stability meetings before; meetings on time; actions overdue; "
        "learning themes",
        make="hearth.stability.report.unplanned_endings",
    ),
    "stability-indicators": ReportKind(
        help="the DfE's placement stability indicators of a year (from the SSDA903 episodes): "
        "children looked after on 31 March with 3 or more placements in the year, and children "
        "under 16 looked after 2.5 years or more in the same placement for 2 years; numerator, "
        "denominator and percentage (CSV: measure,label,numerator,denominator,percentage)",
        make="hearth.ssda903.indicators.indicators",
        by_year=True,
    ),
    "timeliness": ReportKind(
        help="referral to first offer and to placement (median and mean days), the share of "
        "placements with the council's own carers, offers declined, weekly spend on agency "
        "placements by approval tier and provider, children placed more than 20 miles from home "
        "and brothers and sisters living together",
        make="hearth.placements.timeliness.timeliness",
    ),
    "ofsted-fostering": ReportKind(
        help="Ofsted's annual fostering data of a year: approved households and places (filled, "
        "vacant, not available) on 31 March, enquiries, applications, approvals and "
        "deregistrations, mainstream and family and friends",
        make="hearth.fostering.ofsted.ofsted_fostering",
        by_year=True,
    ),
    "sufficiency": ReportKind(
        help="by month ahead (default: the next 12 months, starting this month), the foster "
        "homes needed (children waiting, moving on, in placements at risk, growing past their "
        "carers' ages, and expected into care by the forecast) against the places there will "
        "be (vacancies with the council's and agencies' carers, places freed by planned endings, "
        "carers due at panel), and the gap; by age band, type of care and sibling group size "
        "(CSV: measure,label,by,group, one column per month, total)",
        make="hearth.placements.sufficiency.sufficiency",
        ahead=True,
    ),
}
FORMATS = ("text", "csv", "json")


def month(value):
    """YYYY-MM as the first day of that month; argparse makes a ValueError a usage error (2)."""
    try:
        year, number = value.split("-")
        if len(year) != 4 or len(number) != 2:
            raise ValueError
        return date(int(year), int(number), 1)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a month as YYYY-MM, not {value!r}") from None


def collection_year(value):
    """YYYY as a number; argparse makes a ValueError a usage error (2)."""
    if len(value) != 4 or not value.isdigit():
        raise argparse.ArgumentTypeError(f"expected a year as YYYY, not {value!r}")
    return int(value)


def register(commands):
    parser = commands.add_parser(
        "report",
        help="print a council's monthly figures",
        description="Print the report NAME for a council, one column per month from --from to "
        "--to (default: the last 12 months, to the current month; for sufficiency, the next 12, "
        "from the current month). Reports: "
        + "; ".join(f"{name}: {kind.help}" for name, kind in REPORTS.items())
        + ".",
    )
    parser.add_argument("name", metavar="NAME", choices=list(REPORTS), help=", ".join(REPORTS))
    parser.add_argument(
        "--authority",
        metavar="CODE",
        help="ONS code of the council (needed when the database holds more than one)",
    )
    parser.add_argument("--from", dest="first", type=month, metavar="YYYY-MM", help="first month")
    parser.add_argument("--to", dest="last", type=month, metavar="YYYY-MM", help="last month")
    parser.add_argument(
        "--year",
        type=collection_year,
        metavar="YYYY",
        help="for the reports of a year: the year from 1 April YYYY to 31 March YYYY+1 "
        "(default: the last such year that has ended)",
    )
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="text",
        help="text: a table to read, columns aligned (default); csv: the measure's name (and, "
        "except for fostering-monthly, its label), then one column per month; json: only JSON "
        "on stdout",
    )
    parser.set_defaults(run=report)


def council(code):
    """The council with this ONS code, or the only council there is."""
    from hearth.core.models import Organisation

    councils = Organisation.objects.filter(kind=Organisation.Kind.AUTHORITY)
    if code:
        found = councils.filter(ons_code=code).first()
        if found is None:
            raise UserError(f"no council with ONS code {code}")
        return found
    found = list(councils.order_by("pk")[:2])
    if not found:
        raise UserError("there is no council yet: add one with `hearth authority create`")
    if len(found) > 1:
        raise UserError("the database holds more than one council: say which with --authority CODE")
    return found[0]


def _period(args, *, ahead=False):
    from django.utils import timezone

    from hearth.core.deadlines import add_months
    from hearth.stability.report import last_twelve_months

    first, last = args.first, args.last
    this_month = timezone.localdate().replace(day=1)
    if ahead and first is not None and first < this_month:
        raise UserError(f"{args.name} looks ahead: --from must be {this_month:%Y-%m} or later")
    if ahead and first is None:
        first = this_month
    if last is None:
        last = add_months(first, 11) if first is not None else last_twelve_months()[1]
    if first is None:
        first = add_months(last, -11)
    if first > last:
        raise UserError(f"--from {first:%Y-%m} is after --to {last:%Y-%m}")
    return first, last


def report(args):
    from django.utils import timezone
    from django.utils.module_loading import import_string

    kind = REPORTS[args.name]
    authority = council(args.authority)
    if kind.by_year:
        if args.first or args.last:
            raise UserError(f"{args.name} is a report of a year: give --year YYYY, not --from/--to")
        from hearth.ssda903.tables import last_ended_year

        year = args.year if args.year is not None else last_ended_year(timezone.localdate())
        result = import_string(kind.make)(authority, year)
    else:
        if args.year is not None:
            raise UserError(f"{args.name} is a report of months: give --from and --to")
        first, last = _period(args, ahead=kind.ahead)
        result = import_string(kind.make)(authority, first, last)
    if args.format == "json":
        print_json(result.as_json())
    elif args.format == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(result.csv_header())
        writer.writerows(result.csv_rows())
    elif hasattr(result, "text_table"):  # a report of a year: its own (header, rows)
        header, rows = result.text_table()
        print(f"{result.authority.name} ({result.authority.ons_code})")
        print()
        print_table(header, rows)
    else:
        _print_text(result)


def _print_text(result):
    print(f"{result.authority.name} ({result.authority.ons_code})")
    print()
    rows = []
    for group, measures in result.groups():
        rows.append([group.upper(), *([""] * (len(result.months) + 1))])
        for measure in measures:
            total = "" if measure.total is None else measure.total
            rows.append([f"  {measure.label}", *measure.values, total])
    print_table(["measure", *result.month_names, "total"], rows)
