"""The main navigation, in order.

Every entry must reverse: a renamed or missing URL name raises ``NoReverseMatch`` (every page
fails, and so does ``tests/portal/test_navigation.py``) instead of quietly dropping the entry
from the menu. A new service adds its entry here in the same change that adds its URL.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

MAIN_NAV = [
    ("associations:directory", _("Associations")),
    ("associations:event-list", _("Events")),
    ("grants:round-list", _("Grants")),
    ("facilities:facility-list", _("Facilities")),
    ("annualclock:year", _("Annual clock")),
    ("associations:agreement-list", _("Partnership agreements")),
    ("associations:hearing-list", _("Hearings")),
    ("associations:cooperation:index", _("Cooperation")),
    ("newsletter:archive", _("Newsletter")),
]
# Portal's own pages, shown after the services.
PORTAL_NAV = [
    ("portal:contacts", _("Who do I ask?")),
    ("portal:forums", _("Forums and networks")),
]


def nav_items(path=""):
    """The menu with the current section marked: the entry whose address is the longest
    prefix of ``path`` (so /associations/events/ marks Events, not Associations)."""
    items = []
    for url_name, label in [("portal:home", _("Home")), *MAIN_NAV, *PORTAL_NAV]:
        items.append({"url": reverse(url_name), "label": label, "url_name": url_name, "current": False})
    home, *sections = items
    matches = [item for item in sections if path.startswith(item["url"])]
    if matches:
        max(matches, key=lambda item: len(item["url"]))["current"] = True
    elif path == home["url"]:
        home["current"] = True
    return items
