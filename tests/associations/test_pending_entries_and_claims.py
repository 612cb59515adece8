"""An entry waiting for moderation is its creator's and staff's alone; claims are limited and carry no links."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext

from associations.models import Association, Membership
from associations.services import memberships, registry
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def creator(db):
    return UserFactory(email="creator@example.org")


@pytest.fixture
def pending_entry(creator):
    return registry.association_create(user=creator, data={"name": "Uusi Kuoro ry", "kind": "registered"})


def test_a_stranger_does_not_find_an_entry_waiting_for_moderation_in_the_represent_search(
    client_for, outsider, pending_entry
):
    response = client_for(outsider).get("/en/associations/represent/", {"q": "Uusi Kuoro"})
    assert response.status_code == 200
    assert response.context["results"] == []
    assert pending_entry.get_absolute_url() not in response.content.decode()


def test_a_stranger_cannot_claim_an_entry_waiting_for_moderation(client_for, outsider, pending_entry, outbox):
    response = client_for(outsider).post(f"/en/associations/{pending_entry.slug}/claim/", {"message": "Minä"})
    assert response.status_code == 404
    with pytest.raises(ValidationError):
        memberships.membership_claim(user=outsider, association=pending_entry, message="Minä")
    assert not Membership.objects.filter(user=outsider).exists()
    assert outbox(template="membership-requested") == []


def test_an_entry_waiting_for_moderation_is_shown_to_its_creator_and_staff_only(
    client_for, creator, outsider, staff, pending_entry
):
    # A claim made before claims of waiting entries were refused still shows nothing.
    Membership.objects.create(user=outsider, association=pending_entry, role="admin", state="pending")
    url = f"/en/associations/{pending_entry.slug}/"
    assert client_for(creator).get(url).status_code == 200
    assert client_for(staff).get(url).status_code == 200
    assert client_for(outsider).get(url).status_code == 404


def test_a_rejection_reason_goes_to_the_creator_and_not_to_a_pending_claimant(
    creator, outsider, staff, pending_entry, outbox
):
    Membership.objects.create(user=outsider, association=pending_entry, role="admin", state="pending")
    registry.association_reject(association=pending_entry, user=staff, reason="Yksityinen syy.")
    assert [mail.to for mail in outbox(template="association-rejected")] == ["creator@example.org"]
    assert not any("Yksityinen syy." in mail.body_text for mail in outbox(to="outsider@example.org"))


def test_a_rejected_claimant_waits_30_days_before_asking_again(association, association_admin, outsider, outbox):
    memberships.membership_claim(user=outsider, association=association, message="Sihteeri")
    membership = Membership.objects.get(user=outsider)
    memberships.membership_reject(membership=membership, user=association_admin, reason="Ei tunneta.")
    with pytest.raises(ValidationError) as refused:
        memberships.membership_claim(user=outsider, association=association, message="Uudestaan")
    allowed_on = timezone.localdate() + dt.timedelta(days=memberships.CLAIM_RETRY_DAYS)
    # The message is in the site's language (Finnish), its date in the Finnish format.
    expected = str(memberships.CLAIM_TOO_SOON) % {"date": f"{allowed_on.day}.{allowed_on.month}.{allowed_on.year}"}
    assert refused.value.messages == [expected]
    assert len(outbox(template="membership-requested")) == 1
    with time_machine.travel(timezone.now() + dt.timedelta(days=memberships.CLAIM_RETRY_DAYS, hours=1)):
        memberships.membership_claim(user=outsider, association=association, message="Uudestaan")
    assert Membership.objects.get(user=outsider).state == "pending"
    assert len(outbox(template="membership-requested")) == 2


def test_the_refused_repeat_is_shown_on_the_claim_page(client_for, association, association_admin, outsider):
    memberships.membership_claim(user=outsider, association=association)
    memberships.membership_reject(
        membership=Membership.objects.get(user=outsider), user=association_admin, reason="Ei tunneta."
    )
    response = client_for(outsider).post("/en/associations/porin-karhut/claim/", {"message": ""})
    assert response.status_code == 200
    assert "You can ask again from" in response.content.decode()


def test_links_in_a_claim_message_are_not_relayed_to_the_admins(association, association_admin, outsider, outbox):
    message = "Olen sihteeri. Kirjaudu: https://evil.example/login tai www.evil.example ja evil.example/x"
    memberships.membership_claim(user=outsider, association=association, message=message)
    (mail,) = outbox(template="membership-requested")
    assert "Olen sihteeri." in mail.body_text
    for text in (mail.body_text, mail.body_html):
        assert "evil.example" not in text
    with translation.override(mail.language):
        assert gettext("[link removed]") in mail.body_text


def test_an_approved_public_entry_can_still_be_found_and_claimed(client_for, outsider, association):
    response = client_for(outsider).get("/en/associations/represent/", {"q": "Porin Karhut"})
    assert [a.slug for a in response.context["results"]] == ["porin-karhut"]
    assert Association.objects.get(slug="porin-karhut").moderation_state == "approved"
