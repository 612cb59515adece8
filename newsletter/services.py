"""The newsletter's rules: subscribing with double opt-in, issues and their reliable sending.

Every function takes keyword arguments, validates, locks what it must and saves in one
transaction; e-mails about subscriptions go through the outbox (``portal.outbox.notify``). The
issue itself is bulk mail with its own ``Delivery`` table (see ``deliveries_send_batch``).
"""

import datetime as dt
import logging
import smtplib
from contextlib import contextmanager
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.mail import get_connection
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db import connection as db_connection
from django.db.models import Max
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from newsletter import conf, selectors
from newsletter.consent import CONSENT_VERSION
from newsletter.emails import IssueRenderer, list_headers, preferences_url, site_url, unsubscribe_url
from newsletter.models import Delivery, Issue, Subscriber, SubscriberTopic, Topic, quarter_end, quarter_start
from newsletter.tokens import confirm_token, manage_token
from portal.outbox import notify
from portal.registries import calendar_items

logger = logging.getLogger(__name__)

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
SUBJECT_ONE_LINE = _("The subject must be a single line of text without control characters.")
ISSUE_NOT_EDITABLE = _("This issue is being sent or has been sent, so it can no longer be changed.")
SCHEDULE_IN_PAST = _("Choose a time in the future.")
SCHEDULE_WRONG_STATE = _("Only a draft or a scheduled issue can be scheduled.")
UNSCHEDULE_WRONG_STATE = _("Only a scheduled issue can be returned to draft.")
NO_RECIPIENTS = _("Nobody would receive this issue: no confirmed subscriber has its language and topics.")
PLANNED_DATE_OUTSIDE_QUARTER = _("The planned date must be within the issue's quarter.")
TRANSLATION_SAME_LANGUAGE = _("A translation must be in another language than the issue it translates.")
TEST_NO_ADDRESSES = _("Enter at least one e-mail address for the test.")
TEST_TOO_MANY = _("A test goes to at most %(max)s addresses. You entered %(count)s.")
TEST_INVALID = _("These are not valid e-mail addresses: %(addresses)s")
TEST_SENT = _("The test was sent to %(addresses)s.")

# How often the same address can be sent a confirmation (or "already subscribed") message.
RESEND_WINDOW = dt.timedelta(minutes=15)

# Refusals of one message or recipient: a 5xx code is final, a 4xx one is tried again. Every
# other SMTP or socket error is about the server or the connection, and stops the batch.
RECIPIENT_ERRORS = (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError)


class TemporarySendFailure(Exception):
    """SMTP is unreachable or busy; the batch stopped and should be tried again later."""


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


def validate_single_line(value):
    """Refuse newlines and other control characters: a subject becomes a mail header."""
    if any(ord(ch) < 32 or ord(ch) == 127 or ch in "\u2028\u2029\x85" for ch in value or ""):
        raise ValidationError(SUBJECT_ONE_LINE, code="header_injection")


def _clean_topics(topics):
    topics = sorted(set(topics or []))
    if any(topic not in Topic.values for topic in topics):
        raise ValidationError(TOPIC_UNKNOWN, code="topic")
    return topics


def _clean_language(language):
    from django.conf import settings

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
    language = _clean_language(language)
    topics = _clean_topics(topics)
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
    with translation.override(language):
        confirm_url = site_url() + reverse("newsletter:confirm", kwargs={"token": confirm_token(current)})
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
    language = _clean_language(language)
    topics = _clean_topics(topics)
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
    language = _clean_language(language)
    topics = _clean_topics(topics)
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


# --- Issues -------------------------------------------------------------------------------------
def issue_validate(*, issue):
    """The rules an issue's fields must keep (used by the admin form and the services)."""
    errors = {}
    try:
        validate_single_line(issue.subject)
    except ValidationError as exc:
        errors["subject"] = exc.messages
    try:
        validate_single_line(issue.preheader)
    except ValidationError as exc:
        errors["preheader"] = exc.messages
    if (
        issue.planned_date
        and issue.year
        and issue.quarter in (1, 2, 3, 4)
        and not quarter_start(issue.year, issue.quarter) <= issue.planned_date < quarter_end(issue.year, issue.quarter)
    ):
        errors["planned_date"] = [PLANNED_DATE_OUTSIDE_QUARTER]
    if issue.translation_of_id and issue.translation_of.language == issue.language:
        errors["translation_of"] = [TRANSLATION_SAME_LANGUAGE]
    if errors:
        raise ValidationError(errors)


KIND_HEADINGS = {
    "grant_application_period": _("Grant application periods"),
    "grant_round": _("Grant application periods"),
    "grant_reporting_deadline": _("Grant reporting deadlines"),
    "association_evening": _("Association evenings and workshops"),
    "workshop": _("Association evenings and workshops"),
    "training": _("Association evenings and workshops"),
    "working_group_meeting": _("Meetings"),
    "sports_parliament": _("Meetings"),
    "meeting": _("Meetings"),
    "event": _("Events of associations"),
    "association_event": _("Events of associations"),
}
# A draft lists at most this many dates under one heading; the rest are on the portal's calendar.
MAX_ITEMS_PER_SECTION = 15
# Kinds that say something new happened (a partnership agreement came into force): listed from
# the three months before the issue, as "since the previous issue".
RECENT_KIND_MARKERS = ("agreement",)


def _format_when(item):
    def fmt(value):
        if isinstance(value, dt.datetime):
            value = timezone.localtime(value)
            return formats.date_format(value, "SHORT_DATETIME_FORMAT")
        return formats.date_format(value, "SHORT_DATE_FORMAT")

    if item.month_only:
        return formats.date_format(item.start, "YEAR_MONTH_FORMAT")
    if item.end and item.end != item.start and not (item.is_all_day and item.end - item.start == dt.timedelta(1)):
        end = item.end - dt.timedelta(days=1) if item.is_all_day else item.end
        return f"{fmt(item.start)}–{fmt(end)}"
    return fmt(item.start)


def _markdown_line(item):
    title = item.title.replace("[", "(").replace("]", ")")
    if item.url:
        url = item.url if item.url.startswith("http") else site_url() + item.url
        title = f"[{title}]({url})"
    line = f"- **{_format_when(item)}** {title}"
    if item.location:
        line += f", {item.location}"
    return line


def issue_draft_body(*, year, quarter, language, planned_date=None, today=None):
    """Markdown for a new issue: the portal's coming dates, grouped, for staff to edit.

    Reads the merged calendar (``portal.registries.calendar_items``) so grant rounds, meetings,
    association evenings and events appear without this app importing the apps that own them.
    """
    today = today or timezone.localdate()
    probe = Issue(year=year, quarter=quarter, planned_date=planned_date)
    start, end = probe.coming_period()
    start = max(start, today)
    look_back = start - dt.timedelta(days=92)
    upcoming = [item for item in calendar_items(start, end) if item.kind != "newsletter"]
    recent = [
        item for item in calendar_items(look_back, start) if any(marker in item.kind for marker in RECENT_KIND_MARKERS)
    ]
    sections = {}
    with translation.override(language):
        for item in upcoming:
            heading = str(KIND_HEADINGS.get(item.kind, _("Other dates")))
            sections.setdefault(heading, []).append(_markdown_line(item))
        lines = [
            gettext("Dear association people,"),
            "",
            gettext(
                "this newsletter gathers what is coming up in the cooperation between the city and "
                "associations in the next three months."
            ),
            "",
        ]
        if recent:
            lines += [f"## {gettext('Since the previous issue')}", ""]
            lines += [_markdown_line(item) for item in recent] + [""]
        if sections:
            for heading, entries in sections.items():
                lines += [f"## {heading}", ""] + entries[:MAX_ITEMS_PER_SECTION]
                if len(entries) > MAX_ITEMS_PER_SECTION:
                    more = len(entries) - MAX_ITEMS_PER_SECTION
                    lines.append(gettext("- … and %(count)s more on the portal's calendar.") % {"count": more})
                lines.append("")
        else:
            lines += [gettext("No dates are on the calendar for these months yet."), ""]
        lines += [
            f"## {gettext('Ask us')}",
            "",
            gettext("The association coordinator answers questions and guides you to the right expert:")
            + f" [{site_url()}{reverse('portal:contacts')}]({site_url()}{reverse('portal:contacts')})",
        ]
    return "\n".join(lines).strip() + "\n"


def issue_assemble_draft(*, year, quarter, language, created_by=None, planned_date=None, today=None):
    """Start a draft from the portal: subject, preheader and a body of the coming dates."""
    language = _clean_language(language)
    with translation.override(language):
        subject = gettext("Association newsletter %(quarter)s/%(year)s") % {"quarter": quarter, "year": year}
        preheader = gettext("Coming up: grant periods, meetings and events")
    issue = Issue(
        subject=subject,
        preheader=preheader,
        language=language,
        year=year,
        quarter=quarter,
        planned_date=planned_date,
        created_by=created_by,
        body=issue_draft_body(year=year, quarter=quarter, language=language, planned_date=planned_date, today=today),
    )
    issue_validate(issue=issue)
    issue.save()
    return issue


def _locked_issue(issue):
    return Issue.objects.select_for_update().get(pk=issue.pk)


def issue_schedule(*, issue, at, by=None, now=None):
    """Set the time an issue goes out. Refused in the past, or when nobody would receive it."""
    now = now or timezone.now()
    if at < now - dt.timedelta(minutes=1):
        raise ValidationError({"scheduled_at": [SCHEDULE_IN_PAST]})
    with transaction.atomic():
        issue = _locked_issue(issue)
        if issue.state not in (Issue.State.DRAFT, Issue.State.SCHEDULED):
            raise ValidationError(SCHEDULE_WRONG_STATE, code="state")
        issue_validate(issue=issue)
        if not selectors.issue_recipients(issue=issue).exists():
            raise ValidationError(NO_RECIPIENTS, code="no_recipients")
        issue.state = Issue.State.SCHEDULED
        issue.scheduled_at = at
        issue._change_reason = f"scheduled by {by}" if by else "scheduled"
        issue.save(update_fields=["state", "scheduled_at", "updated_at"])
    return issue


def issue_unschedule(*, issue, by=None):
    with transaction.atomic():
        issue = _locked_issue(issue)
        if issue.state != Issue.State.SCHEDULED:
            raise ValidationError(UNSCHEDULE_WRONG_STATE, code="state")
        issue.state = Issue.State.DRAFT
        issue.scheduled_at = None
        issue.save(update_fields=["state", "scheduled_at", "updated_at"])
    return issue


def issue_send_now(*, issue, by=None, now=None):
    """Schedule for now and start sending at once (the admin's "Send now")."""
    now = now or timezone.now()
    issue_schedule(issue=issue, at=now, by=by, now=now)
    return issue_start_sending(issue_id=issue.pk, now=now)


def issue_start_sending(*, issue_id, now=None):
    """Scheduled → sending: a Delivery row per recipient, then batch tasks on commit.

    Idempotent: an issue that is not scheduled and due is left alone, and the Delivery rows
    are unique per (issue, subscriber), so starting twice never makes a second row.
    """
    now = now or timezone.now()
    with transaction.atomic():
        issue = Issue.objects.select_for_update().filter(pk=issue_id).first()
        if issue is None or issue.state != Issue.State.SCHEDULED or issue.scheduled_at > now:
            return issue
        recipient_ids = selectors.issue_recipients(issue=issue).values_list("pk", flat=True).order_by("pk")
        Delivery.objects.bulk_create(
            (Delivery(issue=issue, subscriber_id=pk) for pk in recipient_ids.iterator(chunk_size=2000)),
            batch_size=2000,
            ignore_conflicts=True,
        )
        issue.state = Issue.State.SENDING
        issue.sending_started_at = now
        issue.recipient_count = issue.deliveries.count()
        issue.save(update_fields=["state", "sending_started_at", "recipient_count", "updated_at"])
        transaction.on_commit(lambda: enqueue_delivery(issue_id=issue.pk, tasks=conf.parallel_senders()))
    return issue


def enqueue_delivery(*, issue_id, tasks=1):
    """Ask workers to send. A broker outage only delays: the periodic sweep resumes sending."""
    from newsletter.tasks import deliver_issue

    for _n in range(tasks):
        try:
            deliver_issue.delay(issue_id)
        except Exception:  # noqa: BLE001 - broker unreachable; newsletter.tasks.send_due resumes
            logger.warning("Could not reach the Celery broker; issue %s waits for the next sweep.", issue_id)
            return


@dataclass
class BatchResult:
    sent: int = 0
    failed: int = 0
    skipped: int = 0
    deferred: int = 0
    more: bool = False


def deliveries_send_batch(*, issue_id, limit=None, smtp_connection=None):
    """Send up to ``limit`` pending deliveries of an issue over one SMTP connection.

    Exactly-once as far as SMTP allows: each delivery row is claimed with ``SELECT … FOR UPDATE
    SKIP LOCKED`` in its own short transaction, the message is handed to SMTP while the row is
    locked, and the row is marked sent in that same transaction. So:

    - two workers never take the same row (SKIP LOCKED), and the lock needs no lease or timeout:
      it lives exactly as long as the worker's database connection;
    - a worker killed before the SMTP server accepted the message leaves the row pending and
      unlocked (PostgreSQL rolls back the dead connection's transaction), and the retry sends it;
    - a worker killed after the server's "250 OK" but before its COMMIT (well under a millisecond)
      would send that one message again: SMTP has no two-phase commit. We prefer this to the
      opposite order (mark first, then send), which would lose that message instead. Every
      message of an issue to a subscriber has the same Message-ID, so mail programs show such a
      rare repeat once.

    One transaction per message, not per batch: a batch-wide transaction would re-send the whole
    batch after a crash. Those commits are asynchronous on PostgreSQL (see
    ``_delivery_transaction``) unless NEWSLETTER_SYNCHRONOUS_COMMIT is on. Returns a
    BatchResult; ``more`` means pending rows remain.
    """
    limit = limit or conf.batch_size()
    result = BatchResult()
    issue = Issue.objects.filter(pk=issue_id, state=Issue.State.SENDING).first()
    if issue is None:
        return result
    smtp = _SMTP(smtp_connection or get_connection())
    try:
        _send_loop(issue_id=issue_id, renderer=IssueRenderer(issue), smtp=smtp, limit=limit, result=result)
    finally:
        smtp.close()
    if not result.more:
        issue_finish_if_done(issue_id=issue_id)
    return result


class _SMTP:
    """One SMTP connection for the whole batch, opened at the first message only."""

    def __init__(self, connection):
        self.connection = connection
        self.opened = False

    def send(self, message):
        if not self.opened:
            self.connection.open()
            self.opened = True
        message.connection = self.connection
        message.send()

    def close(self):
        if self.opened:
            _close_quietly(self.connection)


@contextmanager
def _delivery_transaction():
    """One delivery's transaction, committed asynchronously on PostgreSQL.

    ``SET LOCAL synchronous_commit TO OFF``: the COMMIT returns before its WAL record reaches
    the disk, one fsync less per message and several times the throughput. ``SET LOCAL`` ends
    with the transaction, so nothing else on the (possibly pooled) connection ever runs with it;
    a batch called inside someone else's transaction leaves that transaction's commit alone. The
    mark is still durable unless PostgreSQL itself crashes in the next moment (at most
    3 × wal_writer_delay, 0.6 s by default): then those few rows would be pending again and
    their messages sent twice. A killed *worker* loses nothing. Set
    NEWSLETTER_SYNCHRONOUS_COMMIT = True to pay the fsync instead.
    """
    quick = db_connection.vendor == "postgresql" and not db_connection.in_atomic_block and not conf.synchronous_commit()
    with transaction.atomic():
        if quick:
            with db_connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        yield


def _send_loop(*, issue_id, renderer, smtp, limit, result):
    while result.sent + result.failed + result.skipped + result.deferred < limit:
        with _delivery_transaction():
            delivery = (
                Delivery.objects.due()
                .filter(issue_id=issue_id)
                .select_for_update(skip_locked=True, of=("self",))
                .select_related("subscriber")
                .order_by("id")
                .first()
            )
            if delivery is None:
                return
            subscriber = delivery.subscriber
            if not subscriber.is_active:
                # Unsubscribed after the issue started: respect it.
                delivery.status = Delivery.Status.SKIPPED
                delivery.save(update_fields=["status"])
                result.skipped += 1
                continue
            message = renderer.message(to=subscriber.email, language=subscriber.language, subscriber_id=subscriber.pk)
            try:
                smtp.send(message)
            except RECIPIENT_ERRORS as exc:
                # This recipient refused: final (5xx) or "try later" (4xx, the row waits with a
                # back-off and the periodic sweep brings it back). The batch goes on.
                _record_refusal(delivery, exc)
                if delivery.status == Delivery.Status.FAILED:
                    result.failed += 1
                else:
                    result.deferred += 1
                continue
            except (smtplib.SMTPException, OSError) as exc:
                # The server or the connection, not this recipient: the row stays as it was (the
                # transaction is rolled back) and the batch is tried again later.
                raise TemporarySendFailure(f"{exc.__class__.__name__}: {exc}") from exc
            delivery.status = Delivery.Status.SENT
            delivery.sent_at = timezone.now()
            delivery.attempts += 1
            delivery.save(update_fields=["status", "sent_at", "attempts"])
            result.sent += 1
    result.more = Delivery.objects.due().filter(issue_id=issue_id).exists()


def _record_refusal(delivery, exc):
    """Note an SMTP refusal on the row: 5xx is final (failed), 4xx is tried again after a while."""
    code = getattr(exc, "smtp_code", None)
    if isinstance(exc, smtplib.SMTPRecipientsRefused) and exc.recipients:
        code = next(iter(exc.recipients.values()))[0]
    delivery.attempts += 1
    delivery.last_error = f"{exc.__class__.__name__}: {exc}"[:500]
    permanent = code is None or code >= 500
    if permanent or delivery.attempts >= conf.max_attempts():
        delivery.status = Delivery.Status.FAILED
        delivery.retry_after = None
    else:
        delivery.retry_after = timezone.now() + dt.timedelta(minutes=min(2**delivery.attempts, 60))
    delivery.save(update_fields=["status", "attempts", "last_error", "retry_after"])


def _close_quietly(connection):
    try:
        connection.close()
    except (smtplib.SMTPException, OSError):
        logger.info("Closing a broken SMTP connection failed; the next batch opens a new one.")


def issue_finish_if_done(*, issue_id, now=None):
    """Sending → sent once no delivery is pending. Safe to call any number of times."""
    with transaction.atomic():
        issue = Issue.objects.select_for_update().filter(pk=issue_id, state=Issue.State.SENDING).first()
        if issue is None or issue.deliveries.filter(status=Delivery.Status.PENDING).exists():
            return False
        issue.state = Issue.State.SENT
        issue.sent_at = now or timezone.now()
        issue.save(update_fields=["state", "sent_at", "updated_at"])
    return True


def issues_send_due(*, now=None, force_resume=False):
    """The periodic sweep: start scheduled issues that are due, and resume stalled sending.

    A sending issue is resumed when its last delivery is older than NEWSLETTER_STALLED_AFTER
    (its worker died and the broker has not yet handed the task to another), or always with
    ``force_resume`` (a worker has just started after a crash).
    """
    now = now or timezone.now()
    started = 0
    for issue_id in Issue.objects.filter(state=Issue.State.SCHEDULED, scheduled_at__lte=now).values_list(
        "pk", flat=True
    ):
        issue_start_sending(issue_id=issue_id, now=now)
        started += 1
    resumed = 0
    stalled_before = now - dt.timedelta(seconds=conf.stalled_after_seconds())
    sending = (
        Issue.objects.filter(state=Issue.State.SENDING)
        .annotate(last_sent=Max("deliveries__sent_at"))
        .values_list("pk", "last_sent", "sending_started_at")
    )
    for issue_id, last_sent, started_at in sending:
        last_progress = max(filter(None, [last_sent, started_at]), default=None)
        if force_resume or last_progress is None or last_progress < stalled_before:
            if Delivery.objects.pending().filter(issue_id=issue_id).exists():
                enqueue_delivery(issue_id=issue_id, tasks=conf.parallel_senders())
            else:
                issue_finish_if_done(issue_id=issue_id)
            resumed += 1
    return {"started": started, "resumed": resumed}


def parse_addresses(text):
    """Split a pasted list of addresses (commas, semicolons, spaces or lines)."""
    for sep in (",", ";", "\r", "\n", "\t"):
        text = (text or "").replace(sep, " ")
    return [part for part in text.split(" ") if part]


def issue_send_test(*, issue, addresses, by=None):
    """Send the issue, marked as a test, to up to NEWSLETTER_MAX_TEST_RECIPIENTS addresses.

    Goes through the outbox (each test message is kept and retried like any other e-mail).
    A test address that is an active subscriber gets its real links; others get links to
    the subscription page. Nothing is sent unless every address is valid.
    """
    if isinstance(addresses, str):
        addresses = parse_addresses(addresses)
    if not addresses:
        raise ValidationError(TEST_NO_ADDRESSES, code="empty")
    maximum = conf.max_test_recipients()
    if len(addresses) > maximum:
        raise ValidationError(TEST_TOO_MANY, code="too_many", params={"max": maximum, "count": len(addresses)})
    cleaned, invalid = [], []
    for address in addresses:
        try:
            cleaned.append(normalize_email(address))
        except ValidationError:
            invalid.append(address[:80])
    if invalid:
        raise ValidationError(TEST_INVALID, code="invalid", params={"addresses": ", ".join(invalid[:5])})
    issue_validate(issue=issue)
    cleaned = list(dict.fromkeys(cleaned))
    subscribers = {s.email: s for s in Subscriber.objects.active().filter(email__in=cleaned)}
    stamp = timezone.now().strftime("%Y%m%d%H%M%S%f")
    from newsletter.emails import body_html

    html = body_html(issue)
    with transaction.atomic():
        for address in cleaned:
            subscriber = subscribers.get(address)
            language = subscriber.language if subscriber else issue.language
            if subscriber:
                token = manage_token(subscriber)
                unsubscribe, preferences = unsubscribe_url(token, language), preferences_url(token, language)
            else:
                with translation.override(language):
                    unsubscribe = preferences = site_url() + reverse("newsletter:subscribe")
            with translation.override(issue.language):
                web_url = site_url() + issue.get_absolute_url()
            notify(
                key=f"newsletter-test:{issue.pk}:{stamp}:{address}",
                to=address,
                template="newsletter-issue",
                context={
                    "issue": issue,
                    "body_html": html,
                    "web_url": web_url,
                    "unsubscribe_url": unsubscribe,
                    "preferences_url": preferences,
                    "test": True,
                    "reader_language": language,
                },
                language=language,
                headers=list_headers(unsubscribe=unsubscribe),
            )
    return cleaned


def subscribers_purge_unconfirmed(*, now=None):
    """Delete requests never confirmed within the link's validity: they never consented."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(seconds=conf.confirm_max_age()) - dt.timedelta(days=1)
    deleted, _details = Subscriber.objects.pending().filter(requested_at__lt=cutoff).delete()
    return deleted
