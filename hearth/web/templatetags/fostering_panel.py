"""The household record's panel section (its Regulation 24 approval with due date and flags, its
panel business, decisions and appeal dates) and the child record's kinship section (viability
assessments, and the button to ask for one)."""

from django import template
from django.utils import timezone

from hearth.fostering import kinship
from hearth.fostering.models import ViabilityAssessment

register = template.Library()


@register.inclusion_tag("fostering/panel/_household_section.html", takes_context=True)
def household_approval(context, household):
    from hearth.web.views.fostering_panel import household_section

    user = context["request"].user
    return {"section": household_section(household, user, timezone.localdate())}


@register.inclusion_tag("fostering/kinship/_child_section.html", takes_context=True)
def child_kinship(context, child):
    user = context["request"].user
    may_read = kinship.why_not_read(user, child.authority_id) is None
    may_request = kinship.why_not_request(user, child) is None
    if not (may_read or may_request):
        return {"section": None}
    viabilities = list(ViabilityAssessment.objects.filter(child=child).select_related("household"))
    return {
        "section": {
            "child": child,
            "viabilities": viabilities,
            "may_read": may_read,
            "may_request": may_request,
        }
    }
