"""Opening and closing work items, and queueing the mail that announces them."""

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from hearth.accounts.models import Membership, User
from hearth.trays.models import OutgoingEmail, WorkItem


@transaction.atomic
def item_open(
    *,
    organisation,
    kind,
    title,
    referral=None,
    user=None,
    team=None,
    role="",
    urgent=False,
    due_at=None,
    note="",
    key="",
    link="",
):
    """Put an item in a person's tray (`user`), a team's (`team`, optionally only its members
    holding `role`) or everyone's holding `role` in the organisation, and tell them by email.
    `key` names the record of the referral the item waits on (such as "offer:12"), so that it can
    be closed without closing the items of the referral's other records. `link` is the page where
    the item is done, for an item about a record other than a referral."""
    item = WorkItem.objects.create(
        organisation=organisation, kind=kind, title=title[:300], referral=referral,
        assigned_user=user, assigned_team=team, assigned_role=role, urgent=urgent, due_at=due_at,
        note=note[:500], key=key, link=link,
    )  # fmt: skip
    subject = ("URGENT: " if urgent else "") + f"{item.get_kind_display()} in your Hearth work tray"
    email_queue(
        recipients=recipients_of(item),
        subject=subject,
        body=_announcement(item),
    )
    return item


@transaction.atomic
def items_close(*, referral, by, kinds=None, user=None, key=None):
    """Close the referral's open items (of `kinds`, or all; only `user`'s own when given; only
    those of `key` when given): the step they waited for is done."""
    items = WorkItem.objects.filter(referral=referral, closed_at__isnull=True)
    if kinds is not None:
        items = items.filter(kind__in=kinds)
    if user is not None:
        items = items.filter(assigned_user=user)
    if key is not None:
        items = items.filter(key=key)
    return items.update(closed_at=timezone.now(), closed_by=by)


@transaction.atomic
def items_close_keyed(*, organisation, key, by, kinds=None):
    """Close an organisation's open items waiting on the record `key` names (such as
    "meeting:12"), of `kinds` or all: for items that belong to no referral."""
    items = WorkItem.objects.filter(organisation=organisation, key=key, closed_at__isnull=True)
    if kinds is not None:
        items = items.filter(kind__in=kinds)
    return items.update(closed_at=timezone.now(), closed_by=by)


def recipients_of(item):
    """The people an item lands with."""
    if item.assigned_user_id is not None:
        return [item.assigned_user] if item.assigned_user.is_active else []
    memberships = Membership.objects.filter(organisation_id=item.organisation_id)
    if item.assigned_team_id is not None:
        memberships = memberships.filter(team_id=item.assigned_team_id)
    if item.assigned_role:
        memberships = memberships.filter(role=item.assigned_role)
    return list(
        User.objects.filter(pk__in=memberships.values("user_id"), is_active=True).order_by("pk")
    )


def _announcement(item):
    link = settings.HEARTH_BASE_URL.rstrip("/") + reverse("work_tray")
    lines = [
        f"Something is waiting for you in Hearth: {item.get_kind_display().lower()}.",
        "",
        f"Open your work tray to see it: {link}",
    ]
    if item.due_at is not None:
        due = timezone.localtime(item.due_at)
        lines[1:1] = ["", f"It is due by {due:%-d %B %Y at %H:%M}."]
    lines += ["", "This message names no child: sign in to Hearth to see who it is about."]
    return "\n".join(lines)


def email_queue(*, recipients, subject, body, send_after=None):
    send_after = send_after or timezone.now()
    OutgoingEmail.objects.bulk_create(
        OutgoingEmail(to=person.email, subject=subject, body=body, send_after=send_after)
        for person in recipients
        if person.email
    )


def email_queue_to(*, addresses, subject, body, send_after=None):
    """Mail to plain addresses (a provider's, its contacts'), each once: for people who are not
    Hearth users. Like every Hearth email, the body names no child."""
    send_after = send_after or timezone.now()
    unique = {}
    for address in addresses:
        address = (address or "").strip()
        if address:
            unique.setdefault(address.casefold(), address)
    unique = list(unique.values())
    OutgoingEmail.objects.bulk_create(
        OutgoingEmail(to=address, subject=subject, body=body, send_after=send_after)
        for address in unique
    )
    return unique
