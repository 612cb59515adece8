"""Preparing an issue: its rules, a draft from the portal's calendar, scheduling, test sends.

The draft reads the merged calendar (``portal.registries.calendar_items``), so grant rounds,
meetings and events appear without this app importing the apps that own them.
"""

import datetime as dt
import hashlib

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from newsletter import conf, selectors
from newsletter.emails import body_html, issue_url, list_headers, preferences_url, subscribe_url, unsubscribe_url
from newsletter.models import Issue, Subscriber, quarter_end, quarter_start
from newsletter.services.subscriptions import clean_language, normalize_email
from newsletter.tokens import manage_token
from portal.links import absolute_url
from portal.outbox import notify
from portal.registries import calendar_items

# --- Messages (tests assert on these) ----------------------------------------------------------
SUBJECT_ONE_LINE = _("The subject must be a single line of text without control characters.")
ISSUE_NOT_EDITABLE = _("This issue is being sent or has been sent, so it can no longer be changed.")
SCHEDULE_IN_PAST = _("Choose a time in the future.")
SCHEDULE_WRONG_STATE = _("Only a draft or a scheduled issue can be scheduled.")
UNSCHEDULE_WRONG_STATE = _("Only a scheduled issue can be returned to draft.")
NUMBER_TAKEN = _("Issue %(number)s in this language has already been scheduled or sent. Give this one another quarter.")
NO_RECIPIENTS = _("Nobody would receive this issue: no confirmed subscriber has its language and topics.")
PLANNED_DATE_OUTSIDE_QUARTER = _("The planned date must be within the issue's quarter.")
TRANSLATION_SAME_LANGUAGE = _("A translation must be in another language than the issue it translates.")
TEST_NO_ADDRESSES = _("Enter at least one e-mail address for the test.")
TEST_TOO_MANY = _("A test goes to at most %(max)s addresses. You entered %(count)s.")
TEST_INVALID = _("These are not valid e-mail addresses: %(addresses)s")
TEST_SENT = _("The test was sent to %(addresses)s.")
TEST_ALREADY_SENT = _("This version was already sent to %(addresses)s. Change the issue to send a new test.")


def validate_single_line(value):
    """Refuse newlines and other control characters: a subject becomes a mail header."""
    if any(ord(ch) < 32 or ord(ch) == 127 or ch in "\u2028\u2029\x85" for ch in value or ""):
        raise ValidationError(SUBJECT_ONE_LINE, code="header_injection")


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


def without_replaced(items):
    """The calendar as the annual clock shows it: a plan entry another app's dated item now stands
    for (``replaced_by_uid``) is left out when that item is there (as ``annualclock.selectors``)."""
    uids = {item.uid for item in items}
    return [item for item in items if item.extra.get("replaced_by_uid") not in uids]


def markdown_line(item):
    """One calendar item as a Markdown list line: its date in the active language, title, place."""
    title = item.title.replace("[", "(").replace("]", ")")
    if item.url:
        url = absolute_url(item.url)
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
    upcoming = [item for item in without_replaced(calendar_items(start, end)) if item.kind != "newsletter"]
    recent = [
        item for item in calendar_items(look_back, start) if any(marker in item.kind for marker in RECENT_KIND_MARKERS)
    ]
    sections = {}
    with translation.override(language):
        for item in upcoming:
            heading = str(KIND_HEADINGS.get(item.kind, _("Other dates")))
            sections.setdefault(heading, []).append(markdown_line(item))
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
            # Outside the f-string, so that makemessages finds the msgid (it did not: the Finnish
            # draft had English headings).
            since_heading = gettext("Since the previous issue")
            lines += [f"## {since_heading}", ""]
            lines += [markdown_line(item) for item in recent] + [""]
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
            "## " + gettext("Ask us"),
            "",
            gettext("The association coordinator answers questions and guides you to the right expert:")
            + " [{url}]({url})".format(url=absolute_url("portal:contacts", language=language)),
        ]
    return "\n".join(lines).strip() + "\n"


def issue_assemble_draft(*, year, quarter, language, created_by=None, planned_date=None, today=None):
    """Start a draft from the portal: subject, preheader and a body of the coming dates."""
    language = clean_language(language)
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
        # The number (quarter/year) names the issue and is its address: one per language goes out.
        taken = Issue.objects.exclude(pk=issue.pk).exclude(state=Issue.State.DRAFT)
        if taken.filter(language=issue.language, year=issue.year, quarter=issue.quarter).exists():
            raise ValidationError(NUMBER_TAKEN, code="number_taken", params={"number": issue.quarter_label})
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


def parse_addresses(text):
    """Split a pasted list of addresses (commas, semicolons, spaces or lines)."""
    for sep in (",", ";", "\r", "\n", "\t"):
        text = (text or "").replace(sep, " ")
    return [part for part in text.split(" ") if part]


def issue_send_test(*, issue, addresses, by=None):
    """Send the issue, marked as a test, to up to NEWSLETTER_MAX_TEST_RECIPIENTS addresses.

    Goes through the outbox (each test message is kept and retried like any other e-mail).
    A test address that is an active subscriber gets its real links; others get links to
    the subscription page. Nothing is sent unless every address is valid. The outbox key names
    the issue's text (``_issue_version``), so the same version goes to an address once; returns
    the addresses it was queued for now.
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
    version = _issue_version(issue)
    html = body_html(issue)
    queued = []
    with transaction.atomic():
        for address in cleaned:
            subscriber = subscribers.get(address)
            language = subscriber.language if subscriber else issue.language
            if subscriber:
                token = manage_token(subscriber)
                unsubscribe, preferences = unsubscribe_url(token, language), preferences_url(token, language)
            else:
                unsubscribe = preferences = subscribe_url(language)
            web_url = issue_url(issue)
            row = notify(
                key=f"newsletter-test:{issue.pk}:{version}:{address}",
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
            if row is not None:
                queued.append(address)
    return queued


def _issue_version(issue) -> str:
    """A digest of what a reader sees: a test of the same text to the same address is one e-mail."""
    text = "\x00".join([issue.language, issue.subject, issue.preheader, issue.body])
    return hashlib.sha256(text.encode()).hexdigest()[:16]
