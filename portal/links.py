"""Links in e-mails: the one way to make an absolute URL, and the one way to keep links out.

``absolute_url`` is what every e-mail, feed and export uses for a link to the portal: it puts
``SITE_URL`` before a path, or reverses a URL name in the recipient's language (the language
prefix of ``i18n_patterns`` is part of the path)::

    absolute_url("associations:detail", kwargs={"slug": slug}, language=recipient.language)
    absolute_url(event.get_absolute_url())

``without_links`` neutralises web addresses in text a user typed that the portal relays to
someone else by e-mail (a representation request's message): mail programs turn an address
into a link, and a link from a stranger in a message sent by the city is a phishing tool.
"""

import re
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

# A scheme that mail programs turn into a link ("https:", "mailto:"), "//", "www.", or a host name
# ending in a top-level domain, with whatever follows up to the next space.
_LINK = re.compile(
    r"(?:\b(?:https?|ftp|mailto|tel|sms|javascript|data|file):\S*"
    r"|//\S+"
    r"|\bwww\.\S+"
    r"|\b[\w-]+(?:\.[\w-]+)*\.[a-z]{2,24}\b(?:[/:?#]\S*)?)",
    re.IGNORECASE,
)


def absolute_url(path_or_name: str, *, args=None, kwargs=None, language=None) -> str:
    """``SITE_URL`` + a path ("/…"), or + the reversed URL name in ``language`` (default: active)."""
    if path_or_name.startswith(("http://", "https://")):
        return path_or_name
    if path_or_name.startswith("/"):
        return f"{settings.SITE_URL}{path_or_name}"
    with translation.override(language or translation.get_language() or settings.LANGUAGE_CODE):
        return f"{settings.SITE_URL}{reverse(path_or_name, args=args, kwargs=kwargs)}"


def absolute_url_of(obj, *, language=None) -> str:
    """``SITE_URL`` + ``obj.get_absolute_url()`` reversed in ``language`` (default: the site's)."""
    with translation.override(language or settings.LANGUAGE_CODE):
        return f"{settings.SITE_URL}{obj.get_absolute_url()}"


def site_host() -> str:
    """The portal's host name (for iCalendar UIDs, Message-IDs, List-Id)."""
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def without_links(text: str) -> str:
    """``text`` with every web or e-mail address replaced by "[link removed]" (translated)."""
    return _LINK.sub(lambda _match: gettext("[link removed]"), text or "")
