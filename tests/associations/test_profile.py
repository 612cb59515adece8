import json
import re

import pytest

from associations.models import Association, Event
from tests.associations.factories import EventFactory, PartnershipAgreementFactory, image_upload
from tests.dates import days_ago, days_ahead
from tests.factories import AssociationFactory, MembershipFactory, UserFactory


def jsonld(response):
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', response.content.decode(), re.S)
    return [json.loads(b) for b in blocks]


@pytest.mark.django_db
def test_the_profile_shows_description_contacts_events_and_agreements(client):
    association = AssociationFactory(
        name="Porin Karhut ry",
        slug="porin-karhut",
        description="Jääkiekkoa **lapsille**.",
        website="https://karhut.example",
        phone="+358 40 123 4567",
        founded_year=1967,
    )
    EventFactory(association=association, title="Joulunäytös", start_date=days_ahead(15))
    EventFactory(association=association, title="Vanha turnaus", start_date=days_ago(330))
    EventFactory(association=association, title="Odottaa", moderation_state=Event.ModerationState.PENDING)
    PartnershipAgreementFactory(association=association, title="Liikuntakumppanuus")
    body = client.get("/en/associations/porin-karhut/").content.decode()
    assert "<strong>lapsille</strong>" in body
    assert 'href="https://karhut.example"' in body
    assert "Joulunäytös" in body
    assert "Vanha turnaus" not in body and "Odottaa" not in body
    assert "Liikuntakumppanuus" in body
    assert "1967" in body


@pytest.mark.django_db
def test_the_profile_has_organization_json_ld_that_a_script_in_the_description_cannot_break(client):
    AssociationFactory(
        name="Porin Karhut ry",
        slug="porin-karhut",
        description='</script><script>alert("x")</script> & more',
        business_id="0112038-9",
        email="info@karhut.example",
    )
    response = client.get("/en/associations/porin-karhut/")
    body = response.content.decode()
    assert "<script>alert" not in body
    (data,) = jsonld(response)
    assert data["@type"] == "Organization"
    assert data["name"] == "Porin Karhut ry"
    assert data["description"] == '</script><script>alert("x")</script> & more'
    assert data["identifier"][0]["value"] == "0112038-9"
    assert data["url"].endswith("/en/associations/porin-karhut/")


@pytest.mark.django_db
@pytest.mark.parametrize("attrs", [{"is_public": False}, {"moderation_state": Association.ModerationState.PENDING}])
def test_a_hidden_or_pending_entry_is_not_found_by_the_public(client, attrs):
    AssociationFactory(slug="hidden", **attrs)
    assert client.get("/en/associations/hidden/").status_code == 404


@pytest.mark.django_db
def test_a_pending_entry_is_visible_to_its_own_applicant_without_json_ld(client_for):
    applicant = UserFactory()
    association = AssociationFactory(
        slug="uusi", moderation_state=Association.ModerationState.PENDING, created_by=applicant
    )
    membership = MembershipFactory(user=applicant, association=association, state="pending", approved_at=None)
    response = client_for(membership.user).get("/en/associations/uusi/")
    assert response.status_code == 200
    assert jsonld(response) == []


@pytest.mark.django_db
def test_a_public_logo_is_served_to_everyone_and_a_hidden_one_to_nobody_outside(client, outsider, client_for):
    public = AssociationFactory(slug="public", logo=image_upload())
    hidden = AssociationFactory(slug="hidden", logo=image_upload(), is_public=False)
    response = client.get(public.logo_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    assert client_for(outsider).get(hidden.logo_url).status_code == 404
