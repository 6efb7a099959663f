"""`hearth allocate FILE.json`: place every child of a scenario file in its households at once.

The file is CONTRACT.md section 3's scenario; the answer is its `hearth allocate` output, with the
first-come-first-served answer beside it. Allocation is plain Python (hearth.matching.allocate), so
the command starts neither Django nor a database.
"""

import argparse

from hearth.cli.console import UserError, add_format_option, print_json

DEFAULT_TIME_LIMIT = 60.0  # seconds


def register(commands):
    parser = commands.add_parser(
        "allocate",
        help="place every child of a scenario file in the households at once",
        description="Read a matching scenario (children, households, policy; see "
        "docs/matching.md) and place its children in its households all at once: as many "
        "children as possible and, among the ways of doing that, the highest total of the scores "
        "`hearth match` gives. Prints each assignment, each child left without a household and "
        "why, and the same figures for placing them first come, first served. Needs no database.",
    )
    parser.add_argument("file", metavar="FILE.json", help="the scenario file ('-' for stdin)")
    parser.add_argument(
        "--keep",
        type=_at_least_one,
        default=None,
        metavar="K",
        help="the best households kept for each child, group or sub-group (default: 50); "
        "with K at least the number of households the answer is the exact optimum",
    )
    parser.add_argument(
        "--time-limit",
        type=_seconds,
        default=DEFAULT_TIME_LIMIT,
        metavar="SECONDS",
        help=f"the most time the optimiser may take (default: {DEFAULT_TIME_LIMIT:g}); when it "
        "runs out the best answer found is printed, marked as not proven optimal",
    )
    add_format_option(parser, choices=("json",))
    parser.set_defaults(run=allocate, needs_django=False)


def _at_least_one(text):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _seconds(text):
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError("must be a number of seconds above 0")
    return value


def allocate(args):
    from hearth.matching.allocate import KEEP, allocate, allocation_as_json
    from hearth.matching.scenario import ScenarioError, read_scenario

    try:
        scenario = read_scenario(args.file)
    except ScenarioError as error:
        raise UserError(str(error)) from error
    allocation = allocate(
        scenario.children,
        scenario.households,
        scenario.policy,
        scenario.as_of,
        keep=args.keep or KEEP,
        time_limit=args.time_limit,
    )
    print_json(allocation_as_json(allocation))
    return 0
