"""Template helpers for forms."""

from django import template

register = template.Library()


@register.filter
def error_count(form) -> int:
    """How many error messages the form's summary lists (not how many fields are wrong: a
    field or the form itself may have several)."""
    return sum(len(messages) for messages in form.errors.values())
