"""The fostering service's front page: what waits for the fostering team, the lists (enquiries,
recontacts, assessments, panels, visits and reviews due, holds), and the links to the figures.

For everyone who reads the fostering service (`permissions.READERS`) in a council; anyone else
gets 404. Someone reading for several councils chooses the council (?council=ONS code). The
plans, sufficiency and figures pages choose their council the same way
(`_fostering_common.reading_council`).
"""

from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from hearth.accounts.roles import Capability
from hearth.core.rules import TIMESCALES_BY_NAME
from hearth.fostering import plans
from hearth.fostering.hub import REVIEW_NOTICE_WEEKS, fostering_hub
from hearth.web.decorators import requires
from hearth.web.presenters import long_date
from hearth.web.views._fostering_common import reading_council

# The visits list's section of visits to write up or send to the carers (support's page).
WRITE_UPS_ANCHOR = "#write-ups"

# The timescales the page names, in words from the council's policy ("24 hours").
TIMESCALES_NAMED = ("enquiry_response", "adm_decision", "visit_recording", "support_request")


def timescale_words(policy, name):
    """The council's timescale `name` in words: "24 hours", "5 working days"."""
    amount, unit = policy.timescale(name)
    return TIMESCALES_BY_NAME[name].describe(amount, unit)


def _panels(hub):
    return [
        {
            "date": long_date(panel.sits_on),
            "items": panel.items_count,
            "venue": panel.venue,
        }
        for panel in hub.panels
    ]


@requires(Capability.VIEW_HOUSEHOLDS)
@require_GET
def fostering(request):
    authority, councils = reading_council(request)
    hub = fostering_hub(authority, timezone.now())
    context = {
        "authority": authority,
        "councils": councils,
        "hub": hub,
        "panels": _panels(hub),
        "within": {name: timescale_words(authority.policy, name) for name in TIMESCALES_NAMED},
        "review_notice": f"{REVIEW_NOTICE_WEEKS} weeks",
        "write_ups_url": reverse("fostering_visits_due") + WRITE_UPS_ANCHOR,
        "may_plan": plans.why_not_plan(request.user, authority.pk) is None,
    }
    return render(request, "fostering/hub.html", context)


urlpatterns = [path("fostering/", fostering, name="fostering")]
