"""The newsletter's settings, with defaults that suit Pori. Override any in portal/settings.py."""

from django.conf import settings


def confirm_max_age():
    """Seconds a confirmation link stays valid (default a week)."""
    return getattr(settings, "NEWSLETTER_CONFIRM_MAX_AGE", 7 * 24 * 3600)


def batch_size():
    """Messages one task sends over one SMTP connection before it hands over to a fresh task."""
    return getattr(settings, "NEWSLETTER_BATCH_SIZE", 500)


def parallel_senders():
    """How many batch tasks work on one issue at once (each with its own SMTP connection)."""
    return getattr(settings, "NEWSLETTER_PARALLEL_SENDERS", 2)


def max_attempts():
    """Attempts per delivery before it is marked failed (temporary SMTP errors are retried)."""
    return getattr(settings, "NEWSLETTER_MAX_ATTEMPTS", 5)


def stalled_after_seconds():
    """A sending issue without progress for this long is resumed by the periodic sweep."""
    return getattr(settings, "NEWSLETTER_STALLED_AFTER", 120)


def synchronous_commit():
    """Wait for the disk at every delivery mark (see services._delivery_transaction). Off by default."""
    return getattr(settings, "NEWSLETTER_SYNCHRONOUS_COMMIT", False)


def from_email():
    return getattr(settings, "NEWSLETTER_FROM_EMAIL", settings.DEFAULT_FROM_EMAIL)


def unsubscribe_mailbox():
    """The mailto: target of List-Unsubscribe: a mailbox staff read (the coordinator's by default).

    The portal receives no e-mail, so a request sent there is handled by staff in the admin
    ("Unsubscribe" action); the one-click URL beside it works without anyone.
    """
    return getattr(settings, "NEWSLETTER_UNSUBSCRIBE_MAILBOX", settings.CITY_PROFILE["coordinator_email"])


def max_test_recipients():
    return getattr(settings, "NEWSLETTER_MAX_TEST_RECIPIENTS", 10)
