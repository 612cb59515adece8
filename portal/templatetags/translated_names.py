"""City-managed names in the active language, marking a Finnish fallback with ``lang``.

``{{ topic|localized }}``, ``{{ forum|localized:"description" }}``, ``{{ areas|localized_list }}``,
``<h1{% written_lang %}>`` on text written only in the city's language.
"""

from django import template
from django.utils.html import conditional_escape, format_html

from portal import i18n
from portal.i18n import localized_name, localized_names

register = template.Library()


@register.filter
def localized(obj, field="name"):
    return localized_name(obj, field)


@register.filter
def localized_list(objects, field="name"):
    return localized_names(objects, field)


@register.simple_tag
def written_lang():
    """`` lang="fi"`` on text staff write in the city's own language only (the annual clock's plan
    entries, meeting titles and agendas) when the page is in another language; else nothing."""
    return i18n.written_lang_attribute()


@register.filter
def written_in(value, language):
    """``value`` as HTML, in ``<span lang="…">`` when written in ``language`` and the page is in another."""
    attribute = i18n.written_lang_attribute(language) if language else ""
    return format_html("<span{}>{}</span>", attribute, value) if attribute else conditional_escape(value)


@register.filter
def shown_language(obj, field="name"):
    """For ``lang="…"`` on a block holding ``obj``'s ``field`` (e.g. a forum's Markdown description)."""
    return i18n.shown_language(obj, field)
