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


def _importer(kind):
    """`import(path, authority=, user=)` for the kind."""
    if kind == "recruitment-events":
        from hearth.fostering.imports import import_recruitment_events

        return import_recruitment_events
    from hearth.people.imports import import_csv

    return partial(import_csv, kind)


def import_records(args):
    _check_path(args.kind, args.path)
    council = council_for_import(args.authority)
    result = _importer(args.kind)(args.path, authority=council, user=None)
    for line, reason in result.errors:
        say(f"{args.path}:{line}: {reason}")
    if args.format == "json":
        print_json(_result_data(result))
    elif result.ok:
        print(f"created {result.created}, updated {result.updated}, unchanged {result.unchanged}")
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


def _result_data(result):
    data = {
        "kind": result.kind,
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "errors": [{"line": line, "reason": reason} for line, reason in result.errors],
    }
    for extra in ("households_created", "children_created"):  # recruitment-events
        if hasattr(result, extra):
            data[extra] = getattr(result, extra)
    return data
