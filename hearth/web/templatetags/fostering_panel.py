"""The household record's panel section."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def household_approval(context, household):
    return ""
