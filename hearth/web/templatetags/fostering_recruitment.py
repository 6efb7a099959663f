"""The household record's recruitment section."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def household_recruitment(context, household):
    return ""
