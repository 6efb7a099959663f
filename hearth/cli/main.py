"""The `hearth` command (CONTRACT.md section 2).

Each sub-command lives in a module under `hearth.cli` that offers `register(commands)`: it adds its
parsers and sets `run` to the function doing the work. Arguments are parsed before Django starts,
so `--help` and usage errors need neither a database nor a SECRET_KEY. Exit codes: 0 done,
1 refused (message on stderr, nothing written), 2 bad usage (from argparse).
"""

import argparse
import os
import sys
from pathlib import Path

from hearth.cli import (
    accounts,
    allocating,
    backup,
    exports,
    imports,
    matching,
    reports,
    site,
    worker,
)
from hearth.cli.console import UserError, say

COMMAND_MODULES = [site, accounts, imports, exports, backup, worker, matching, allocating, reports]


def build_parser():
    parser = argparse.ArgumentParser(
        prog="hearth",
        description="Hearth: find, match and keep homes for children in care.",
        epilog="Run `hearth COMMAND --help` for what each command does.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module in COMMAND_MODULES:
        module.register(commands)
    return parser


def start_django(args):
    """Load the settings and apps; `hearth demo` switches demo mode on first."""
    if getattr(args, "demo_mode", False):
        os.environ["HEARTH_DEMO"] = "1"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hearth.config.settings")
    import django

    try:
        django.setup()
    except ValueError as error:  # a setting that does not parse, such as DATABASE_URL
        raise UserError(f"the configuration is wrong: {error}") from error
    _make_sqlite_folder()


def _make_sqlite_folder():
    """The default database is a file under var/, which a fresh clone does not have yet."""
    from django.db import connection

    if connection.vendor == "sqlite":
        Path(connection.settings_dict["NAME"]).parent.mkdir(parents=True, exist_ok=True)


def require_migrated_database():
    from hearth.cli.site import unapplied_migrations

    if unapplied_migrations():
        raise UserError("the database is not migrated: run `hearth migrate` first")


def run(args):
    if not getattr(args, "needs_django", True):  # `hearth match` and `allocate` read only a file
        return args.run(args) or 0
    start_django(args)
    try:
        if getattr(args, "needs_migrated_database", True):
            require_migrated_database()
        return args.run(args) or 0
    finally:
        from django.db import connections

        connections.close_all()


def parse_arguments(argv):
    """The parsed arguments; bad usage exits 2 here, before anything starts."""
    parser = build_parser()
    args = parser.parse_args(argv)
    problem = args.usage_problem(args) if hasattr(args, "usage_problem") else None
    if problem:
        parser.error(f"{args.command}: {problem}")
    return args


def command_name(args):
    return " ".join(filter(None, ["hearth", args.command, getattr(args, "action", None)]))


def main(argv=None):
    args = parse_arguments(argv)
    from django.core.exceptions import ImproperlyConfigured
    from django.db import OperationalError

    try:
        return run(args)
    except (UserError, ImproperlyConfigured) as error:
        say(f"{command_name(args)}: {error}")
    except OperationalError as error:
        say(f"{command_name(args)}: the database refused: {error}")
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`hearth users | head`): say nothing more, as other commands do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 1


if __name__ == "__main__":
    sys.exit(main())
