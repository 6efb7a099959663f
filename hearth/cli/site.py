"""Running a Hearth site: `hearth demo`, `hearth migrate`, `hearth serve` and `hearth seed`."""

import argparse
import secrets
import time

from hearth.cli.console import UserError, add_format_option, print_json, print_table, say

# Letters and digits nobody misreads when copying a password from a terminal.
READABLE_CHARACTERS = "abcdefghjkmnpqrstuvwxyz23456789"
SEED_COUNTS = ("authorities", "children", "households", "agencies")
DEFAULT_ADDRESS = "127.0.0.1:8000"


def address(value):
    """HOST:PORT as gunicorn binds it; argparse turns a ValueError into a usage error (exit 2)."""
    host, _, port = value.rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise argparse.ArgumentTypeError(
            f"expected HOST:PORT, like {DEFAULT_ADDRESS}, not {value!r}"
        )
    return value


def add_address_option(parser):
    parser.add_argument(
        "--addr",
        type=address,
        default=DEFAULT_ADDRESS,
        metavar="HOST:PORT",
        help=f"where to listen (default: {DEFAULT_ADDRESS})",
    )


def register(commands):
    _register_demo(commands)
    _register_migrate(commands)
    _register_serve(commands)
    _register_seed(commands)


def _register_demo(commands):
    parser = commands.add_parser(
        "demo",
        help="migrate, seed a synthetic council with demo users, and serve it",
        description="Prepare the database (DATABASE_URL, else var/hearth.sqlite3) with two "
        "synthetic councils, agencies and one demo user per role, print the sign-ins and serve. "
        "Running it again adds nothing, but sets the demo users' password to the new one.",
    )
    add_address_option(parser)
    parser.add_argument("--no-serve", action="store_true", help="prepare the database and stop")
    parser.add_argument(
        "--password", help="password of every demo user (default: a random one, printed)"
    )
    parser.set_defaults(run=demo, demo_mode=True, needs_migrated_database=False)


def _register_migrate(commands):
    parser = commands.add_parser(
        "migrate",
        help="create or bring up to date the database schema",
        description="Create the database schema, or bring it up to date after an upgrade.",
    )
    add_format_option(parser)
    parser.set_defaults(run=migrate, needs_migrated_database=False)


def _register_serve(commands):
    parser = commands.add_parser(
        "serve",
        help="serve the existing database with gunicorn",
        description="Serve Hearth with gunicorn (2 workers of 4 threads, access log on stdout) "
        "until interrupted. The database must be migrated first.",
    )
    add_address_option(parser)
    parser.set_defaults(run=serve)


def _register_seed(commands):
    parser = commands.add_parser(
        "seed",
        help="add synthetic councils, children, households and agencies",
        description="Add synthetic data; the same --random-seed gives the same data, and seeding "
        "again adds nothing twice.",
    )
    for name in SEED_COUNTS:
        parser.add_argument(f"--{name}", type=int, metavar="N", help=f"how many {name}")
    parser.add_argument("--random-seed", type=int, metavar="N", help="seed of the random choices")
    parser.add_argument(
        "--demo-users",
        action="store_true",
        help="also one demo user per role (only in demo mode, HEARTH_DEMO=1, or with DEBUG on)",
    )
    parser.add_argument("--password", help="password of the demo users (needed with --demo-users)")
    add_format_option(parser)
    parser.set_defaults(run=seed, usage_problem=_seed_usage_problem)


def _seed_usage_problem(args):
    if args.demo_users and not args.password:
        return "--demo-users needs --password"
    return None


def unapplied_migrations():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    return executor.migration_plan(executor.loader.graph.leaf_nodes())


def apply_migrations():
    """Migrate to the latest schema; returns the names of the migrations applied."""
    from django.core.management import call_command

    plan = unapplied_migrations()
    if plan:
        call_command("migrate", interactive=False, verbosity=0)
    return [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]


def migrate(args):
    applied = apply_migrations()
    if args.format == "json":
        print_json({"applied": applied})
    elif applied:
        print(f"Applied {len(applied)} migrations: the database is up to date.")
    else:
        print("The database was already up to date.")


def serve(args):
    from hearth.cli.server import serve_forever

    say(f"Serving Hearth on http://{args.addr}/ (Ctrl+C stops it)")
    serve_forever(args.addr)


def readable_password(length=16):
    """Random, unambiguous and grouped in fours, e.g. `k7mq-x4tp-9hwz-b3nd`."""
    characters = "".join(secrets.choice(READABLE_CHARACTERS) for _ in range(length))
    return "-".join(characters[start : start + 4] for start in range(0, length, 4))


def seed_database(**options):
    """Run the seed; its refusals (a count out of range) are the user's to mend."""
    from hearth.people.seed import seed as seed_people

    try:
        return seed_people(**options)
    except ValueError as error:
        raise UserError(str(error)) from error


def demo(args):
    say("Preparing the database…")
    apply_migrations()
    password = args.password or readable_password()
    started = time.monotonic()
    summary = seed_database(demo_users=True, password=password)
    say(f"Seeded in {time.monotonic() - started:.1f} s.")
    _print_demo_sign_ins(summary, password)
    if not args.no_serve:
        serve(args)


def _print_demo_sign_ins(summary, password):
    from hearth.cli.accounts import demo_sign_ins

    print("Demo sign-ins (every demo user has the same password):")
    print()
    codes = [council["code"] for council in summary["authorities"]]
    sign_ins = demo_sign_ins(summary["demo_users"], codes)
    print_table(["username", "role", "organisation"], sign_ins)
    print()
    print(f"Password: {password}")
    if not summary["created"]:
        print("The demo was already in this database: nothing new was added, and the demo users'")
        print("password is now the one above.")
    print("Every user and role: `HEARTH_DEMO=1 .venv/bin/hearth users --format json`.")


def seed(args):
    from django.conf import settings

    if args.demo_users and not (settings.DEMO or settings.DEBUG):
        raise UserError(
            "demo users exist only in demo mode: set HEARTH_DEMO=1 (or DEBUG=1), or run hearth demo"
        )
    options = {
        name: getattr(args, name)
        for name in (*SEED_COUNTS, "random_seed")
        if getattr(args, name) is not None
    }
    summary = seed_database(**options, demo_users=args.demo_users, password=args.password)
    if args.format == "json":
        print_json(summary)
    else:
        _print_seed_summary(summary)


def _print_seed_summary(summary):
    rows = [
        [council["name"], council["code"], council["children"], council["households"]]
        if council["created"]
        else [council["name"], council["code"], "(already there)", ""]
        for council in summary["authorities"]
    ]
    print_table(["council", "ONS code", "new children", "new households"], rows)
    print()
    print(f"New agencies: {summary['agencies']}. New users: {summary['users']}.")
    if summary["demo_users"]:
        print(f"Demo users: {len(summary['demo_users'])}, all with the password given.")
    if not summary["created"]:
        print("Nothing new: everything asked for was already in the database.")
