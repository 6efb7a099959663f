"""The household record's support section."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def household_support(context, household):
    return ""
