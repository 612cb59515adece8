"""The language switcher: the chosen language's address for the page the visitor was on."""

from django.conf import settings
from django.utils import translation
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.views.i18n import set_language as django_set_language


def prefix_language(path: str) -> str | None:
    """The language code of a ``/fi/…`` path's prefix, or None when it has none."""
    first = path.lstrip("/").split("/", 1)[0]
    codes = {code for code, _name in settings.LANGUAGES}
    return first if first in codes else None


def set_language(request):
    """Django's ``set_language``, resolving ``next`` in the language of its own prefix.

    Django translates ``next`` with ``translate_url``, which resolves the path in the *active*
    language. ``/i18n/setlang/`` sits outside ``i18n_patterns``, so the active language comes from
    the browser's Accept-Language: an en-US browser on ``/fi/…`` could not resolve ``/fi/…``
    under the ``en/`` prefix, and Django sent it back to the Finnish page.
    """
    source = request.POST.get("next", request.GET.get("next", ""))
    language = prefix_language(source.split("?", 1)[0]) or translation.get_language()
    with translation.override(language):
        return django_set_language(request)


def localized_name(obj, field="name"):
    """``obj``'s translated ``field`` as HTML: a value that fell back to the city's own language
    because the active language has none is wrapped in ``<span lang="fi">`` for screen readers."""
    if obj is None:
        return ""
    value = getattr(obj, field, "")
    if not value:
        return ""
    language = (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
    fallback = settings.MODELTRANSLATION_DEFAULT_LANGUAGE
    column = f"{field}_{language}"
    if language != fallback and hasattr(obj, column) and not getattr(obj, column):
        return format_html('<span lang="{}">{}</span>', fallback, value)
    return conditional_escape(value)


def localized_names(objects, field="name", separator=", "):
    """Several objects' names, each as ``localized_name``, joined (HTML)."""
    return mark_safe(conditional_escape(separator).join(localized_name(obj, field) for obj in objects))  # noqa: S308


def shown_language(obj, field="name"):
    """The language ``obj``'s ``field`` is shown in: the active one, or the city's own as a fallback."""
    language = (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
    column = f"{field}_{language}"
    if hasattr(obj, column) and not getattr(obj, column):
        return settings.MODELTRANSLATION_DEFAULT_LANGUAGE
    return language


def written_lang_attribute(written_in=None):
    """`` lang="…"`` (HTML) for text written in ``written_in`` (default: the city's own language)
    when the active language is another one, so screen readers read it right; else ""."""
    written_in = (written_in or settings.LANGUAGE_CODE).split("-")[0]
    language = (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
    return format_html(' lang="{}"', written_in) if written_in != language else ""
