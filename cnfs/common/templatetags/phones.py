"""``{% load phones %}``: phone numbers as people read them.

``{{ number|phone }}`` gives the national format (« 03 84 12 34 56 »), ``{{ number|tel }}``
the ``tel:`` link (« tel:+33-3-84-12-34-56 »). Numbers are stored in E.164 (+33384123456).
"""

from django import template

from cnfs.common.validators import phone_national, phone_uri

register = template.Library()


@register.filter
def phone(value) -> str:
    return phone_national(str(value or ""))


@register.filter
def tel(value) -> str:
    return phone_uri(str(value or ""))
