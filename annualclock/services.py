"""Writes of the annual clock: the year plan, meetings, invitations, answers and reminders.

Each function validates, locks what it must, saves, leaves an audit trail (django-simple-history,
with the acting user) and queues its e-mails in the outbox — in one transaction.
"""

import datetime as dt
import hashlib
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from annualclock.models import (
    INVITATION_LEAD_TIME,
    ClockEntry,
    Meeting,
    MeetingInvitation,
    MeetingResponse,
)
from annualclock.tokens import make_answer_token
from associations.models import Association
from portal import registries
from portal.links import absolute_url
from portal.outbox import change_key, notify, recipient_language

MEETING_STARTS_TOO_SOON = _(
    "This meeting starts in less than 7 days (%(lead)s from now): invitations should go out at least 7 days ahead."
)
MEETING_HAS_STARTED = _("The meeting has already started: invitations and reminders can no longer be sent.")
MEETING_NO_AUDIENCE = _("Choose whom to invite before sending invitations.")
MEETING_UNKNOWN_AUDIENCE = _("The audience “%(audience)s” is not available. Choose another one.")
ANSWER_REQUIRED = _("Choose whether you attend.")
ANSWER_CLOSED = _("Answers to this meeting closed when it started.")
ANSWER_NEEDS_PEOPLE = _("Tell how many people will come (at least one).")
ANSWER_TOO_MANY_PEOPLE = _("The meeting is full for that many: %(left)s places are left.")
ANSWER_MEETING_FULL = _("The meeting is full: no places are left.")


def _set_history_user(obj, user):
    if user is not None and getattr(user, "is_authenticated", False):
        obj._history_user = user


# --- The year plan ------------------------------------------------------------------------


@dataclass(frozen=True)
class CopyResult:
    created: int
    skipped: int


def _next_year_title(title, year):
    """ "Yhdistysuutiskirje 1/2026" → "Yhdistysuutiskirje 1/2027": only the whole year number changes."""
    return re.sub(rf"(?<!\d){year}(?!\d)", str(year + 1), title)


def clock_entries_copy_to_next_year(*, entries, by=None) -> CopyResult:
    """Make next year's draft plan from the given entries: same month, no exact dates, unpublished.

    Idempotent: an entry already copied is skipped (and a unique constraint on ``copied_from``
    holds that even when two staff members click at the same time).
    """
    created = skipped = 0
    with transaction.atomic():
        for entry in ClockEntry.objects.filter(pk__in=entries.values("pk")).select_for_update().order_by("pk"):
            if entry.copies.exists():
                skipped += 1
                continue
            copy = ClockEntry(
                year=entry.year + 1,
                month=entry.month,
                kind=entry.kind,
                title=_next_year_title(entry.title, entry.year),
                description=entry.description,
                audience=entry.audience,
                link=entry.link,
                state=ClockEntry.State.DRAFT,
                copied_from=entry,
            )
            copy.full_clean()
            _set_history_user(copy, by)
            try:
                with transaction.atomic():
                    copy.save()
            except IntegrityError:
                skipped += 1
                continue
            created += 1
    return CopyResult(created=created, skipped=skipped)


def clock_entries_publish(*, entries, by=None) -> int:
    """Publish draft entries (each saved, so the history records who published)."""
    count = 0
    with transaction.atomic():
        drafts = ClockEntry.objects.filter(pk__in=entries.values("pk"), state=ClockEntry.State.DRAFT)
        for entry in drafts.select_for_update().order_by("pk"):
            entry.state = ClockEntry.State.PUBLISHED
            _set_history_user(entry, by)
            entry.save(update_fields=["state", "updated_at"])
            count += 1
    return count


def clock_entries_match_sources(*, entries, by=None) -> int:
    """Let the dated items other apps publish stand for plan entries: no date is typed twice.

    A plan entry is matched with an item of the same kind that another app's calendar source
    (a grant round, a newsletter issue) places in the entry's month — only when exactly one
    such item is free, so nothing is guessed; an entry that has its own date is matched only with an
    item on that day (the operating-grant call of 7.1. is not another round closing on 26.1.).
    Returns how many entries were matched.
    """
    matched = 0
    with transaction.atomic():
        rows = list(
            ClockEntry.objects.filter(pk__in=entries.values("pk"), replaced_by_uid="", meeting__isnull=True)
            .select_for_update(of=("self",))
            .order_by("year", "month", "pk")
        )
        if not rows:
            return 0
        years = [row.year for row in rows]
        # Only items of the entries' kinds can match: sources of other kinds (thousands of
        # association events) are not asked.
        items = registries.calendar_items(
            dt.date(min(years), 1, 1), dt.date(max(years) + 1, 1, 1), kinds={row.kind for row in rows}
        )
        taken = set(ClockEntry.objects.exclude(replaced_by_uid="").values_list("replaced_by_uid", flat=True))
        free = {}
        for item in items:
            if item.source.startswith("annualclock.") or item.uid in taken:
                continue
            start = timezone.localtime(item.start).date() if isinstance(item.start, dt.datetime) else item.start
            free.setdefault((start.year, start.month, item.kind), []).append((start, item))
        for entry in rows:
            candidates = free.get((entry.year, entry.month, entry.kind), [])
            if entry.start_date is not None:
                candidates = [pair for pair in candidates if pair[0] == entry.start_date]
            if len(candidates) != 1:
                continue
            _start, item = candidates[0]
            free[(entry.year, entry.month, entry.kind)].remove(candidates[0])
            entry.replaced_by_uid = item.uid
            _set_history_user(entry, by)
            entry.save(update_fields=["replaced_by_uid", "updated_at"])
            matched += 1
    return matched


# --- Meetings -------------------------------------------------------------------------------


def _lead_text(lead: dt.timedelta) -> str:
    from django.utils.timesince import timeuntil

    now = timezone.now()
    return timeuntil(now + lead, now) if lead.total_seconds() > 0 else "0"


# A change to these after the invitations went out is mailed to everyone invited.
NOTIFIED_FIELDS = ("starts_at", "ends_at", "place", "online_url")


@dataclass(frozen=True)
class MeetingSaveResult:
    warnings: list
    change_mailed_to: int = 0  # how many invited addresses were told that the meeting moved


def meeting_save(*, meeting: Meeting, by=None, now=None) -> MeetingSaveResult:
    """Validate and save a meeting (new or changed), and say what staff should know.

    Seed 003: invitations go out at least 7 days ahead. A meeting saved uninvited that
    starts sooner cannot meet the rule any more, and staff are told so at once. When an
    invited meeting moves (time, place, link) before it starts, everyone invited is told.
    """
    now = now or timezone.now()
    meeting.full_clean()
    if meeting._state.adding and meeting.created_by_id is None and by is not None and by.is_authenticated:
        meeting.created_by = by
    _set_history_user(meeting, by)
    with transaction.atomic():
        before = None
        if meeting.pk is not None:
            before = Meeting.objects.select_for_update().filter(pk=meeting.pk).values(*NOTIFIED_FIELDS).first()
        meeting.save()
        changed = before is not None and any(before[f] != getattr(meeting, f) for f in NOTIFIED_FIELDS)
        mailed = 0
        if changed and meeting.invited_at is not None and not meeting.has_started(now):
            mailed = _notify_change(meeting)
    warnings = []
    lead = meeting.starts_at - now
    if meeting.invited_at is None and dt.timedelta(0) < lead < INVITATION_LEAD_TIME:
        warnings.append(MEETING_STARTS_TOO_SOON % {"lead": _lead_text(lead)})
    return MeetingSaveResult(warnings=warnings, change_mailed_to=mailed)


def _by_address(invitations):
    """Invitations grouped by address, in order: a person answering for several associations
    gets one e-mail that lists each of them."""
    grouped = {}
    for invitation in invitations:
        grouped.setdefault(invitation.email, []).append(invitation)
    return grouped


def _notify_change(meeting):
    """Tell everyone invited that the meeting moved. One e-mail per address per saved change."""
    change = change_key(meeting, f"annualclock-meeting-{meeting.pk}-changed")
    queued = 0
    invitations = meeting.invitations.select_related("association").order_by("email", "pk")
    for email, group in _by_address(invitations).items():
        language = recipient_language(group[0].language)
        queued += (
            notify(
                key=f"{change}:{group[0].pk}",
                to=email,
                template="annualclock-meeting-changed",
                context=_meeting_email_context(meeting, invitations=group, language=language),
                language=language,
            )
            is not None
        )
    return queued


@dataclass(frozen=True)
class InvitationResult:
    invited: int
    already_invited: int
    lead_time: dt.timedelta
    late: bool


def _answer_links(meeting, invitation, language):
    """The signed answer links of one association's invitation, in the e-mail's language."""
    token = make_answer_token(meeting=meeting, association_id=invitation.association_id, invitation_id=invitation.pk)
    answer_url = absolute_url("annualclock:answer", kwargs={"token": token}, language=language)
    return {
        "association": invitation.association,
        "answer_url": answer_url,
        "attending_url": f"{answer_url}?answer={MeetingResponse.Answer.ATTENDING}",
        "not_attending_url": f"{answer_url}?answer={MeetingResponse.Answer.NOT_ATTENDING}",
    }


def _meeting_email_context(meeting, *, invitations=(), language):
    """The meeting's facts and, for each association the invitations answer for, its answer links.

    ``answers`` lists every association; the first one's keys are also at the top level for the
    e-mails that speak of one association (the reminder).
    """
    with translation.override(language):
        context = {
            "meeting": meeting,
            "forum": meeting.forum,
            "starts_at": timezone.localtime(meeting.starts_at),
            "ends_at": timezone.localtime(meeting.ends_at),
            "meeting_url": absolute_url(meeting.get_absolute_url()),
            "association": None,
        }
        answers = [_answer_links(meeting, inv, language) for inv in invitations if inv.association_id]
        context["answers"] = answers
        if answers:
            context.update(answers[0])
    return context


def meeting_invite(*, meeting: Meeting, by=None, now=None) -> InvitationResult:
    """Invite the meeting's audience by e-mail through the outbox.

    One invitation per association (a partial unique constraint; a person without an association
    is invited once per address), so sending again — also after the audience was changed to one
    that lists the association under another address — only reaches those not yet invited. A
    person who answers for several associations gets one e-mail with an answer link for each.
    The first sending records the lead time and whether the 7-day rule (seed 003) was met.
    """
    now = now or timezone.now()
    if not meeting.audience:
        raise ValidationError(MEETING_NO_AUDIENCE, code="no_audience")
    if meeting.audience not in dict(registries.recipient_list_choices()):
        raise ValidationError(MEETING_UNKNOWN_AUDIENCE, code="unknown_audience", params={"audience": meeting.audience})
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().select_related("forum").get(pk=meeting.pk)
        if meeting.has_started(now):
            raise ValidationError(MEETING_HAS_STARTED, code="started")
        recipients = registries.recipients(meeting.audience)
        associations = Association.objects.in_bulk({r.association_id for r in recipients if r.association_id})
        earlier = list(meeting.invitations.values_list("association_id", "email"))
        invited_associations = {association_id for association_id, _email in earlier if association_id}
        invited_people = {email for association_id, email in earlier if not association_id}
        created, names, already = [], {}, 0
        for recipient in recipients:
            email = recipient.email.strip().lower()
            association = associations.get(recipient.association_id)
            if association is not None:
                if association.pk in invited_associations:
                    already += 1
                    continue
                invited_associations.add(association.pk)
            else:
                if email in invited_people:
                    already += 1
                    continue
                invited_people.add(email)
            created.append(
                MeetingInvitation.objects.create(
                    meeting=meeting,
                    email=email,
                    name=recipient.name[:200],
                    language=recipient_language(recipient.language),
                    association=association,
                    audience=meeting.audience,
                    invited_at=now,
                )
            )
            names.setdefault(email, recipient.name)
        for email, group in _by_address(created).items():
            language = group[0].language
            notify(
                key=f"annualclock-meeting-{meeting.pk}-invitation-{group[0].pk}",
                to=email,
                template="annualclock-meeting-invitation",
                context={
                    **_meeting_email_context(meeting, invitations=group, language=language),
                    "name": names[email] if len(group) == 1 else "",
                },
                language=language,
            )
        if meeting.invited_at is None:
            meeting.invited_at = now
            meeting.invitation_lead_time = meeting.starts_at - now
            meeting.invited_late = meeting.invitation_lead_time < INVITATION_LEAD_TIME
            _set_history_user(meeting, by)
            meeting.save(update_fields=["invited_at", "invitation_lead_time", "invited_late", "updated_at"])
    return InvitationResult(
        invited=len(created),
        already_invited=already,
        lead_time=meeting.invitation_lead_time,
        late=meeting.invited_late,
    )


def meeting_remind_silent(*, meeting: Meeting, by=None, now=None) -> int:
    """Remind the invited associations that have not answered. Returns how many e-mails were queued.

    One reminder per invitation per day: the outbox key carries the date, so a second click
    the same day mails nobody twice.
    """
    now = now or timezone.now()
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().select_related("forum").get(pk=meeting.pk)
        if meeting.has_started(now):
            raise ValidationError(MEETING_HAS_STARTED, code="started")
        answered = set(meeting.responses.values_list("association_id", flat=True))
        silent = (
            meeting.invitations.filter(association__isnull=False)
            .exclude(association_id__in=answered)
            .select_related("association")
        )
        today = timezone.localdate(now).isoformat()
        queued = 0
        for invitation in silent:
            language = recipient_language(invitation.language)
            row = notify(
                key=f"annualclock-meeting-{meeting.pk}-reminder-{invitation.pk}-{today}",
                to=invitation.email,
                template="annualclock-meeting-reminder",
                context=_meeting_email_context(meeting, invitations=[invitation], language=language),
                language=language,
            )
            queued += row is not None
    return queued


def _email_key(email):
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:16]


REMINDERS_FROM_HOUR = 8  # local time: nobody is mailed at night, even though beat runs hourly


def meetings_send_day_before_reminders(*, now=None) -> int:
    """The day before a meeting, remind those who said they attend. Idempotent by outbox key.

    Reminded: everyone invited on behalf of an attending association and whoever answered.
    """
    now = now or timezone.now()
    if timezone.localtime(now).hour < REMINDERS_FROM_HOUR:
        return 0
    tomorrow = timezone.localdate(now) + dt.timedelta(days=1)
    tz = timezone.get_current_timezone()
    window_start = dt.datetime.combine(tomorrow, dt.time.min, tzinfo=tz)
    window_end = window_start + dt.timedelta(days=1)
    meetings = (
        Meeting.objects.filter(starts_at__gte=max(window_start, now), starts_at__lt=window_end)
        .select_related("forum")
        .prefetch_related("invitations", "responses__association", "responses__answered_by")
    )
    queued = 0
    with transaction.atomic():
        for meeting in meetings:
            invitations_by_association = {}
            for invitation in meeting.invitations.all():
                invitations_by_association.setdefault(invitation.association_id, []).append(invitation)
            for response in meeting.responses.all():
                if response.answer != MeetingResponse.Answer.ATTENDING:
                    continue
                invited = invitations_by_association.get(response.association_id, [])
                addresses = {invitation.email: invitation.language for invitation in invited}
                for email in (response.answered_by_email, getattr(response.answered_by, "email", "")):
                    if email:
                        addresses.setdefault(email.strip().lower(), "")
                for email, language in sorted(addresses.items()):
                    language = recipient_language(language)
                    row = notify(
                        key=f"annualclock-meeting-{meeting.pk}-day-before-{response.association_id}-{_email_key(email)}",
                        to=email,
                        template="annualclock-meeting-day-before",
                        context={
                            **_meeting_email_context(meeting, language=language),
                            "association": response.association,
                            "response": response,
                        },
                        language=language,
                    )
                    queued += row is not None
    return queued


# --- Answers (RSVP) ---------------------------------------------------------------------------


def meeting_answer_submit(
    *,
    meeting: Meeting,
    association: Association,
    answer: str,
    attendees: int = 0,
    names: str = "",
    channel: str,
    user=None,
    email: str = "",
    now=None,
) -> MeetingResponse:
    """Record an association's answer: attending (how many, names optional) or cannot attend.

    One answer per association and meeting (a unique constraint); answering again changes it.
    The meeting row is locked, so two associations taking the last places at the same moment
    cannot together exceed the capacity. Answers close when the meeting starts.
    """
    now = now or timezone.now()
    if answer not in MeetingResponse.Answer.values:
        raise ValidationError(ANSWER_REQUIRED, code="answer")
    attending = answer == MeetingResponse.Answer.ATTENDING
    if attending and (attendees is None or attendees < 1):
        raise ValidationError(ANSWER_NEEDS_PEOPLE, code="attendees")
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if meeting.has_started(now):
            raise ValidationError(ANSWER_CLOSED, code="closed")
        if attending and meeting.capacity is not None:
            taken = (
                meeting.responses.filter(answer=MeetingResponse.Answer.ATTENDING)
                .exclude(association=association)
                .aggregate(total=Sum("attendees"))["total"]
                or 0
            )
            left = max(meeting.capacity - taken, 0)
            if attendees > left:
                if left == 0:
                    raise ValidationError(ANSWER_MEETING_FULL, code="full")
                raise ValidationError(ANSWER_TOO_MANY_PEOPLE, code="capacity", params={"left": left})
        response = MeetingResponse.objects.filter(meeting=meeting, association=association).first()
        if response is None:
            response = MeetingResponse(meeting=meeting, association=association)
        response.answer = answer
        response.attendees = attendees if attending else 0
        response.names = names.strip() if attending else ""
        response.channel = channel
        response.answered_by = user if user is not None and user.is_authenticated else None
        response.answered_by_email = email
        _set_history_user(response, user)
        response.save()
    return response
