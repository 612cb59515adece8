"""The main navigation, in order. An entry whose URL does not exist (yet) is left out."""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

MAIN_NAV = [
    ("associations:directory", _("Associations")),
    ("associations:event-list", _("Events")),
    ("grants:round-list", _("Grants")),
    ("facilities:facility-list", _("Facilities")),
    ("annualclock:year", _("Annual clock")),
    ("associations:agreement-list", _("Partnership agreements")),
    ("newsletter:archive", _("Newsletter")),
]


def nav_items():
    items = []
    for url_name, label in MAIN_NAV:
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue
        items.append({"url": url, "label": label, "namespace": url_name.split(":")[0]})
    return items
