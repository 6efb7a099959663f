from django.urls import reverse

from hearth.accounts.access import can, primary_organisation
from hearth.accounts.roles import Capability

NAVIGATION = [
    ("Home", "home", None),
    ("Children", "children", Capability.VIEW_CHILDREN),
    ("Households", "households", Capability.VIEW_HOUSEHOLDS),
    ("Providers", "providers", Capability.VIEW_PROVIDERS),
    ("Administration", "manage", Capability.ADMINISTER),
]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    items = []
    for label, name, capability in NAVIGATION:
        if capability is None or can(user, capability):
            url = reverse(name)
            active = request.path == url if name == "home" else request.path.startswith(url)
            items.append({"label": label, "url": url, "active": active})
    return {"nav_items": items, "nav_organisation": primary_organisation(user)}
