"""City-managed names in the active language, marking a Finnish fallback with ``lang``.

``{{ topic|localized }}``, ``{{ forum|localized:"description" }}``, ``{{ areas|localized_list }}``.
"""

from django import template

from portal import i18n
from portal.i18n import localized_name, localized_names

register = template.Library()


@register.filter
def localized(obj, field="name"):
    return localized_name(obj, field)


@register.filter
def localized_list(objects, field="name"):
    return localized_names(objects, field)


@register.filter
def shown_language(obj, field="name"):
    """For ``lang="…"`` on a block holding ``obj``'s ``field`` (e.g. a forum's Markdown description)."""
    return i18n.shown_language(obj, field)
