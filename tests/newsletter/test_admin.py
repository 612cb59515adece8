"""Staff in the admin: preview, test send, recipient count, scheduling, drafts from the portal."""

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone, translation

from newsletter.models import Delivery, Issue, Subscriber
from newsletter.services import drafting
from portal.models import Notification
from tests.conftest import make_staff
from tests.newsletter.factories import IssueFactory, SubscriberFactory

pytestmark = pytest.mark.django_db

ADMIN = "/admin/newsletter/issue/"


@pytest.fixture
def client_for(client_for):
    """The admin in English (it follows the browser's language), so assertions read the English text."""

    def make(user=None):
        client = client_for(user)
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
        return client

    return make


@pytest.fixture
def editor(department):
    """Communications staff: may write issues but not send them."""
    user = make_staff(department, "editor@city.example")
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="newsletter", codename__in=["view_issue", "add_issue", "change_issue"]
        )
    )
    return user


@pytest.fixture
def sender(editor):
    editor.user_permissions.add(Permission.objects.get(codename="send_issue"))
    return editor


@pytest.fixture
def issue():
    return IssueFactory(subject="Yhdistysuutiset 4/2026", language="fi")


def test_the_preview_shows_the_text_part_and_the_unsubscribe_headers(client_for, editor, issue):
    page = client_for(editor).get(f"{ADMIN}{issue.pk}/preview/").content.decode()

    assert "Yhdistysuutiset 4/2026" in page
    assert "Kevään **avustushaku** alkaa helmikuussa." in page
    assert "List-Unsubscribe-Post" in page and "List-Unsubscribe=One-Click" in page


def test_the_html_preview_is_the_message_with_inline_styles(client_for, editor, issue):
    response = client_for(editor).get(f"{ADMIN}{issue.pk}/preview/html/")

    assert response.status_code == 200
    html = response.content.decode()
    assert '<h2 style="' in html and "<strong>avustushaku</strong>" in html
    assert "'unsafe-inline'" in response["Content-Security-Policy"].split("style-src")[1].split(";")[0]


def test_a_test_send_goes_to_the_given_addresses_marked_as_a_test(client_for, sender, issue):
    subscriber = SubscriberFactory(email="reader@example.org", language="fi")

    response = client_for(sender).post(
        f"{ADMIN}{issue.pk}/test-send/", {"addresses": "reader@example.org,\nboss@city.example"}, follow=True
    )

    assert "The test was sent to reader@example.org, boss@city.example" in response.content.decode()
    mails = {n.to: n for n in Notification.objects.all()}
    assert set(mails) == {"reader@example.org", "boss@city.example"}
    assert all(n.subject == "[TEST] Yhdistysuutiset 4/2026" for n in mails.values())
    assert mails["reader@example.org"].headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/fi/newsletter/unsubscribe/" in mails["reader@example.org"].headers["List-Unsubscribe"]
    assert Delivery.objects.count() == 0  # a test is not a delivery
    subscriber.refresh_from_db()
    assert subscriber.is_active
    issue.refresh_from_db()
    assert issue.state == Issue.State.DRAFT


@pytest.mark.parametrize(
    ("addresses", "message"),
    [
        ("not-an-address", "These are not valid e-mail addresses: not-an-address"),
        ("boss@city.example\r\nBcc: all@example.org", "These are not valid e-mail addresses: Bcc:"),
        ("\n".join(f"p{i}@example.org" for i in range(5000)), "A test goes to at most 10 addresses. You entered 5000."),
        ("", drafting.TEST_NO_ADDRESSES),
    ],
    ids=["invalid", "header-injection", "paste-5000", "empty"],
)
def test_a_bad_test_send_gets_a_clear_message_and_nothing_is_sent(client_for, sender, issue, addresses, message):
    response = client_for(sender).post(f"{ADMIN}{issue.pk}/test-send/", {"addresses": addresses})

    assert response.status_code == 200
    with translation.override("en"):
        assert str(message) in response.content.decode()
    assert Notification.objects.count() == 0


def test_a_newline_in_the_subject_is_refused_in_the_admin(client_for, editor, issue):
    data = {
        "subject": "Uutiset\r\nBcc: everyone@example.org",
        "preheader": "",
        "body": "Teksti",
        "language": "fi",
        "year": 2026,
        "quarter": 4,
        "topics": [],
        "_save": "Save",
    }
    response = client_for(editor).post(f"{ADMIN}{issue.pk}/change/", data)

    assert response.status_code == 200
    with translation.override("en"):
        assert str(drafting.SUBJECT_ONE_LINE) in response.content.decode()
    issue.refresh_from_db()
    assert issue.subject == "Yhdistysuutiset 4/2026"


def test_the_schedule_page_shows_the_recipient_count_before_sending(client_for, sender, issue):
    for _ in range(3):
        SubscriberFactory(language="fi")
    SubscriberFactory(language="sv")
    SubscriberFactory(language="fi", confirmed_at=None)

    page = client_for(sender).get(f"{ADMIN}{issue.pk}/schedule/").content.decode()

    assert "3 subscribers would receive this issue now." in page
    assert "Send now to 3 subscribers" in page


def test_staff_schedule_an_issue_for_a_time(client_for, sender, issue):
    SubscriberFactory()
    when = timezone.localtime() + dt.timedelta(days=3)

    response = client_for(sender).post(
        f"{ADMIN}{issue.pk}/schedule/", {"action": "schedule", "scheduled_at": when.strftime("%Y-%m-%dT%H:%M")}
    )

    assert response.status_code == 302
    issue.refresh_from_db()
    assert issue.state == Issue.State.SCHEDULED
    assert issue.scheduled_at.replace(second=0, microsecond=0) == when.replace(second=0, microsecond=0)
    assert issue.history.filter(state=Issue.State.SCHEDULED).exists()  # audit: who and when


def test_scheduling_in_the_past_is_refused_with_a_message(client_for, sender, issue):
    SubscriberFactory()
    past = timezone.localtime() - dt.timedelta(days=1)

    response = client_for(sender).post(
        f"{ADMIN}{issue.pk}/schedule/", {"action": "schedule", "scheduled_at": past.strftime("%Y-%m-%dT%H:%M")}
    )

    with translation.override("en"):
        assert str(drafting.SCHEDULE_IN_PAST) in response.content.decode()
    issue.refresh_from_db()
    assert issue.state == Issue.State.DRAFT


def test_send_now_sends_to_every_subscriber(client_for, sender, issue, django_capture_on_commit_callbacks, mailoutbox):
    SubscriberFactory(email="one@example.org")
    SubscriberFactory(email="two@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        client_for(sender).post(f"{ADMIN}{issue.pk}/schedule/", {"action": "send_now"})

    issue.refresh_from_db()
    assert issue.state == Issue.State.SENT
    assert sorted(m.to[0] for m in mailoutbox) == ["one@example.org", "two@example.org"]


def test_a_sent_issue_can_no_longer_be_edited(client_for, sender, issue):
    Issue.objects.filter(pk=issue.pk).update(state=Issue.State.SENT, sent_at=timezone.now())

    client = client_for(sender)
    page = client.get(f"{ADMIN}{issue.pk}/change/").content.decode()
    assert 'name="subject"' not in page  # shown read-only

    response = client.post(f"{ADMIN}{issue.pk}/change/", {"subject": "Changed", "_save": "Save"})

    assert response.status_code == 403
    issue.refresh_from_db()
    assert issue.subject == "Yhdistysuutiset 4/2026"


def test_an_editor_without_the_send_permission_cannot_test_send_or_schedule(client_for, editor, issue):
    client = client_for(editor)

    assert client.get(f"{ADMIN}{issue.pk}/test-send/").status_code == 403
    assert client.post(f"{ADMIN}{issue.pk}/schedule/", {"action": "send_now"}).status_code == 403
    assert Notification.objects.count() == 0
    issue.refresh_from_db()
    assert issue.state == Issue.State.DRAFT


def test_other_staff_see_nothing(client_for, other_staff, issue):
    client = client_for(other_staff)

    assert client.get(f"{ADMIN}{issue.pk}/preview/").status_code == 403
    assert client.get(ADMIN).status_code == 403


def test_staff_assemble_a_draft_from_the_portal(client_for, editor):
    response = client_for(editor).post(f"{ADMIN}assemble/", {"year": 2027, "quarter": 1, "language": "fi"})

    issue = Issue.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/{issue.pk}/change/")
    assert issue.state == Issue.State.DRAFT and issue.created_by == editor
    assert (issue.year, issue.quarter, issue.language) == (2027, 1, "fi")
    assert "## " in issue.body


def test_staff_unsubscribe_someone_on_request(client_for, superuser):
    subscriber = SubscriberFactory(email="asks@example.org")

    client_for(superuser).post(
        "/admin/newsletter/subscriber/", {"action": "unsubscribe_selected", "_selected_action": [subscriber.pk]}
    )

    subscriber.refresh_from_db()
    assert subscriber.unsubscribe_reason == Subscriber.Reason.STAFF
    assert subscriber.unsubscribed_at is not None


def test_the_admin_lists_answer(client_for, superuser, issue):
    SubscriberFactory()
    client = client_for(superuser)

    for path in ["/admin/newsletter/issue/", "/admin/newsletter/subscriber/", "/admin/newsletter/delivery/"]:
        assert client.get(path).status_code == 200
    assert client.get(f"{ADMIN}{issue.pk}/change/").status_code == 200
    assert client.get(f"{ADMIN}assemble/").status_code == 200
