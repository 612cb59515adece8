"""The portal core's part of "My associations": the account itself, and the e-mails sent to it."""

from allauth.account.models import EmailAddress
from django.utils.translation import gettext_lazy as _

from portal.models import Notification
from portal.registries import my_data, my_data_eraser


def _iso(value):
    return value.isoformat() if value else None


@my_data("portal.account")
def account_data(user):
    return {
        "email": user.email,
        "date_joined": _iso(user.date_joined),
        "last_login": _iso(user.last_login),
        "email_addresses": [
            {"email": a.email, "verified": a.verified, "primary": a.primary}
            for a in EmailAddress.objects.filter(user=user).order_by("email")
        ],
    }


@my_data("portal.emails")
def emails_sent(user):
    """The e-mails the portal queued to the person's address (subject and when; the outbox)."""
    if not user.email:
        return []
    return [
        {"subject": n.subject, "created_at": _iso(n.created_at), "sent_at": _iso(n.sent_at), "language": n.language}
        for n in Notification.objects.filter(to__iexact=user.email)
        .order_by("created_at")
        .only("subject", "created_at", "sent_at", "language")
    ]


@my_data_eraser("portal.emails")
def erase_emails(user):
    if user.email:
        Notification.objects.filter(to__iexact=user.email).delete()
    return []


ACCOUNT_KEPT = _(
    "Your account is closed and your e-mail address and name are erased. An anonymous account "
    "number remains, so that records the city must keep by law can still show that they were made "
    "through the portal."
)


@my_data_eraser("portal.account")
def account_kept(user):
    return [ACCOUNT_KEPT]
