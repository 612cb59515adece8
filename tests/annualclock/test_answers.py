"""Answering an invitation: one click from the e-mail (signed link) or on the site — and every bad case."""

import datetime as dt
import re
from urllib.parse import quote

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from annualclock.forms import ANSWER_NOT_YOUR_ASSOCIATION
from annualclock.models import MeetingInvitation, MeetingResponse
from annualclock.services import ANSWER_CLOSED, ANSWER_NEEDS_PEOPLE
from annualclock.tokens import SALT, make_answer_token
from annualclock.views import ANSWER_LINK_EXPIRED, ANSWER_LINK_INVALID
from tests.annualclock.conftest import says
from tests.annualclock.factories import MeetingFactory, MeetingResponseFactory

pytestmark = pytest.mark.django_db


def answer_url(meeting, association, invitation=None):
    token = make_answer_token(
        meeting=meeting, association_id=association.pk, invitation_id=invitation.pk if invitation else None
    )
    return reverse("annualclock:answer", kwargs={"token": token})


def test_the_link_opens_the_answer_preselected_and_changes_nothing_until_sent(client, association):
    meeting = MeetingFactory()

    response = client.get(answer_url(meeting, association) + "?answer=attending")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Porin Karhut ry" in html and meeting.title in html
    assert re.search(r'value="attending"[^>]*checked', html)
    assert not re.search(r'value="not_attending"[^>]*checked', html)
    assert not MeetingResponse.objects.exists()  # a mail scanner following the link answers nothing


def test_attending_two_people_from_the_email_link(client, association):
    meeting = MeetingFactory(capacity=40)
    invitation = MeetingInvitation.objects.create(
        meeting=meeting, email="secretary@karhut.example", association=association
    )
    url = answer_url(meeting, association, invitation)

    response = client.post(url, {"answer": "attending", "attendees": "2", "names": "Anna\nBertta"}, follow=True)

    saved = MeetingResponse.objects.get()
    assert (saved.association, saved.answer, saved.attendees, saved.names) == (
        association,
        "attending",
        2,
        "Anna\nBertta",
    )
    assert saved.channel == MeetingResponse.Channel.EMAIL_LINK
    assert saved.answered_by_email == "secretary@karhut.example"
    html = response.content.decode()
    assert "Thank you. Porin Karhut ry attends with 2 people." in html
    assert "Your answer for Porin Karhut ry: attending, 2 people." in html
    assert "38" in html  # places left


def test_the_same_link_changes_the_answer(client, association):
    meeting = MeetingFactory()
    url = answer_url(meeting, association)
    client.post(url, {"answer": "attending", "attendees": "2"})

    client.post(url, {"answer": "not_attending"})

    saved = MeetingResponse.objects.get()
    assert (saved.answer, saved.attendees) == ("not_attending", 0)


def test_attending_without_a_number_is_refused_with_the_reason_by_the_field(client, association):
    meeting = MeetingFactory()

    response = client.post(answer_url(meeting, association), {"answer": "attending", "attendees": ""})

    html = response.content.decode()
    assert response.status_code == 400
    assert says(response, ANSWER_NEEDS_PEOPLE)
    assert 'aria-describedby="id_attendees_helptext id_attendees_error"' in html
    assert 'aria-invalid="true"' in html
    assert not MeetingResponse.objects.exists()


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),  # altered signature
        lambda token: "not-a-token",
        lambda token: signing.dumps({"m": 1, "a": 1}, salt="another.salt"),  # signed for something else
    ],
    ids=["altered", "garbage", "wrong-purpose"],
)
def test_a_forged_link_is_refused_and_changes_nothing(client, association, tamper):
    meeting = MeetingFactory()
    token = make_answer_token(meeting=meeting, association_id=association.pk)

    url = reverse("annualclock:answer", kwargs={"token": tamper(token)})
    for response in (client.get(url), client.post(url, {"answer": "attending", "attendees": "2"})):
        assert response.status_code == 400
        assert says(response, ANSWER_LINK_INVALID)
    assert not MeetingResponse.objects.exists()


def test_a_link_cannot_be_rewritten_to_answer_for_another_association(client, association, other_association):
    meeting = MeetingFactory()
    token = make_answer_token(meeting=meeting, association_id=association.pk)
    payload = signing.loads(token, salt=SALT)
    # Someone swaps the association id inside the (base64) payload but cannot re-sign it.
    value, signature = token.rsplit(":", 2)[0], token.rsplit(":", 2)[1:]
    forged_payload = signing.dumps({**payload, "a": other_association.pk}, salt=SALT).rsplit(":", 2)[0]
    forged = ":".join([forged_payload, *signature])
    assert forged != token and value != forged_payload

    response = client.post(reverse("annualclock:answer", kwargs={"token": forged}), {"answer": "not_attending"})

    assert response.status_code == 400
    assert not MeetingResponse.objects.exists()


def test_a_link_expires_when_the_meeting_starts(client, association):
    meeting = MeetingFactory()
    url = answer_url(meeting, association)
    meeting.starts_at = timezone.now() - dt.timedelta(minutes=1)
    meeting.save()

    for response in (client.get(url), client.post(url, {"answer": "attending", "attendees": "2"})):
        assert response.status_code == 410
        assert says(response, ANSWER_LINK_EXPIRED)
    assert not MeetingResponse.objects.exists()


def test_a_moved_meeting_keeps_its_links_valid(client, association):
    meeting = MeetingFactory()
    url = answer_url(meeting, association)
    meeting.starts_at += dt.timedelta(days=7)
    meeting.ends_at += dt.timedelta(days=7)
    meeting.save()

    assert client.get(url).status_code == 200


def test_a_link_to_a_deleted_meeting_is_invalid(client, association):
    meeting = MeetingFactory()
    url = answer_url(meeting, association)
    meeting.delete()

    assert client.get(url).status_code == 400


# --- On the site -------------------------------------------------------------------------------


def site_answer(client, meeting, **data):
    return client.post(reverse("annualclock:meeting-answer", kwargs={"pk": meeting.pk}), data)


def test_a_representative_answers_on_the_meeting_page(client_for, association, association_member):
    meeting = MeetingFactory()
    client = client_for(association_member)

    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "Answering for Porin Karhut ry" in page

    response = site_answer(client, meeting, association=association.pk, answer="attending", attendees="3")

    assert response.status_code == 302
    saved = MeetingResponse.objects.get()
    assert (saved.association, saved.attendees, saved.answered_by) == (association, 3, association_member)
    assert saved.channel == MeetingResponse.Channel.SITE
    assert "attending, 3 people" in client.get(meeting.get_absolute_url()).content.decode()


def test_an_answer_for_another_association_is_refused(client_for, association_member, other_association):
    meeting = MeetingFactory()

    response = site_answer(
        client_for(association_member), meeting, association=other_association.pk, answer="attending", attendees="2"
    )

    assert response.status_code == 400
    assert says(response, ANSWER_NOT_YOUR_ASSOCIATION)
    assert not MeetingResponse.objects.exists()


def test_an_outsider_cannot_answer_for_anyone(client_for, outsider, association):
    meeting = MeetingFactory()
    client = client_for(outsider)

    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "Only an approved representative of an association can answer for it." in page
    response = site_answer(client, meeting, association=association.pk, answer="attending", attendees="2")

    assert response.status_code == 400
    assert not MeetingResponse.objects.exists()


def test_the_public_is_asked_to_sign_in(client):
    meeting = MeetingFactory()

    assert "to answer for your association" in client.get(meeting.get_absolute_url()).content.decode()
    response = site_answer(client, meeting, answer="attending", attendees="2")
    assert response.status_code == 302
    assert response.url == f"{reverse('account_login')}?next={quote(meeting.get_absolute_url())}"
    assert not MeetingResponse.objects.exists()


def test_answering_a_past_meeting_on_the_site_is_refused(client_for, association, association_member):
    meeting = MeetingFactory(starts_at=timezone.now() - dt.timedelta(days=1), ends_at=timezone.now())
    MeetingResponseFactory(meeting=meeting, association=association, attendees=1)

    response = site_answer(
        client_for(association_member), meeting, association=association.pk, answer="attending", attendees="5"
    )

    assert response.status_code == 400
    assert says(response, ANSWER_CLOSED)
    assert MeetingResponse.objects.get().attendees == 1


def test_answering_needs_a_post(client_for, association_member):
    meeting = MeetingFactory()

    assert (
        client_for(association_member).get(reverse("annualclock:meeting-answer", kwargs={"pk": meeting.pk})).status_code
        == 405
    )
