"""Hearings: opening invites the audience, associations answer and edit until the deadline, the
deadline refuses with a clear message, staff publish the summary answer by answer."""

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from associations.hearings import selectors, services
from associations.hearings.calendar import HEARING_KIND
from associations.hearings.models import Hearing, HearingAnswer, HearingComment, HearingInvitation
from associations.hearings.validators import (
    ATTACHMENT_INVALID,
    HEARING_ALREADY_OPENED,
    HEARING_ANSWER_DEADLINE_PASSED,
    HEARING_COMMENTS_NOT_ALLOWED,
    HEARING_STILL_OPEN,
    HEARING_TAKEN_INTO_ACCOUNT_MISSING,
)
from portal import registries
from portal.models import Notification
from tests.associations.factories import FieldOfActivityFactory
from tests.associations.hearing_factories import HearingFactory, answer, close, pdf_upload
from tests.factories import AssociationFactory, MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sports(db):
    return FieldOfActivityFactory(name="Liikunta", slug="liikunta")


@pytest.fixture
def ball_games(sports):
    return FieldOfActivityFactory(name="Pallopelit", slug="pallopelit", parent=sports)


@pytest.fixture
def karhut(association, association_member, ball_games):
    association.fields_of_activity.add(ball_games)  # a subfield of sports counts as sports
    return association


@pytest.fixture
def sulkapallo(sports):
    club = AssociationFactory(name="Porin Sulkapallo ry", slug="porin-sulkapallo")
    club.fields_of_activity.add(sports)
    MembershipFactory(association=club, user__email="sihteeri@sulkapallo.example")
    return club


@pytest.fixture
def kuoro(db):
    choir = AssociationFactory(name="Porin Kuoro ry", slug="porin-kuoro")
    MembershipFactory(association=choir, user__email="laulaja@kuoro.example")
    return choir


@pytest.fixture
def draft(department, sports):
    hearing = HearingFactory(
        department=department,
        title="Liikuntapaikkaverkon kehittäminen",
        state=Hearing.State.DRAFT,
        opened_at=None,
    )
    hearing.fields_of_activity.add(sports)
    return hearing


@pytest.fixture
def hearing(draft, staff, karhut, sulkapallo, kuoro):
    services.hearing_open(hearing=draft, user=staff)
    draft.refresh_from_db()
    return draft


def data(text="Tarvitsemme lisää salivuoroja.", may_publish=True):
    return {"text": text, "may_publish": may_publish}


# --- Opening and invitations ----------------------------------------------------------------
def test_opening_invites_the_representatives_of_sports_associations_only(draft, staff, karhut, sulkapallo, kuoro):
    invited = services.hearing_open(hearing=draft, user=staff)

    assert invited == 2
    draft.refresh_from_db()
    assert draft.state == Hearing.State.OPEN and draft.opened_at is not None
    rows = Notification.objects.filter(template="hearing-invitation").order_by("to")
    assert [row.to for row in rows] == ["member@karhut.example", "sihteeri@sulkapallo.example"]
    row = rows[0]
    assert row.language == settings.LANGUAGE_CODE
    assert f"{settings.SITE_URL}/{settings.LANGUAGE_CODE}/associations/hearings/{draft.pk}/answer/" in row.body_text
    assert draft.title in row.subject
    assert set(HearingInvitation.objects.values_list("association__name", flat=True)) == {
        "Porin Karhut ry",
        "Porin Sulkapallo ry",
    }


def test_a_person_representing_a_choir_and_a_sports_club_is_invited_for_the_sports_club(draft, staff, sulkapallo):
    person = sulkapallo.memberships.get().user
    choir = AssociationFactory(name="Aaltosen Kuoro ry", slug="aaltosen-kuoro")  # first in the list by name
    MembershipFactory(association=choir, user=person)
    services.hearing_open(hearing=draft, user=staff)
    invitation = HearingInvitation.objects.get(email=person.email)
    assert invitation.association == sulkapallo


def test_invitations_are_in_the_site_language_whatever_page_opened_the_hearing(draft, staff, karhut):
    with translation.override("en"):
        services.hearing_open(hearing=draft, user=staff)
    row = Notification.objects.get(template="hearing-invitation")
    assert row.language == settings.LANGUAGE_CODE
    assert f"{settings.SITE_URL}/en/" not in row.body_text


def test_opening_twice_is_refused_and_invites_nobody_twice(hearing, staff):
    before = Notification.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.hearing_open(hearing=hearing, user=staff)
    assert exc.value.messages == [str(HEARING_ALREADY_OPENED)]
    assert Notification.objects.count() == before


def test_invitations_written_before_the_period_wait_until_it_opens(draft, staff, karhut):
    opens = timezone.now() + dt.timedelta(days=2)
    Hearing.objects.filter(pk=draft.pk).update(opens_at=opens, closes_at=opens + dt.timedelta(days=14))
    services.hearing_open(hearing=draft, user=staff)
    assert Notification.objects.get(template="hearing-invitation").send_after == opens


# --- Answers --------------------------------------------------------------------------------
def test_an_association_answers_with_an_attachment_and_edits_until_the_deadline(hearing, karhut, association_member):
    first = services.answer_save(
        hearing=hearing, association=karhut, user=association_member, data=data(), attachments=[pdf_upload()]
    )
    second = services.answer_save(
        hearing=hearing, association=karhut, user=association_member, data=data("Korjattu lausunto.", False)
    )

    assert first.pk == second.pk
    answer_row = HearingAnswer.objects.get(hearing=hearing, association=karhut)
    assert answer_row.text == "Korjattu lausunto." and answer_row.may_publish is False
    assert answer_row.attachments.count() == 1
    assert answer_row.history.count() == 2
    assert answer_row.created_by == association_member


def test_an_answer_after_the_deadline_is_refused_with_the_deadline_and_nothing_changes(
    hearing, karhut, association_member
):
    services.answer_save(hearing=hearing, association=karhut, user=association_member, data=data("Alkuperäinen."))
    with time_machine.travel(hearing.closes_at + dt.timedelta(seconds=1)), pytest.raises(ValidationError) as exc:
        services.answer_save(
            hearing=hearing,
            association=karhut,
            user=association_member,
            data=data("Myöhästynyt."),
            attachments=[pdf_upload()],
        )
    assert exc.value.code == "deadline"
    with translation.override("en"):
        message = exc.value.messages[0]
    assert message.startswith("The hearing closed at ") and "nothing was saved" in message
    answer_row = HearingAnswer.objects.get(hearing=hearing, association=karhut)
    assert answer_row.text == "Alkuperäinen." and answer_row.attachments.count() == 0


def test_a_new_answer_after_the_deadline_is_refused_too(hearing, sulkapallo, staff):
    representative = sulkapallo.memberships.get().user
    with pytest.raises(ValidationError) as exc:
        services.answer_save(
            hearing=hearing,
            association=sulkapallo,
            user=representative,
            data=data(),
            now=hearing.closes_at,  # the deadline minute itself is too late
        )
    assert exc.value.messages[0] == str(HEARING_ANSWER_DEADLINE_PASSED) % {"closes": exc.value.params["closes"]}
    assert not HearingAnswer.objects.exists()


def test_the_database_refuses_to_change_an_answer_once_the_hearing_is_closed(hearing, karhut, association_member):
    saved = services.answer_save(hearing=hearing, association=karhut, user=association_member, data=data())
    services.hearing_close(hearing=hearing, user=None, closes_at=timezone.now())
    saved.text = "Muutettu ohi palvelun."
    with pytest.raises(IntegrityError), transaction.atomic():
        saved.save()
    with pytest.raises(IntegrityError), transaction.atomic():
        HearingAnswer.objects.create(hearing=hearing, association=AssociationFactory(), text="Myöhässä.")
    # The city's own note on an answer is not the association's text: it can still be written.
    services.answer_taken_into_account(answer=saved, user=None, text="Otettu huomioon.")
    assert HearingAnswer.objects.get(pk=saved.pk).text == "Tarvitsemme lisää salivuoroja."


def test_the_database_allows_one_answer_per_association(hearing, karhut):
    answer(hearing, karhut)
    with pytest.raises(IntegrityError), transaction.atomic():
        answer(hearing, karhut)


def test_an_attachment_that_is_not_a_pdf_or_an_image_is_refused(hearing, karhut, association_member):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("virus.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationError) as exc:
        services.answer_save(
            hearing=hearing, association=karhut, user=association_member, data=data(), attachments=[fake]
        )
    assert exc.value.messages == [str(ATTACHMENT_INVALID)]
    assert not HearingAnswer.objects.exists()


# --- Residents' comments ----------------------------------------------------------------------
def test_residents_comment_only_where_allowed_and_comments_wait_for_moderation(hearing, outsider, staff):
    with pytest.raises(ValidationError) as exc:
        services.comment_add(hearing=hearing, user=outsider, data={"text": "Hyvä idea."})
    assert exc.value.messages == [str(HEARING_COMMENTS_NOT_ALLOWED)]

    Hearing.objects.filter(pk=hearing.pk).update(residents_may_comment=True)
    comment = services.comment_add(hearing=hearing, user=outsider, data={"text": "Hyvä idea."})
    assert comment.moderation_state == HearingComment.ModerationState.PENDING
    assert selectors.hearing_page(hearing, user=outsider)["comments"] == []
    services.comment_approve(comment=comment, user=staff)
    assert selectors.hearing_page(hearing, user=outsider)["comments"] == [comment]


# --- Closing and the summary ----------------------------------------------------------------
def test_the_summary_waits_for_the_deadline_and_for_every_answers_taken_into_account(
    hearing, karhut, sulkapallo, association_member, staff
):
    mine = services.answer_save(hearing=hearing, association=karhut, user=association_member, data=data())
    theirs = services.answer_save(
        hearing=hearing, association=sulkapallo, user=sulkapallo.memberships.get().user, data=data("Ei kantaa.")
    )
    with pytest.raises(ValidationError) as exc:
        services.hearing_publish_summary(hearing=hearing, user=staff, summary="Kuultiin.")
    assert exc.value.messages == [str(HEARING_STILL_OPEN)]

    services.hearing_close(hearing=hearing, user=staff, closes_at=timezone.now())
    services.answer_taken_into_account(answer=mine, user=staff, text="Salivuoroja lisätään syksyllä.")
    with pytest.raises(ValidationError) as exc:
        services.hearing_publish_summary(hearing=hearing, user=staff, summary="Kuultiin.")
    assert exc.value.messages == [str(HEARING_TAKEN_INTO_ACCOUNT_MISSING) % {"count": 1}]

    services.answer_taken_into_account(answer=theirs, user=staff, text="Kiitos vastauksesta.")
    published = services.hearing_publish_summary(hearing=hearing, user=staff, summary="Kuultiin kahta seuraa.")
    assert published.state == Hearing.State.SUMMARY_PUBLISHED
    assert published.summary_published_by == staff
    told = Notification.objects.filter(template="hearing-summary-published").order_by("to")
    assert [row.to for row in told] == ["member@karhut.example", "sihteeri@sulkapallo.example"]
    assert f"/associations/hearings/{hearing.pk}/" in told[0].body_text


def test_the_beat_closes_hearings_past_their_deadline_once(hearing):
    assert services.hearings_close_due(now=hearing.closes_at - dt.timedelta(minutes=1)) == 0
    assert services.hearings_close_due(now=hearing.closes_at) == 1
    assert services.hearings_close_due(now=hearing.closes_at) == 0
    hearing.refresh_from_db()
    assert hearing.state == Hearing.State.CLOSED


# --- The clock and my page ------------------------------------------------------------------
def test_an_opened_hearing_is_on_the_calendar_with_its_opening_and_deadline(hearing, draft):
    start = timezone.localdate(hearing.opens_at) - dt.timedelta(days=1)
    end = timezone.localdate(hearing.closes_at) + dt.timedelta(days=1)
    items = [i for i in registries.calendar_items(start, end) if i.kind == HEARING_KIND]
    assert [i.extra["event"] for i in items] == ["opens", "closes"]
    assert items[1].start == timezone.localtime(hearing.closes_at)
    assert all(i.url == hearing.get_absolute_url() for i in items)


def test_a_draft_is_not_on_the_calendar(draft):
    start = timezone.localdate() - dt.timedelta(days=2)
    items = registries.calendar_items(start, start + dt.timedelta(days=30), kinds=[HEARING_KIND])
    assert items == []


def test_my_page_lists_the_hearing_until_my_association_answers(hearing, karhut, association_member, kuoro):
    waiting = selectors.hearings_waiting_for(association_member)
    assert [(row["hearing"], row["association"]) for row in waiting] == [(hearing, karhut)]
    assert selectors.hearings_waiting_for(kuoro.memberships.get().user) == []  # not invited
    services.answer_save(hearing=hearing, association=karhut, user=association_member, data=data())
    assert selectors.hearings_waiting_for(association_member) == []
    assert [a.hearing for a in selectors.my_answers(association_member)] == [hearing]


def test_my_page_shows_the_hearings_block(client_for, hearing, association_member):
    with translation.override("en"):
        response = client_for(association_member).get("/en/mine/")
    assert response.status_code == 200
    content = response.content.decode()
    assert "Hearings waiting for your answer" in content
    assert hearing.title in content


def test_hearing_helpers_close_makes_the_deadline_past(hearing):
    close(hearing)
    assert hearing.deadline_passed() and hearing.state == Hearing.State.CLOSED


def test_an_outsider_has_no_hearings_waiting(outsider, hearing):
    assert selectors.hearings_waiting_for(outsider) == []


@pytest.mark.parametrize("page_language", ["en", "sv"])
def test_every_hearing_email_is_in_the_site_language_with_links_in_it(
    draft, staff, karhut, association_member, page_language
):
    with translation.override(page_language):
        services.hearing_open(hearing=draft, user=staff)
        saved = services.answer_save(hearing=draft, association=karhut, user=association_member, data=data())
        services.hearing_close(hearing=draft, user=staff, closes_at=timezone.now())
        services.answer_taken_into_account(answer=saved, user=staff, text="Huomioitu.")
        services.hearing_publish_summary(hearing=draft, user=staff, summary="Yhteenveto.")
    rows = list(Notification.objects.all())
    assert {row.template for row in rows} == {"hearing-invitation", "hearing-summary-published"}
    for row in rows:
        assert row.language == settings.LANGUAGE_CODE, row.template
        for body in (row.body_text, row.body_html):
            assert f"{settings.SITE_URL}/{page_language}/" not in body, row.template
            assert f"{settings.SITE_URL}/{settings.LANGUAGE_CODE}/associations/hearings/{draft.pk}/" in body


def test_a_residents_comments_are_in_my_data_and_go_with_the_account(hearing, outsider, karhut, association_member):
    from associations.hearings.mine import ANSWERS_KEPT, comments_data, erase_comments

    Hearing.objects.filter(pk=hearing.pk).update(residents_may_comment=True)
    services.comment_add(hearing=hearing, user=outsider, data={"text": "Lisää penkkejä."})
    assert [c["text"] for c in comments_data(outsider)] == ["Lisää penkkejä."]
    assert erase_comments(outsider) == []
    assert not HearingComment.objects.exists()
    services.answer_save(hearing=hearing, association=karhut, user=association_member, data=data())
    assert erase_comments(association_member) == [ANSWERS_KEPT]
    assert HearingAnswer.objects.filter(association=karhut).exists()


def test_the_demo_has_an_open_hearing_for_sports_clubs_and_a_published_summary_and_loads_twice():
    import io

    from associations import demo
    from associations.hearings import demo as hearings_demo
    from portal import demo as portal_demo

    out = io.StringIO()
    portal_demo.load(stdout=out)
    demo.load(stdout=out)
    demo.load(stdout=out)
    open_one = Hearing.objects.get(title=hearings_demo.OPEN_TITLE)
    closed = Hearing.objects.get(title=hearings_demo.CLOSED_TITLE)
    assert Hearing.objects.count() == 2
    assert open_one.accepts_answers() and open_one.invitations.exists()
    assert closed.state == Hearing.State.SUMMARY_PUBLISHED
    assert all(a.taken_into_account for a in closed.answers.all()) and closed.answers.count() == 2
