"""Meetings: invitations at least 7 days ahead, answers per association, reminders — all through the outbox."""

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from annualclock import tasks
from annualclock.models import MEETING_NEEDS_PLACE, MeetingInvitation, MeetingResponse
from annualclock.services import (
    ANSWER_CLOSED,
    ANSWER_MEETING_FULL,
    ANSWER_NEEDS_PEOPLE,
    MEETING_HAS_STARTED,
    MEETING_NO_AUDIENCE,
    MEETING_STARTS_TOO_SOON,
    MEETING_UNKNOWN_AUDIENCE,
    meeting_answer_submit,
    meeting_invite,
    meeting_remind_silent,
    meeting_save,
    meetings_send_day_before_reminders,
)
from annualclock.tokens import read_answer_token
from portal import registries
from portal.models import Notification
from portal.registries import Recipient
from tests.annualclock.conftest import invite
from tests.annualclock.factories import MeetingFactory, MeetingResponseFactory

pytestmark = pytest.mark.django_db

ATTENDING = MeetingResponse.Answer.ATTENDING
NOT_ATTENDING = MeetingResponse.Answer.NOT_ATTENDING


def answer(meeting, association, kind=ATTENDING, attendees=1, **kwargs):
    return meeting_answer_submit(
        meeting=meeting,
        association=association,
        answer=kind,
        attendees=attendees,
        channel=MeetingResponse.Channel.SITE,
        **kwargs,
    )


def test_invitations_go_to_the_audience_through_the_outbox_with_answer_links(invitees, association, staff):
    meeting = MeetingFactory(audience=invitees, starts_at=timezone.now() + dt.timedelta(days=10))

    result, meeting = invite(meeting, by=staff)

    assert (result.invited, result.late) == (3, False)
    mails = {n.to: n for n in Notification.objects.filter(template="annualclock-meeting-invitation")}
    assert set(mails) == {"secretary@karhut.example", "info@sulkapallo.example", "resident@example.org"}
    karhut = mails["secretary@karhut.example"]
    assert karhut.language == "fi" and meeting.title in karhut.subject
    assert "Karhujen sihteeri" in karhut.body_text and "Porin Karhut ry" in karhut.body_text
    link = re.search(r"http://\S+/clock/answer/(\S+?)/\?answer=attending", karhut.body_text)
    assert link, karhut.body_text
    answer_link = read_answer_token(link.group(1))
    assert (answer_link.association, answer_link.email) == (association, "secretary@karhut.example")
    assert "karhut" not in link.group(1).lower()  # the address itself is not in the link
    assert karhut.body_html and link.group(0).replace("&", "&amp;") in karhut.body_html
    # The Swedish-speaking contact gets a Swedish link; a resident without an association no answer link.
    assert "/sv/clock/answer/" in mails["info@sulkapallo.example"].body_text
    assert "/clock/answer/" not in mails["resident@example.org"].body_text
    assert meeting.invited_at is not None and not meeting.invited_late
    assert meeting.invitation_lead_time > dt.timedelta(days=9)
    assert meeting.history.first().history_user == staff


def test_inviting_again_reaches_only_new_addresses(invitees):
    meeting = MeetingFactory(audience=invitees)
    invite(meeting)

    result, _meeting = invite(meeting)

    assert (result.invited, result.already_invited) == (0, 3)
    assert Notification.objects.filter(template="annualclock-meeting-invitation").count() == 3
    assert MeetingInvitation.objects.filter(meeting=meeting).count() == 3


@pytest.fixture
def audience_of(association, other_association):
    """Registers a test audience from (e-mail, association or None) pairs; removed afterwards."""
    keys = []

    def register(key, rows):
        recipients = [
            Recipient(email=email, language="fi", name="Sihteeri", association_id=getattr(assoc, "pk", None))
            for email, assoc in rows
        ]
        registries.recipient_list(key, label=key)(lambda: recipients)
        keys.append(key)
        return key

    yield register
    for key in keys:
        registries._recipient_lists.pop(key, None)


def test_a_person_answering_for_two_associations_gets_one_e_mail_inviting_both(
    audience_of, association, other_association
):
    audience = audience_of(
        "tests.shared-secretary",
        [("sihteeri@example.org", association), ("Sihteeri@example.org", other_association)],
    )
    meeting = MeetingFactory(audience=audience)

    result, _meeting = invite(meeting)

    assert result.invited == 2
    invitations = MeetingInvitation.objects.filter(meeting=meeting)
    assert {i.association for i in invitations} == {association, other_association}
    [mail] = Notification.objects.filter(template="annualclock-meeting-invitation")
    assert mail.to == "sihteeri@example.org"
    links = re.findall(r"http://\S+/clock/answer/(\S+?)/\?answer=attending", mail.body_text)
    assert {read_answer_token(token).association for token in links} == {association, other_association}
    assert association.name in mail.body_text and other_association.name in mail.body_text


def test_an_association_in_the_audience_under_two_addresses_or_in_a_second_audience_is_invited_once(
    audience_of, association, other_association
):
    first = audience_of("tests.contacts", [("info@karhut.example", association), ("pj@karhut.example", association)])
    second = audience_of(
        "tests.representatives", [("rep@karhut.example", association), ("rep@sulkapallo.example", other_association)]
    )
    meeting = MeetingFactory(audience=first)
    result, meeting = invite(meeting)
    assert (result.invited, result.already_invited) == (1, 1)

    meeting.audience = second  # staff widen the invitation to another audience
    meeting.save()
    result, _meeting = invite(meeting)

    assert (result.invited, result.already_invited) == (1, 1)
    invited = MeetingInvitation.objects.filter(meeting=meeting)
    assert sorted((i.association.name, i.email) for i in invited) == sorted(
        [(association.name, "info@karhut.example"), (other_association.name, "rep@sulkapallo.example")]
    )


def test_the_database_refuses_a_second_invitation_for_the_same_association(association):
    meeting = MeetingFactory()
    MeetingInvitation.objects.create(meeting=meeting, email="a@example.org", association=association)
    MeetingInvitation.objects.create(meeting=meeting, email="resident@example.org")

    with pytest.raises(IntegrityError), transaction.atomic():
        MeetingInvitation.objects.create(meeting=meeting, email="b@example.org", association=association)
    with pytest.raises(IntegrityError), transaction.atomic():
        MeetingInvitation.objects.create(meeting=meeting, email="resident@example.org")
    # An address invited for an association may also be invited as a person.
    MeetingInvitation.objects.create(meeting=meeting, email="a@example.org", association=None)


def test_an_invitation_less_than_7_days_ahead_is_recorded_as_late(invitees):
    meeting = MeetingFactory(audience=invitees, starts_at=timezone.now() + dt.timedelta(days=3))

    result, meeting = invite(meeting)

    assert result.late and meeting.invited_late
    assert dt.timedelta(days=2) < meeting.invitation_lead_time < dt.timedelta(days=3)


def test_saving_a_meeting_that_starts_within_7_days_warns_staff(working_group):
    meeting = MeetingFactory.build(forum=working_group, starts_at=timezone.now() + dt.timedelta(days=5, hours=1))
    meeting.ends_at = meeting.starts_at + dt.timedelta(hours=2)

    warnings = meeting_save(meeting=meeting).warnings

    assert len(warnings) == 1
    assert str(MEETING_STARTS_TOO_SOON).split("(")[0] in warnings[0]
    assert meeting_save(meeting=MeetingFactory(forum=working_group)).warnings == []  # 10 days ahead: fine


def test_a_meeting_needs_a_place_or_an_online_link(working_group):
    meeting = MeetingFactory.build(forum=working_group, place="", online_url="")
    meeting.ends_at = meeting.starts_at + dt.timedelta(hours=1)

    with pytest.raises(ValidationError) as excinfo:
        meeting_save(meeting=meeting)
    assert str(MEETING_NEEDS_PLACE) in excinfo.value.messages


@pytest.mark.parametrize(
    ("audience", "starts_in", "message"),
    [
        ("", dt.timedelta(days=10), MEETING_NO_AUDIENCE),
        ("nobody.registered.this", dt.timedelta(days=10), MEETING_UNKNOWN_AUDIENCE),
        ("INVITEES", -dt.timedelta(hours=1), MEETING_HAS_STARTED),
    ],
)
def test_invitations_are_refused_without_a_known_audience_or_after_the_start(invitees, audience, starts_in, message):
    audience = invitees if audience == "INVITEES" else audience
    meeting = MeetingFactory(audience=audience, starts_at=timezone.now() + starts_in)

    with pytest.raises(ValidationError) as excinfo:
        meeting_invite(meeting=meeting)

    assert str(message).split("%")[0].split("“")[0] in excinfo.value.messages[0]
    assert not Notification.objects.exists()
    assert not MeetingInvitation.objects.exists()


def test_an_association_answers_once_and_a_new_answer_changes_it(association, association_member):
    meeting = MeetingFactory()

    answer(meeting, association, attendees=2, names="Anna\nBertta", user=association_member)
    response = answer(meeting, association, NOT_ATTENDING, attendees=0, user=association_member)

    assert MeetingResponse.objects.get() == response
    assert (response.answer, response.attendees, response.names) == (NOT_ATTENDING, 0, "")
    assert response.history.count() == 2
    assert response.history.first().history_user == association_member


def test_the_database_keeps_one_answer_per_association(association):
    meeting = MeetingFactory()
    MeetingResponseFactory(meeting=meeting, association=association)

    with pytest.raises(IntegrityError), transaction.atomic():
        MeetingResponseFactory(meeting=meeting, association=association)


def test_attending_needs_at_least_one_person(association):
    with pytest.raises(ValidationError) as excinfo:
        answer(MeetingFactory(), association, attendees=0)

    assert excinfo.value.messages == [str(ANSWER_NEEDS_PEOPLE)]
    assert not MeetingResponse.objects.exists()


def test_answers_close_when_the_meeting_starts(association):
    meeting = MeetingFactory(starts_at=timezone.now() - dt.timedelta(minutes=5))

    with pytest.raises(ValidationError) as excinfo:
        answer(meeting, association)

    assert excinfo.value.messages == [str(ANSWER_CLOSED)]
    assert not MeetingResponse.objects.exists()


def test_capacity_is_respected_and_an_association_can_shrink_its_own_answer(association, other_association):
    meeting = MeetingFactory(capacity=3)
    answer(meeting, association, attendees=2)

    with pytest.raises(ValidationError) as excinfo:
        answer(meeting, other_association, attendees=2)
    assert excinfo.value.messages == ["The meeting is full for that many: 1 places are left."]

    answer(meeting, association, attendees=3)  # its own 2 places count as free for it
    with pytest.raises(ValidationError) as excinfo:
        answer(meeting, other_association, attendees=1)
    assert excinfo.value.messages == [str(ANSWER_MEETING_FULL)]
    answer(meeting, other_association, NOT_ATTENDING, attendees=0)  # declining is always possible
    assert MeetingResponse.objects.filter(answer=ATTENDING).get().attendees == 3


def test_reminders_go_only_to_the_silent_and_once_a_day(invitees, association, other_association):
    meeting = MeetingFactory(audience=invitees)
    invite(meeting)
    answer(meeting, association)

    assert meeting_remind_silent(meeting=meeting) == 1
    assert meeting_remind_silent(meeting=meeting) == 0  # a second click the same day mails nobody twice

    [reminder] = Notification.objects.filter(template="annualclock-meeting-reminder")
    assert reminder.to == "info@sulkapallo.example"
    assert "/sv/clock/answer/" in reminder.body_text


def test_the_day_before_those_attending_are_reminded_once(invitees, association, other_association, association_member):
    tz = timezone.get_current_timezone()
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    starts_at = dt.datetime.combine(tomorrow, dt.time(17), tzinfo=tz)
    meeting = MeetingFactory(audience=invitees, starts_at=starts_at, ends_at=starts_at + dt.timedelta(hours=2))
    invite(meeting, now=starts_at - dt.timedelta(days=8))
    answer(meeting, association, attendees=2, user=association_member, email=association_member.email)
    answer(meeting, other_association, NOT_ATTENDING, attendees=0)
    MeetingFactory(starts_at=starts_at + dt.timedelta(days=1))  # the day after tomorrow: not yet
    at_night = dt.datetime.combine(timezone.localdate(), dt.time(3), tzinfo=tz)
    in_the_morning = dt.datetime.combine(timezone.localdate(), dt.time(10), tzinfo=tz)

    assert meetings_send_day_before_reminders(now=at_night) == 0  # nobody is mailed at night
    assert meetings_send_day_before_reminders(now=in_the_morning) == 2
    assert meetings_send_day_before_reminders(now=in_the_morning + dt.timedelta(hours=1)) == 0  # beat runs hourly

    reminders = Notification.objects.filter(template="annualclock-meeting-day-before")
    assert {n.to for n in reminders} == {"secretary@karhut.example", "member@karhut.example"}
    assert all("2 " in n.body_text and meeting.title in n.body_text for n in reminders)


def test_when_an_invited_meeting_moves_everyone_invited_is_told_once_per_change(invitees):
    meeting = MeetingFactory(audience=invitees)
    _result, meeting = invite(meeting)

    meeting.title = "Uusi otsikko"
    meeting_save(meeting=meeting)  # a new title alone mails nobody
    assert not Notification.objects.filter(template="annualclock-meeting-changed").exists()

    meeting.starts_at += dt.timedelta(hours=1)
    meeting.ends_at += dt.timedelta(hours=1)
    meeting_save(meeting=meeting)
    meeting.place = "Porin pääkirjasto"
    assert meeting_save(meeting=meeting).change_mailed_to == 3

    changes = Notification.objects.filter(template="annualclock-meeting-changed")
    assert changes.count() == 6  # two changes × three invited addresses
    latest = changes.filter(to="secretary@karhut.example").order_by("-id").first()
    assert "Porin pääkirjasto" in latest.body_text and "/fi/clock/answer/" in latest.body_text


def test_moving_a_meeting_nobody_was_invited_to_mails_nobody(working_group):
    meeting = MeetingFactory(forum=working_group)

    meeting.starts_at += dt.timedelta(days=1)
    meeting.ends_at += dt.timedelta(days=1)
    meeting_save(meeting=meeting)

    assert not Notification.objects.exists()


def test_beat_runs_the_reminder_task(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["annualclock-meeting-reminders"]
    assert entry["task"] == tasks.send_meeting_reminders.name
