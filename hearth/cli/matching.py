"""`hearth match FILE.json`: rank the households for each child or sibling group in a scenario file.

The file is CONTRACT.md section 3's scenario; the answer is its `hearth match` output. Matching is
plain Python (hearth.matching), so the command starts neither Django nor a database.
"""

from hearth.cli.console import UserError, add_format_option, print_json


def register(commands):
    parser = commands.add_parser(
        "match",
        help="rank households for each child or sibling group in a scenario file",
        description="Read a matching scenario (children, households, policy; see docs/matching.md) "
        "and print, for each child or sibling group, every household: the candidates best first "
        "with their score, distance, reasons and concerns, and the excluded ones with every rule "
        "they break. Needs no database.",
    )
    parser.add_argument("file", metavar="FILE.json", help="the scenario file ('-' for stdin)")
    add_format_option(parser, choices=("json",))
    parser.set_defaults(run=match, needs_django=False)


def match(args):
    from hearth.matching.scenario import ScenarioError, match_output, read_scenario

    try:
        output = match_output(read_scenario(args.file))
    except ScenarioError as error:
        raise UserError(str(error)) from error
    print_json(output)
    return 0
