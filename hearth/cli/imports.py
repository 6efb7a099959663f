"""`hearth import KIND PATH`: records from a council's files, all or nothing (CONTRACT.md 2)."""

from functools import partial
from pathlib import Path

from hearth.cli.console import UserError, add_format_option, print_json, say

# Each kind and what PATH must be. Kinds read from a folder (such as SSDA903 returns) say "folder".
KINDS = {
    "children": "file",
    "households": "file",
    "providers": "file",
    "recruitment-events": "file",  # fostering: history import (H1)
    "903": "folder",  # SSDA903 returns: DIR with the return's CSVs, and prev/ for the year before
}


def register(commands):
    parser = commands.add_parser(
        "import",
        help="import children, households, providers or a fostering history from a CSV file",
        description="Import records from PATH. All or nothing: if any row is wrong, every wrong "
        "row is listed as PATH:LINE: reason and nothing is written. Importing the same file twice "
        "changes nothing.",
    )
    parser.add_argument(
        "kind", metavar="KIND", choices=list(KINDS), help="one of: " + ", ".join(KINDS)
    )
    parser.add_argument("path", metavar="PATH", type=Path, help="the CSV file")
    parser.add_argument(
        "--authority",
        metavar="CODE",
        help="ONS code of the council the records belong to (needed when there is more than one)",
    )
    parser.add_argument(
        "--year",
        metavar="YYYY",
        type=int,
        help="903 only: the collection year of the return in PATH, by its first year (2025 for "
        "2025-26); prev/ is the year before. Without it the year is read from the return's dates, "
        "and a return whose dates do not prove its year is refused",
    )
    add_format_option(parser)
    parser.set_defaults(run=import_records)


def council_for_import(code):
    """The council named by its ONS code, or the only council there is."""
    from hearth.core.models import Organisation

    councils = Organisation.objects.filter(kind=Organisation.Kind.AUTHORITY)
    if code:
        council = councils.filter(ons_code=code).first()
        if council is None:
            raise UserError(f"no council with ONS code {code}")
        return council
    found = list(councils[:2])
    if not found:
        raise UserError("there is no council yet: add one with `hearth authority create`")
    if len(found) > 1:
        raise UserError("say which council the records belong to: --authority CODE")
    return found[0]


def _check_path(kind, path):
    expected = KINDS[kind]
    if expected == "file" and not path.is_file():
        raise UserError(f"{path}: no such file")
    if expected == "folder" and not path.is_dir():
        raise UserError(f"{path}: no such folder")


def _importer(kind, *, year=None):
    """`import(path, authority=, user=)` for the kind (`year`: the 903 return's)."""
    if kind == "903":
        from hearth.ssda903.imports import import_return

        return lambda path, *, authority, user: import_return(authority, path, by=user, year=year)
    if kind == "recruitment-events":
        from hearth.fostering.imports import import_recruitment_events

        return import_recruitment_events
    from hearth.people.imports import import_csv

    return partial(import_csv, kind)


def import_records(args):
    year = getattr(args, "year", None)
    if year is not None and args.kind != "903":
        raise UserError("--year is for 903 returns only")
    if year is not None and not 2000 <= year <= 2100:
        raise UserError(f"--year {year}: give the collection year's first year, like 2025")
    _check_path(args.kind, args.path)
    council = council_for_import(args.authority)
    result = _importer(args.kind, year=year)(args.path, authority=council, user=None)
    for line, reason in result.errors:
        say(f"{_where(args.path, line)}: {reason}")
    if args.format == "json":
        print_json(_result_data(result))
    elif result.ok:
        print(f"created {result.created}, updated {result.updated}, unchanged {result.unchanged}")
        if args.kind == "903":
            say(f"the return of {result.year}-{(result.year + 1) % 100:02d}; new children "
                f"{result.children_created}, rows removed {result.removed}")  # fmt: skip
        if hasattr(result, "households_created"):
            say(
                f"events: {result.created} added, {result.unchanged} already in the history; "
                f"new households {result.households_created}, new children {result.children_created}"
            )
    if not result.ok:
        problems = f"{len(result.errors)} problem{'s' if len(result.errors) > 1 else ''}"
        say(f"hearth import: nothing was imported ({problems} in {args.path})")
        return 1
    return 0


def _where(path, line):
    """PATH:LINE, or for a row of a file in a folder (file, line) PATH/FILE:LINE."""
    if isinstance(line, tuple):
        file, line = line
        return f"{path / file}:{line}"
    return f"{path}:{line}"


def _result_data(result):
    data = {
        "kind": result.kind,
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "errors": [_error_data(line, reason) for line, reason in result.errors],
    }
    for extra in ("year", "removed", "tables"):  # 903
        if hasattr(result, extra):
            data[extra] = getattr(result, extra)
    for extra in ("households_created", "children_created"):  # recruitment-events
        if hasattr(result, extra):
            data[extra] = getattr(result, extra)
    return data


def _error_data(line, reason):
    if isinstance(line, tuple):  # a row of a file in a folder (903)
        return {"file": line[0], "line": line[1], "reason": reason}
    return {"line": line, "reason": reason}
