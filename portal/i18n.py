"""The language switcher: the chosen language's address for the page the visitor was on."""

from django.conf import settings
from django.utils import translation
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
