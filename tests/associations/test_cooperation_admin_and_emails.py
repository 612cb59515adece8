"""Staff handle requests and initiatives in the admin through the services; every e-mail of the
forms of cooperation is in its recipient's language whatever page caused it."""

import pytest
from django.conf import settings
from django.utils import translation

from associations.cooperation import services
from associations.cooperation.models import CityRequest, LocalInitiative, RequestKind
from associations.models import Language
from portal.models import Notification
from tests.associations.cooperation_factories import (
    CityEventFactory,
    LocalInitiativeFactory,
    grant_cooperation_permissions,
    handler,
    letter_data,
)
from tests.conftest import make_staff

pytestmark = pytest.mark.django_db

ALL_TEMPLATES = {
    "city-request-submitted",
    "city-request-in-handling",
    "city-request-granted",
    "city-request-declined",
    "city-request-withdrawn",
    "local-initiative-submitted",
    "local-initiative-decided",
}


@pytest.fixture
def staff(staff, department):
    grant_cooperation_permissions(department.staff_group)
    return staff


@pytest.fixture
def city_request(association, association_member, department, monkeypatch):
    monkeypatch.setattr(services, "_queue_letter", lambda pk: None)
    handler(RequestKind.RECOMMENDATION, department=department)
    return services.city_request_submit(
        association=association, user=association_member, kind=RequestKind.RECOMMENDATION, data=letter_data()
    )


def test_staff_take_and_grant_a_request_in_the_admin(client_for, staff, city_request):
    client = client_for(staff)
    url = "/admin/associations/cityrequest/"
    client.post(url, {"action": "take", "_selected_action": [city_request.pk]})
    city_request.refresh_from_db()
    assert city_request.state == "in_handling"
    form = client.post(url, {"action": "grant", "_selected_action": [city_request.pk]})
    assert form.status_code == 200 and 'name="reason"' in form.content.decode()
    client.post(url, {"action": "grant", "_selected_action": [city_request.pk], "apply": "1", "reason": "Hyvä hanke."})
    city_request.refresh_from_db()
    assert (city_request.state, city_request.decision_reason) == ("granted", "Hyvä hanke.")
    assert city_request.joint_project is not None and city_request.decided_by == staff


def test_decline_in_the_admin_needs_grounds(client_for, staff, city_request):
    client = client_for(staff)
    url = "/admin/associations/cityrequest/"
    empty = client.post(url, {"action": "decline", "_selected_action": [city_request.pk], "apply": "1", "reason": ""})
    assert empty.status_code == 200  # the form again, with its error
    city_request.refresh_from_db()
    assert city_request.state == "submitted"
    client.post(url, {"action": "decline", "_selected_action": [city_request.pk], "apply": "1", "reason": "Ei nyt."})
    city_request.refresh_from_db()
    assert (city_request.state, city_request.decision_reason) == ("declined", "Ei nyt.")


def test_a_refused_transition_is_reported_not_raised(client_for, staff, city_request):
    services.city_request_withdraw(city_request=city_request, user=city_request.created_by)
    response = client_for(staff).post(
        "/admin/associations/cityrequest/", {"action": "take", "_selected_action": [city_request.pk]}, follow=True
    )
    assert response.status_code == 200
    city_request.refresh_from_db()
    assert city_request.state == "withdrawn"


def test_staff_of_no_cooperation_group_cannot_open_the_requests(client_for, other_department, city_request):
    stranger = make_staff(other_department, "stranger@city.example")
    assert client_for(stranger).get("/admin/associations/cityrequest/").status_code == 403
    response = client_for(stranger).post(
        "/admin/associations/cityrequest/", {"action": "take", "_selected_action": [city_request.pk]}
    )
    assert response.status_code == 403
    city_request.refresh_from_db()
    assert city_request.state == "submitted"


def test_staff_decide_initiatives_in_the_admin(client_for, staff, outsider):
    initiative = LocalInitiativeFactory(created_by=outsider)
    client = client_for(staff)
    url = "/admin/associations/localinitiative/"
    client.post(url, {"action": "assess", "_selected_action": [initiative.pk]})
    client.post(
        url, {"action": "accept", "_selected_action": [initiative.pk], "apply": "1", "reason": "Kriteerit 1–3."}
    )
    client.post(url, {"action": "carried_out", "_selected_action": [initiative.pk]})
    initiative.refresh_from_db()
    assert initiative.state == LocalInitiative.State.CARRIED_OUT and initiative.decision_reason == "Kriteerit 1–3."


def cause_every_email(*, association, member, staff, outsider, department):
    handler(RequestKind.RECOMMENDATION, department=department)
    granted = services.city_request_submit(
        association=association, user=member, kind=RequestKind.RECOMMENDATION, data=letter_data()
    )
    services.city_request_take(city_request=granted, user=staff)
    services.city_request_grant(city_request=granted, user=staff, reason="Kyllä.")
    declined = services.city_request_submit(
        association=association, user=member, kind=RequestKind.RECOMMENDATION, data=letter_data(title="Toinen")
    )
    services.city_request_decline(city_request=declined, user=staff, reason="Ei.")
    signup = services.city_event_signup(
        city_event=CityEventFactory(), association=association, user=member, description="Kahvio."
    )
    services.city_request_withdraw(city_request=signup, user=member)
    initiative = services.local_initiative_submit(
        user=outsider,
        data={
            "title": "Talkoot",
            "description": "Puisto.",
            "group_name": "Asukkaat",
            "residents_contribution": "Työ.",
            "needs_work": True,
        },
    )
    services.local_initiative_decline(initiative=initiative, user=staff, reason="Ei kaupungin maata.")


@pytest.mark.parametrize("page_language", ["en", "pl"])
def test_every_email_is_in_its_recipients_language(
    association, association_member, staff, outsider, department, page_language, monkeypatch
):
    """Staff, handlers and residents get the site's language; the association gets its own (the
    letter's language, here Swedish) — never the language of the page that caused the e-mail."""
    monkeypatch.setattr(services, "_queue_letter", lambda pk: None)
    association.languages.add(Language.objects.create(code="sv", name="ruotsi", order=1))
    with translation.override(page_language):
        cause_every_email(
            association=association, member=association_member, staff=staff, outsider=outsider, department=department
        )
    rows = list(Notification.objects.all())
    assert {row.template for row in rows} == ALL_TEMPLATES
    for row in rows:
        expected = "sv" if row.to == association_member.email else settings.LANGUAGE_CODE
        assert row.language == expected, row.template
        for body in (row.body_text, row.body_html):
            assert f"{settings.SITE_URL}/{page_language}/" not in body, row.template
    to_association = " ".join(r.body_text for r in rows if r.to == association_member.email)
    assert f"{settings.SITE_URL}/sv/associations/cooperation/requests/" in to_association
    assert "/letter.pdf" in to_association
    assert CityRequest.objects.count() == 3
