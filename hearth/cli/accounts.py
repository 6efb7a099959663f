"""People and councils: `hearth users`, `hearth token create` and `hearth authority create`."""

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
