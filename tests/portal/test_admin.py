"""The portal core's admin, as city staff use it (a superuser with MFA)."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from portal.forms import COORDINATOR_TAKEN
from portal.models import AgeGroup, ContactPerson, Department, Forum, Notification, Page, ServiceArea, Topic
from tests.conftest import make_staff
from tests.factories import (
    AgeGroupFactory,
    ContactPersonFactory,
    DepartmentFactory,
    ForumFactory,
    PageFactory,
    ServiceAreaFactory,
    TopicFactory,
)

EDITABLE = {
    Department: DepartmentFactory,
    ServiceArea: ServiceAreaFactory,
    AgeGroup: AgeGroupFactory,
    Topic: TopicFactory,
    ContactPerson: ContactPersonFactory,
    Page: PageFactory,
    Forum: ForumFactory,
}


@pytest.fixture
def admin_client(db, client_for):
    client = client_for(make_staff(None, "root@city.example", superuser=True))
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"  # the admin has no language prefix
    return client


def admin_url(model, view, *args):
    return reverse(f"admin:portal_{model._meta.model_name}_{view}", args=args)


def notification(**fields):
    defaults = {"key": f"test-{Notification.objects.count()}", "to": "someone@example.org", "language": "fi"}
    defaults |= {"template": "test", "subject": "Hei", "body_text": "Tervetuloa."}
    return Notification.objects.create(**(defaults | fields))


@pytest.mark.parametrize("model", list(EDITABLE), ids=lambda m: m.__name__)
def test_staff_can_list_add_and_open_every_portal_model(admin_client, model):
    obj = EDITABLE[model]()
    changelist = admin_client.get(admin_url(model, "changelist"))
    assert changelist.status_code == 200
    assert str(obj) in changelist.content.decode()
    assert admin_client.get(admin_url(model, "add")).status_code == 200
    assert admin_client.get(admin_url(model, "change", obj.pk)).status_code == 200


def test_changelists_search_and_filter(admin_client):
    ContactPersonFactory(name="Laura Heikkilä")
    response = admin_client.get(admin_url(ContactPerson, "changelist") + "?q=heikkil&is_coordinator__exact=0")
    assert response.status_code == 200
    assert "Laura Heikkilä" in response.content.decode()


def test_page_admin_shows_a_preview_of_the_saved_markdown(admin_client):
    page = PageFactory(body="## Palaute\n\nKirjoita **meille**.<script>alert(1)</script>")
    body = admin_client.get(admin_url(Page, "change", page.pk)).content.decode()
    assert "<h2>Palaute</h2>" in body
    assert "<strong>meille</strong>" in body
    assert "<script>alert(1)</script>" not in body


def test_a_second_coordinator_is_refused_with_a_clear_message(admin_client):
    current = ContactPersonFactory(name="Sanna Lehtinen", is_coordinator=True)
    department = DepartmentFactory()
    response = admin_client.post(
        admin_url(ContactPerson, "add"),
        {
            "name": "Toinen Koordinaattori",
            "title": "Koordinaattori",
            "department": department.pk,
            "email": "toinen@city.example",
            "is_coordinator": "on",
            "is_public": "on",
        },
    )
    assert response.status_code == 200
    assert COORDINATOR_TAKEN % {"name": current.name} in response.content.decode()
    assert ContactPerson.objects.filter(is_coordinator=True).get() == current
    assert not ContactPerson.objects.filter(name="Toinen Koordinaattori").exists()


def test_the_outbox_is_listed_but_cannot_be_added_edited_or_deleted(admin_client):
    row = notification(subject="Kutsu yhdistysiltaan")
    changelist = admin_client.get(admin_url(Notification, "changelist"))
    assert changelist.status_code == 200
    assert "Kutsu yhdistysiltaan" in changelist.content.decode()
    assert admin_client.get(admin_url(Notification, "add")).status_code == 403
    detail = admin_client.get(admin_url(Notification, "change", row.pk))
    assert detail.status_code == 200
    assert 'name="_save"' not in detail.content.decode()
    admin_client.post(admin_url(Notification, "change", row.pk), {"subject": "Muutettu"})
    row.refresh_from_db()
    assert row.subject == "Kutsu yhdistysiltaan"
    assert admin_client.post(admin_url(Notification, "delete", row.pk), {"post": "yes"}).status_code == 403
    assert Notification.objects.filter(pk=row.pk).exists()


def send_now(admin_client, *rows):
    return admin_client.post(
        admin_url(Notification, "changelist"),
        {"action": "send_now", "_selected_action": [row.pk for row in rows]},
        follow=True,
    )


def test_send_now_sends_a_scheduled_email_at_once(admin_client):
    in_three_days = timezone.now() + timedelta(days=3)
    row = notification(send_after=in_three_days, next_attempt_at=in_three_days)
    response = send_now(admin_client, row)
    row.refresh_from_db()
    assert row.sent_at is not None
    assert [message.subject for message in mail.outbox] == ["Hei"]
    assert "1 e-mail sent." in response.content.decode()


def test_retry_sends_an_email_the_outbox_gave_up_on(admin_client):
    row = notification(attempts=8, last_error="SMTPServerDisconnected", failed_at=timezone.now())
    send_now(admin_client, row)
    row.refresh_from_db()
    assert row.sent_at is not None and row.failed_at is None
    assert mail.outbox[0].to == ["someone@example.org"]


def test_an_email_already_sent_is_never_sent_again(admin_client):
    row = notification(sent_at=timezone.now(), attempts=1)
    response = send_now(admin_client, row)
    assert mail.outbox == []
    assert "The selected e-mails have been sent already." in response.content.decode()


def test_a_failing_send_is_reported_and_the_row_waits(admin_client, settings):
    settings.EMAIL_BACKEND = "tests.portal.test_admin.BrokenSMTPBackend"
    row = notification()
    response = send_now(admin_client, row)
    row.refresh_from_db()
    assert row.sent_at is None and row.attempts == 1
    assert "SMTPServerDisconnected" in row.last_error
    assert "1 e-mail could not be sent: see the last error on its row." in response.content.decode()


class BrokenSMTPBackend:
    """An e-mail backend whose SMTP server has gone away."""

    def __init__(self, *args, **kwargs):
        pass

    def open(self):
        return True

    def close(self):
        pass

    def send_messages(self, messages):
        import smtplib

        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
