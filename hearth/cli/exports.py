"""`hearth export 903`: a council's SSDA903 return as the DfE's CSV files (CONTRACT.md 2 and 5).

The files go into --out, which must be empty, absent, or hold only an earlier export of Hearth's
(the return's eleven file names and a `prev/` folder of the same): those are replaced, so running
the same export twice is safe, and nothing else a person keeps there is ever overwritten. With
--check the DfE's rules (`csc-validator-be-903`) run on what was written, and every failure is
printed by child, rule and message; any failure exits 1.
"""

from pathlib import Path

from hearth.cli.console import UserError, say

WHAT = "903"


def register(commands):
    parser = commands.add_parser(
        "export",
        help="export a council's SSDA903 return (children looked after) as the DfE's CSV files",
        description="Write the SSDA903 return of a council for the collection year from 1 April "
        "YYYY to 31 March YYYY+1 as the DfE's eleven CSV files (header, episodes, uasc, reviews, "
        "missing, oc2, oc3, ad1, placed_for_adoption, previous_permanence, sw_episodes), with "
        "last year's return in DIR/prev/ for the rules that compare the two years. DIR must be "
        "empty or new, or hold only an earlier export of Hearth's, which is replaced.",
        epilog="Example: hearth export 903 --authority E08000010 --year 2025 --out return-2025 "
        "--check   (the 2025-26 return, checked with the DfE's rules)",
    )
    parser.add_argument("what", metavar="WHAT", choices=[WHAT], help="what to export: 903")
    parser.add_argument(
        "--authority",
        metavar="CODE",
        help="ONS code of the council (needed when the database holds more than one)",
    )
    parser.add_argument(
        "--year",
        required=True,
        type=_year,
        metavar="YYYY",
        help="the collection year's first year: 2025 is 1 April 2025 to 31 March 2026 "
        "(the DfE's collectionYear 2026)",
    )
    parser.add_argument("--out", required=True, type=Path, metavar="DIR", help="the folder")
    parser.add_argument(
        "--no-previous",
        dest="previous",
        action="store_false",
        help="do not write last year's return in DIR/prev/",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="then run the DfE's rules on the files (needs `make validator`); print each "
        "failure; exit 1 if there is any",
    )
    parser.set_defaults(run=export_return)


def _year(value):
    from hearth.cli.reports import collection_year

    return collection_year(value)


def _our_files(previous=True):
    from hearth.ssda903.export import export_files

    return set(export_files(previous))


def check_folder(folder):
    """Refuse a folder that holds anything but an earlier export of Hearth's."""
    if not folder.exists():
        return
    if not folder.is_dir():
        raise UserError(f"{folder} is a file, not a folder")
    ours = _our_files()
    strangers = []
    for path in sorted(folder.rglob("*")):
        name = path.relative_to(folder).as_posix()
        if path.is_dir():
            if name != "prev":
                strangers.append(name)
        elif name not in ours:
            strangers.append(name)
    if strangers:
        shown = ", ".join(strangers[:5]) + (" ..." if len(strangers) > 5 else "")
        raise UserError(
            f"{folder} holds files that are not an export of Hearth's ({shown}): "
            "choose an empty or new folder"
        )


def export_return(args):
    from hearth.cli.reports import council
    from hearth.ssda903 import validator
    from hearth.ssda903.export import write_return

    authority = council(args.authority)
    check_folder(args.out)
    if args.check and not validator.available():
        raise UserError(
            f"the SSDA903 validator is not installed ({validator.python()}): run `make validator`"
        )
    written = write_return(authority, args.year, args.out, previous=args.previous)
    if not args.previous:
        _remove_previous(args.out)
    _print_written(authority, args, written)
    if args.check:
        return _check(authority, args)
    return 0


def _remove_previous(folder):
    """An earlier export's prev/ must not pass for this year's previous return."""
    previous = folder / "prev"
    if previous.is_dir():
        for path in previous.iterdir():
            path.unlink()
        previous.rmdir()


def _print_written(authority, args, written):
    from hearth.ssda903.tables import ruleset

    print(
        f"{authority.name} ({authority.ons_code}): SSDA903 return {args.year}-"
        f"{(args.year + 1) % 100:02d} ({ruleset(args.year)}) in {args.out}"
    )
    width = max(len(name) for name in written)
    for name, count in written.items():
        print(f"  {name.ljust(width)}  {count} row{'' if count == 1 else 's'}")


def _check(authority, args):
    from hearth.ssda903.quality import has_previous_children, validate_return

    if (args.out / "prev").exists() and not has_previous_children(args.out):
        say("note: last year's return (prev/) has no children: the rules comparing the two years "
            "were run without it")  # fmt: skip
    try:
        result = validate_return(args.out, year=args.year, authority=authority)
    except RuntimeError as error:
        raise UserError(
            f"the SSDA903 validator stopped before it finished ({error}); the files are written "
            f"in {args.out}: check them again later, or run the validator on them by hand"
        ) from None
    if result.failed:
        say(
            "note: these rules stopped inside the validator and were not checked: "
            + ", ".join(str(rule) for rule in result.failed)
        )
    if result.ok:
        print(f"The DfE's rules ({result.ruleset}): no errors.")
        return 0
    print(f"The DfE's rules ({result.ruleset}): {len(result.errors)} errors.")
    for error in sorted(result.errors, key=lambda e: (e.child, e.rule, e.table, e.row)):
        print(f"  child {error.child}: rule {error.rule}: {error.message} ({error.table}, row "
              f"{error.row + 1})")  # fmt: skip
    say(f"hearth export 903: the return fails {len(result.rules)} of the DfE's rules")
    return 1
