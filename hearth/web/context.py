from django.urls import reverse

from hearth.accounts.access import can, memberships_of, primary_organisation
from hearth.accounts.roles import Capability
from hearth.fostering import permissions as fostering_permissions

COUNCIL_STAFF = "council_staff"  # anyone holding a role in a council
FOSTERING_READERS = "fostering_readers"  # anyone reading a council's fostering service

NAVIGATION = [
    ("Home", "home", None),
    ("Work tray", "work_tray", COUNCIL_STAFF),
    ("Children", "children", Capability.VIEW_CHILDREN),
    ("Tracker", "tracker", Capability.VIEW_CHILDREN),
    ("Households", "households", Capability.VIEW_HOUSEHOLDS),
    ("Fostering", "fostering", FOSTERING_READERS),
    ("Providers", "providers", Capability.VIEW_PROVIDERS),
    ("Reports", "reports", Capability.VIEW_CHILDREN),
    ("Administration", "manage", Capability.ADMINISTER),
]


def _shown(user, condition):
    if condition is None:
        return True
    if condition == COUNCIL_STAFF:
        return any(m.organisation.is_authority for m in memberships_of(user))
    if condition == FOSTERING_READERS:
        return any(
            m.organisation.is_authority and m.role in fostering_permissions.READERS
            for m in memberships_of(user)
        )
    return can(user, condition)


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    items = []
    for label, name, capability in NAVIGATION:
        if _shown(user, capability):
            url = reverse(name)
            active = request.path == url if name == "home" else request.path.startswith(url)
            items.append({"label": label, "url": url, "active": active})
    return {"nav_items": items, "nav_organisation": primary_organisation(user)}
