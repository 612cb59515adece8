"""Subscribing to the newsletter: double opt-in, preferences, unsubscribing, purging old requests.

Every function takes keyword arguments, validates, locks what it must and saves in one
transaction; its e-mails go through the outbox (``portal.outbox.notify``) in the subscriber's
language, links included.
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from newsletter import conf
from newsletter.consent import CONSENT_VERSION
from newsletter.emails import preferences_url
from newsletter.models import Subscriber, SubscriberTopic, Topic
from newsletter.tokens import confirm_token, manage_token
from portal.links import absolute_url
from portal.outbox import notify

# --- Messages (tests assert on these) ----------------------------------------------------------
# --- Messages (tests assert on these) ----------------------------------------------------------
SUBSCRIBE_DONE = _(
    "Thank you. If this address can receive the newsletter, a message with a confirmation link is on "
    "its way to it. The subscription starts when you follow that link."
)
EMAIL_INVALID = _("Enter one e-mail address, like name@example.org.")
EMAIL_SEVERAL = _("Enter only one e-mail address. Everyone who wants the newsletter subscribes for themselves.")
TOPIC_UNKNOWN = _("Choose topics from the list.")
LANGUAGE_UNKNOWN = _("Choose a language from the list.")
CONFIRMED = _("Your subscription is confirmed. The next issue will come to your inbox.")
ALREADY_CONFIRMED = _("Your subscription was already confirmed. Nothing needed to be done.")
CONFIRM_ENDED = _("This subscription has been cancelled. Subscribe again if you want the newsletter.")
LINK_EXPIRED = _("This confirmation link has expired. Subscribe again and you will get a new link.")
LINK_INVALID = _(
    "This link is not valid. Copy the whole link from the message, or subscribe again. Nothing was changed."
)
PREFERENCES_SAVED = _("Your choices are saved.")
UNSUBSCRIBED = _("You have unsubscribed. You will not get the newsletter any more.")
ALREADY_UNSUBSCRIBED = _("This address has already unsubscribed. Nothing was changed.")
ACCOUNT_SUBSCRIBED = _("You now receive the newsletter at %(email)s.")
ACCOUNT_EMAIL_UNVERIFIED = _("Verify your e-mail address in your account first, or subscribe with the form.")

# How often the same address can be sent a confirmation (or "already subscribed") message.
RESEND_WINDOW = dt.timedelta(minutes=15)


# --- Validation helpers -------------------------------------------------------------------------
def normalize_email(value) -> str:
    """One address, trimmed and lower-cased; raises ValidationError with a message for people."""
    value = (value or "").strip()
    if not value or len(value) > 254 or any(sep in value for sep in (",", ";", "\n", "\r", " ", "\t")):
        several = value.count("@") > 1
        raise ValidationError(EMAIL_SEVERAL if several else EMAIL_INVALID, code="invalid")
    try:
        validate_email(value)
    except ValidationError:
        raise ValidationError(EMAIL_INVALID, code="invalid") from None
    return value.lower()


def clean_topics(topics):
    topics = sorted(set(topics or []))
    if any(topic not in Topic.values for topic in topics):
        raise ValidationError(TOPIC_UNKNOWN, code="topic")
    return topics


def clean_language(language):
    if language not in dict(settings.LANGUAGES):
        raise ValidationError(LANGUAGE_UNKNOWN, code="language")
    return language


def _set_topics(subscriber, topics):
    SubscriberTopic.objects.filter(subscriber=subscriber).exclude(topic__in=topics).delete()
    existing = set(SubscriberTopic.objects.filter(subscriber=subscriber).values_list("topic", flat=True))
    SubscriberTopic.objects.bulk_create(
        [SubscriberTopic(subscriber=subscriber, topic=topic) for topic in topics if topic not in existing]
    )


def _window_key(now):
    return int(now.timestamp() // RESEND_WINDOW.total_seconds())


def clean_source(source):
    """Keep the page's path only (evidence of where consent was given), never a foreign URL."""
    source = (source or "").strip()
    if not source.startswith("/") or source.startswith("//"):
        return ""
    return source[:300]


# --- Subscribing --------------------------------------------------------------------------------
def subscriber_subscribe(*, email, language, topics, source="", now=None):
    """Request a subscription: double opt-in with a signed, expiring confirmation link.

    The caller shows ``SUBSCRIBE_DONE`` whatever happened, so the form does not tell anyone
    whether an address is subscribed. A new address gets a pending row and a confirmation
    e-mail; a pending one gets its choices updated and the e-mail again; an active one gets a
    note with its preferences link instead (and nothing changes). Each address gets at most one
    such message per 15 minutes, so the form cannot be used to flood a mailbox.
    """
    email = normalize_email(email)
    language = clean_language(language)
    topics = clean_topics(topics)
    source = clean_source(source)
    now = now or timezone.now()
    for _attempt in range(2):
        try:
            with transaction.atomic():
                return _subscribe_locked(email=email, language=language, topics=topics, source=source, now=now)
        except IntegrityError:
            # Someone else subscribed the same address at the same moment: try once more.
            continue
    raise RuntimeError("Could not subscribe after a concurrent insert.")


def _subscribe_locked(*, email, language, topics, source, now):
    current = Subscriber.objects.select_for_update().filter(email=email, unsubscribed_at__isnull=True).first()
    if current is not None and current.is_active:
        notify(
            key=f"newsletter-already:{current.pk}:{_window_key(now)}",
            to=email,
            template="newsletter-already-subscribed",
            context={"preferences_url": preferences_url(manage_token(current), current.language)},
            language=current.language,
        )
        return current
    if current is None:
        current = Subscriber.objects.create(
            email=email,
            language=language,
            method=Subscriber.Method.DOUBLE_OPT_IN,
            consent_source=source,
            consent_version=CONSENT_VERSION,
            requested_at=now,
        )
    else:
        current.language = language
        current.consent_source = source
        current.consent_version = CONSENT_VERSION
        current.requested_at = now
        current.save(update_fields=["language", "consent_source", "consent_version", "requested_at"])
    _set_topics(current, topics)
    confirm_url = absolute_url("newsletter:confirm", kwargs={"token": confirm_token(current)}, language=language)
    notify(
        key=f"newsletter-confirm:{current.pk}:{_window_key(now)}",
        to=email,
        template="newsletter-confirm",
        context={"confirm_url": confirm_url, "valid_days": conf.confirm_max_age() // 86400},
        language=language,
    )
    return current


def subscriber_subscribe_account(*, user, language, topics, source="", now=None):
    """One click for a signed-in user: their verified e-mail needs no confirmation message.

    allauth has already proved that they read that mailbox, so the subscription starts at once
    (method "account"); a pending request for the same address is confirmed by it.
    """
    from allauth.account.models import EmailAddress

    address = (
        EmailAddress.objects.filter(user=user, verified=True).order_by("-primary", "id").first()
        if user.is_authenticated
        else None
    )
    if address is None:
        raise ValidationError(ACCOUNT_EMAIL_UNVERIFIED, code="unverified")
    email = normalize_email(address.email)
    language = clean_language(language)
    topics = clean_topics(topics)
    now = now or timezone.now()
    with transaction.atomic():
        current = Subscriber.objects.select_for_update().filter(email=email, unsubscribed_at__isnull=True).first()
        if current is not None and current.is_active:
            return current
        if current is None:
            current = Subscriber(email=email, requested_at=now)
        current.language = language
        current.method = Subscriber.Method.ACCOUNT
        current.consent_source = clean_source(source)
        current.consent_version = CONSENT_VERSION
        current.confirmed_at = max(now, current.requested_at)
        current.user = user
        current.save()
        _set_topics(current, topics)
    return current


@dataclass(frozen=True)
class ConfirmResult:
    subscriber: Subscriber | None
    message: str
    ok: bool


def subscriber_confirm(*, subscriber_id, now=None):
    """Confirm a pending subscription (the second step of double opt-in). Idempotent."""
    now = now or timezone.now()
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().filter(pk=subscriber_id).first()
        if subscriber is None:
            return ConfirmResult(None, LINK_INVALID, ok=False)
        if subscriber.unsubscribed_at is not None:
            return ConfirmResult(subscriber, CONFIRM_ENDED, ok=False)
        if subscriber.confirmed_at is not None:
            return ConfirmResult(subscriber, ALREADY_CONFIRMED, ok=True)
        subscriber.confirmed_at = max(now, subscriber.requested_at)
        subscriber.save(update_fields=["confirmed_at"])
    return ConfirmResult(subscriber, CONFIRMED, ok=True)


def subscriber_update_preferences(*, subscriber, language, topics):
    """Change language and topics from the preferences page (no account needed)."""
    language = clean_language(language)
    topics = clean_topics(topics)
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
        if subscriber.unsubscribed_at is not None:
            raise ValidationError(ALREADY_UNSUBSCRIBED, code="unsubscribed")
        subscriber.language = language
        subscriber.save(update_fields=["language"])
        _set_topics(subscriber, topics)
    return subscriber


def subscriber_unsubscribe(*, subscriber, reason, now=None):
    """End a subscription at once. The row stays (dates only) for the year-end indicator.

    Returns True when this call unsubscribed, False when it had already happened.
    """
    now = now or timezone.now()
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
        if subscriber.unsubscribed_at is not None:
            return False
        subscriber.unsubscribed_at = max(now, subscriber.requested_at)
        subscriber.unsubscribe_reason = reason
        subscriber.save(update_fields=["unsubscribed_at", "unsubscribe_reason"])
    return True


def subscribers_purge_unconfirmed(*, now=None):
    """Delete requests never confirmed within the link's validity: they never consented."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(seconds=conf.confirm_max_age()) - dt.timedelta(days=1)
    deleted, _details = Subscriber.objects.pending().filter(requested_at__lt=cutoff).delete()
    return deleted
