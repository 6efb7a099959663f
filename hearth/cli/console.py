"""How the `hearth` command talks to its user (CONTRACT.md section 2).

Results go to stdout; everything else (progress, notes, refusals) goes to stderr, so that
`--format json` output can be piped straight into another program.
"""

import json
import sys

FORMATS = ("text", "json")


class UserError(Exception):
    """Something the user asked for cannot be done: the command exits 1, having written nothing."""


def add_format_option(parser, choices=FORMATS):
    parser.add_argument(
        "--format",
        choices=choices,
        default=choices[0],
        help=f"how to print the result (default: {choices[0]}); json prints only JSON on stdout",
    )


def say(message=""):
    """A note for the person at the terminal: stderr, never mixed into the result."""
    print(message, file=sys.stderr)


def print_json(data):
    json.dump(data, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


def print_table(headings, rows):
    """Rows of strings under their headings, in columns as wide as their longest cell."""
    widths = [
        max(len(str(cell)) for cell in column) for column in zip(headings, *rows, strict=True)
    ]
    for row in [headings, ["-" * width for width in widths], *rows]:
        cells = (str(cell).ljust(width) for cell, width in zip(row, widths, strict=True))
        print("  ".join(cells).rstrip())
