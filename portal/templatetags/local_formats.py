"""Named date formats of the portal's own (portal/formats/<lang>/formats.py), beside Django's.

Django's ``date`` filter knows only its own names (DATE_FORMAT …); ``{{ day|local_date:"WEEKDAY_DATE_FORMAT" }}``
reads any name from the active language's format module.
"""

import datetime as dt

from django import template
from django.utils import timezone, translation
from django.utils.dateformat import format as format_date
from django.utils.formats import get_format, iter_format_modules

register = template.Library()


def named_format(name, language=None):
    language = language or translation.get_language()
    for module in iter_format_modules(language):
        if hasattr(module, name):
            return getattr(module, name)
    return get_format(name)


@register.filter
def local_date(value, name="DATE_FORMAT"):
    if value in (None, ""):
        return ""
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return format_date(value, named_format(name))
