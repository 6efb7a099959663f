"""People and councils: `hearth users`, `hearth token create` and `hearth authority create`."""

import sys

from hearth.cli.console import UserError, add_format_option, print_json, print_table


def register(commands):
    _register_users(commands)
    _register_token(commands)
    _register_authority(commands)


def _register_users(commands):
    parser = commands.add_parser(
        "users",
        help="list users with their roles and organisations",
        description="List every user: username, name, roles and organisation(s).",
    )
    add_format_option(parser, choices=("table", "json"))
    parser.set_defaults(run=users)
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    add = actions.add_parser(
        "add",
        help="add a person with roles in a council or agency (e.g. its first administrator)",
        description="Add a person who can sign in, holding ROLE(s) in the organisation with this ONS "
        "code or Ofsted URN. The password is read from standard input (one line), or asked for.",
    )
    add.add_argument("username", metavar="USERNAME")
    add.add_argument("--organisation", required=True, metavar="CODE", help="ONS code or Ofsted URN")
    add.add_argument(
        "--role", required=True, action="append", dest="roles", metavar="ROLE",
        help="a role to hold, e.g. system_administrator (repeat for several)",
    )  # fmt: skip
    add.add_argument("--first-name", required=True)
    add.add_argument("--last-name", required=True)
    add.add_argument("--email", required=True)
    add.set_defaults(run=user_add)


def _register_token(commands):
    parser = commands.add_parser("token", help="API tokens", description="Manage API tokens.")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    create = actions.add_parser(
        "create",
        help="print a new API token for a user",
        description="Create an API token for USERNAME and print it (only the token, on stdout). "
        "Hearth keeps only its hash: it cannot be shown again.",
    )
    create.add_argument("username", metavar="USERNAME")
    create.add_argument(
        "--name", default="", help="what the token is for, e.g. the system using it"
    )
    create.set_defaults(run=token_create)
    revoke = actions.add_parser(
        "revoke",
        help="stop every API token of a user working",
        description="Revoke every live API token of USERNAME (for a system that is retired, or a "
        "token that may have leaked). Prints how many were revoked.",
    )
    revoke.add_argument("username", metavar="USERNAME")
    revoke.set_defaults(run=token_revoke)


def _register_authority(commands):
    parser = commands.add_parser("authority", help="councils", description="Manage councils.")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    create = actions.add_parser(
        "create",
        help="add a council with the default policy",
        description="Add a council, identified by its 9-character ONS code (e.g. E08000012), "
        "with the default policy.",
    )
    create.add_argument("code", metavar="CODE", help="the council's ONS code")
    create.add_argument("name", metavar="NAME", help="the council's name, e.g. 'Wigan Council'")
    add_format_option(create)
    create.set_defaults(run=authority_create)


def organisation_code(organisation):
    return organisation.ons_code or organisation.ofsted_urn


def _user_entry(user):
    organisations = {}
    for membership in user.memberships.all():
        organisations.setdefault(membership.organisation, []).append(membership.role)
    listed = [
        {"name": organisation.name, "code": organisation_code(organisation), "roles": roles}
        for organisation, roles in organisations.items()
    ]
    first = listed[0] if listed else {"name": None, "code": None}
    return {
        "username": user.username,
        "name": user.get_full_name(),
        "roles": [role for entry in listed for role in entry["roles"]],
        "organisation": first["name"],
        "organisation_code": first["code"],
        "organisations": listed,
        "active": user.is_active,
    }


def user_entries():
    from hearth.accounts.models import User

    people = User.objects.order_by("username").prefetch_related("memberships__organisation")
    return [_user_entry(user) for user in people]


def users(args):
    entries = user_entries()
    if args.format == "json":
        print_json(entries)
        return
    rows = [
        [
            e["username"],
            e["name"],
            ", ".join(e["roles"]),
            e["organisation"] or "",
            "yes" if e["active"] else "no",
        ]
        for e in entries
    ]
    print_table(["username", "name", "roles", "organisation", "active"], rows)


def _read_password():
    import getpass

    if sys.stdin.isatty():
        first = getpass.getpass("Password for the new person: ")
        if getpass.getpass("The same password again: ") != first:
            raise UserError("the two passwords were not the same")
        return first
    return sys.stdin.readline().rstrip("\n")


def user_add(args):
    """A person added from the server's command line, checked as the administration screen checks."""
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email
    from django.db.models import Q

    from hearth.accounts import administration
    from hearth.accounts.models import User
    from hearth.accounts.roles import AGENCY_ROLES, AUTHORITY_ROLES
    from hearth.core.models import Organisation

    organisation = Organisation.objects.filter(
        Q(ons_code=args.organisation) | Q(ofsted_urn=args.organisation)
    ).first()
    if organisation is None:
        raise UserError(f"no council or agency has the code {args.organisation}")
    allowed = AGENCY_ROLES if organisation.is_agency else AUTHORITY_ROLES
    wrong = [role for role in args.roles if role not in allowed]
    if wrong:
        raise UserError(
            f"not a role in {organisation.name}: {', '.join(wrong)} "
            f"(roles: {', '.join(sorted(allowed))})"
        )
    try:
        validate_email(args.email)
    except ValidationError as error:
        raise UserError(f"{args.email} is not an email address") from error
    if administration.username_taken(args.username):
        raise UserError(f"someone already has the username {args.username}")
    password = _read_password()
    candidate = User(username=args.username, first_name=args.first_name, last_name=args.last_name,
                     email=args.email)  # fmt: skip
    try:
        validate_password(password, candidate)
    except ValidationError as error:
        raise UserError("password: " + " ".join(error.messages)) from error
    user = administration.user_create(
        via="cli", organisation=organisation, username=args.username, first_name=args.first_name,
        last_name=args.last_name, email=args.email, job_title="", password=password,
        roles=sorted(set(args.roles)),
    )  # fmt: skip
    print(f"Added {user.username} to {organisation.name} as {', '.join(sorted(set(args.roles)))}.")


def demo_sign_ins(demo_usernames, council_codes):
    """(username, role, organisation): the first council's demo users, then the second council's
    social worker and one agency user, to show the walls between organisations."""
    from hearth.accounts.models import Membership
    from hearth.accounts.roles import Role

    memberships = (
        Membership.objects.filter(user__username__in=demo_usernames)
        .select_related("user", "organisation")
        .order_by("user__username")
    )
    chosen = []
    if council_codes:
        in_first = memberships.filter(organisation__ons_code=council_codes[0])
        chosen += sorted(in_first, key=lambda membership: list(Role).index(membership.role))
    if len(council_codes) > 1:
        chosen += memberships.filter(
            organisation__ons_code=council_codes[1], role=Role.SOCIAL_WORKER
        )
    chosen += memberships.filter(role=Role.AGENCY_USER)[:1]
    return [[m.user.username, m.get_role_display(), m.organisation.name] for m in chosen]


def token_create(args):
    from hearth.accounts.models import User
    from hearth.accounts.services import token_create as create_token

    user = User.objects.filter(username=args.username).first()
    if user is None:
        raise UserError(f"no user called {args.username}")
    if not user.is_active:
        raise UserError(f"{args.username} is deactivated: a token would not work")
    print(create_token(user=user, name=args.name, via="cli"))


def token_revoke(args):
    from django.db import transaction

    from hearth.accounts.models import User
    from hearth.accounts.services import token_revoke as revoke

    user = User.objects.filter(username=args.username).first()
    if user is None:
        raise UserError(f"no user called {args.username}")
    with transaction.atomic():
        live = list(user.api_tokens.filter(revoked_at__isnull=True).select_related("user"))
        for token in live:
            revoke(user=None, token=token, via="cli")
    print(f"Revoked {len(live)} token{'s' if len(live) != 1 else ''} of {user.username}.")


def authority_create(args):
    from django.core.exceptions import ValidationError

    from hearth.core.services import authority_create as create_authority

    if not args.code:
        raise UserError("give the council's ONS code, like E08000012")
    try:
        authority = create_authority(ons_code=args.code, name=args.name)
    except ValidationError as error:
        raise UserError(_organisation_problems(error)) from error
    if args.format == "json":
        print_json({"code": authority.ons_code, "name": authority.name, "id": authority.pk})
    else:
        print(f"Added {authority.name} ({authority.ons_code}) with the default policy.")


def _organisation_problems(error):
    """`ONS code: Enter an ONS code...`: each problem after the name of the field it is about."""
    from django.core.exceptions import NON_FIELD_ERRORS
    from django.utils.text import capfirst

    from hearth.core.models import Organisation

    def prefix(field):
        if field == NON_FIELD_ERRORS:
            return ""
        return capfirst(Organisation._meta.get_field(field).verbose_name) + ": "

    problems = error.message_dict.items()
    return "; ".join(prefix(field) + " ".join(messages).rstrip(".") for field, messages in problems)
