"""Formatting of records for the screens: dates, ages, statuses and tags in the council's words."""

from datetime import date

from django.utils import timezone

from hearth.accounts.roles import Role
from hearth.people import vocabulary
from hearth.people.forms import age_on

STATUS_COLOURS = {
    "approved": "green",
    "temporary": "yellow",
    "in_assessment": "blue",
    "on_hold": "orange",
    "deregistered": "grey",
    "in_contract": "green",
    "off_contract": "grey",
}


def long_date(value):
    return f"{value.day} {value:%B %Y}" if value else "Not recorded"


def date_time(value):
    if not value:
        return "Not recorded"
    local = timezone.localtime(value)
    return f"{local.day} {local:%B %Y} at {local:%-I:%M%p}".replace("AM", "am").replace("PM", "pm")


def age(date_of_birth, today=None):
    years = age_on(date_of_birth, today or date.today())
    if years == 0:
        months = ((today or date.today()) - date_of_birth).days // 30
        return f"{months} month{'s' if months != 1 else ''}"
    return f"{years}"


def labels(values, mapping):
    return [mapping.get(v, v) for v in values]


def role_label(role):
    try:
        return Role(role).label
    except ValueError:
        return role


def money(amount):
    return f"£{amount:,.2f}"


def child_summary(child, today=None):
    return {
        "reference": child.reference,
        "name": child.full_name,
        "preferred_name": child.preferred_name,
        "date_of_birth": long_date(child.date_of_birth),
        "age": age(child.date_of_birth, today),
        "sex": child.get_sex_display(),
        "ethnicity": f"{child.get_ethnicity_display()} ({child.ethnicity})",
        "religion": child.get_religion_display(),
        "languages": ", ".join(labels(child.languages, vocabulary.LANGUAGES)) or "Not recorded",
        "disability": child.disability or "None recorded",
        "legal_status": f"{child.get_legal_status_display()} ({child.legal_status})",
        "home_postcode": child.home_postcode or "Not recorded",
        "school_postcode": child.school_postcode or "Not recorded",
        "needs": labels(child.needs, vocabulary.NEEDS),
        "risks": labels(child.risks, vocabulary.RISKS),
    }


def household_summary(household):
    return {
        "approval": (
            f"Ages {household.min_age} to {household.max_age}, up to {household.max_children} "
            f"child{'ren' if household.max_children != 1 else ''}"
        ),
        "care_types": labels(household.care_types, vocabulary.PLACEMENT_TYPES),
        "skills": labels(household.skills, vocabulary.SKILLS),
        "languages": ", ".join(labels(household.languages, vocabulary.LANGUAGES)) or "Not recorded",
        "status_colour": STATUS_COLOURS.get(household.status, "grey"),
        "approved_on": long_date(household.approved_on),
        "weekly_cost": money(household.weekly_cost),
    }
