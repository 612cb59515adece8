"""The consent text shown beside every subscription form, and its version.

The version is stored with each subscription as evidence of what the person agreed to. Change
``CONSENT_VERSION`` whenever the meaning of the text changes.
"""

from django.utils.translation import gettext_lazy as _

CONSENT_VERSION = "2026-1"

CONSENT_TEXT = _(
    "I want to receive the association newsletter by e-mail, about four times a year. My e-mail "
    "address, language and topics are used only for sending the newsletter. I can unsubscribe at "
    "any time from a link in every message."
)

PRIVACY_TEXT = _(
    "No tracking: the newsletter has no tracking pixels and its links are not redirected, so we do "
    "not know whether you opened a message or clicked a link."
)
