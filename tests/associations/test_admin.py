import pytest
from django.forms.models import model_to_dict

from associations.admin import AssociationAdminForm, EventAdminForm
from associations.models import Association, Event, Membership
from tests.associations.factories import EventFactory, image_upload
from tests.factories import AssociationFactory, UserFactory


@pytest.fixture
def pending_claim(association):
    return Membership.objects.create(
        user=UserFactory(email="applicant@example.org"), association=association, state="pending", role="admin"
    )


def test_staff_approve_a_representative_with_an_admin_action(client_for, staff, pending_claim, outbox):
    response = client_for(staff).post(
        "/admin/associations/membership/", {"action": "approve", "_selected_action": [pending_claim.pk]}
    )
    assert response.status_code == 302
    pending_claim.refresh_from_db()
    assert pending_claim.state == "approved" and pending_claim.approved_by == staff
    assert outbox(template="membership-approved")[0].to == "applicant@example.org"


def test_the_reject_action_asks_for_a_reason_and_mails_it(client_for, staff, pending_claim, outbox):
    client = client_for(staff)
    first = client.post("/admin/associations/membership/", {"action": "reject", "_selected_action": [pending_claim.pk]})
    assert first.status_code == 200
    assert 'name="reason"' in first.content.decode()
    pending_claim.refresh_from_db()
    assert pending_claim.state == "pending"
    client.post(
        "/admin/associations/membership/",
        {"action": "reject", "_selected_action": [pending_claim.pk], "apply": "1", "reason": "Ei tunnistettu."},
    )
    pending_claim.refresh_from_db()
    assert (pending_claim.state, pending_claim.decision_reason) == ("rejected", "Ei tunnistettu.")
    assert "Ei tunnistettu." in outbox(template="membership-rejected")[0].body_text


def test_staff_moderate_new_entries_and_events_in_the_admin(client_for, staff, outbox):
    entry = AssociationFactory(name="Uusi ry", moderation_state="pending")
    event = EventFactory(moderation_state="pending", created_by=UserFactory(email="poster@example.org"))
    client = client_for(staff)
    client.post("/admin/associations/association/", {"action": "approve", "_selected_action": [entry.pk]})
    client.post("/admin/associations/event/", {"action": "approve", "_selected_action": [event.pk]})
    assert Association.objects.get(pk=entry.pk).moderation_state == "approved"
    assert Event.objects.get(pk=event.pk).moderation_state == "approved"
    assert outbox(template="event-approved")[0].to == "poster@example.org"


def test_staff_see_the_history_of_a_profile(client_for, staff, association):
    association.description = "Muutettu"
    association.save()
    response = client_for(staff).get(f"/admin/associations/association/{association.pk}/history/")
    assert response.status_code == 200
    assert "Porin Karhut ry" in response.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/admin/associations/association/",
        "/admin/associations/association/?q=karhut",
        "/admin/associations/membership/",
        "/admin/associations/event/",
        "/admin/associations/partnershipagreement/",
        "/admin/associations/fieldofactivity/",
        "/admin/associations/association/import/",
        "/admin/associations/association/add/",
        "/admin/associations/event/add/",
    ],
)
def test_admin_pages_open(client_for, superuser, association, url):
    assert client_for(superuser).get(url).status_code == 200


def test_decisions_are_made_with_the_actions_not_by_editing_the_state_in_a_change_form(
    client_for, staff, pending_claim, outbox
):
    entry = AssociationFactory(name="Uusi ry", moderation_state="pending")
    event = EventFactory(moderation_state="pending")
    client = client_for(staff)
    membership_form = client.get(f"/admin/associations/membership/{pending_claim.pk}/change/").content.decode()
    assert 'name="state"' not in membership_form
    response = client.post(
        f"/admin/associations/membership/{pending_claim.pk}/change/",
        {"role": "admin", "state": "approved", "message": "", "_save": "1"},
    )
    assert response.status_code == 302
    pending_claim.refresh_from_db()
    assert pending_claim.state == "pending"
    assert (
        'name="moderation_state"'
        not in client.get(f"/admin/associations/association/{entry.pk}/change/").content.decode()
    )
    assert 'name="moderation_state"' not in client.get(f"/admin/associations/event/{event.pk}/change/").content.decode()
    assert outbox() == []


def _admin_form(form_class, instance, **files):
    data = {k: v for k, v in model_to_dict(instance).items() if v is not None and not isinstance(v, list)}
    return form_class(data={**data, "poster_alt": "Juliste"}, files=files, instance=instance)


def test_an_image_uploaded_in_the_admin_is_stored_under_a_suffix_from_its_content(association):
    logo_form = _admin_form(AssociationAdminForm, association, logo=image_upload("logo.html"))
    assert logo_form.is_valid(), logo_form.errors
    assert logo_form.cleaned_data["logo"].name == "image.png"
    poster_form = _admin_form(
        EventAdminForm, EventFactory(association=association), poster=image_upload("p.svg", "GIF")
    )
    assert poster_form.is_valid(), poster_form.errors
    assert poster_form.cleaned_data["poster"].name == "image.gif"
