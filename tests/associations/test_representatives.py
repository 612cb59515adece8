import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from associations.acting import SESSION_KEY, acting_association
from associations.models import Association, Membership
from associations.search import SEARCH_TOO_LONG
from associations.services import memberships, registry
from tests.associations.utils import en
from tests.factories import AssociationFactory, MembershipFactory, UserFactory


def test_claiming_an_entry_without_admins_goes_to_staff_and_makes_the_claimant_its_admin(client_for, outsider, outbox):
    association = AssociationFactory(name="Porin Karhut ry", slug="porin-karhut")
    response = client_for(outsider).post("/en/associations/porin-karhut/claim/", {"message": "Sihteeri"})
    assert response.status_code == 302
    membership = Membership.objects.get(user=outsider, association=association)
    assert (membership.state, membership.role, membership.message) == ("pending", "admin", "Sihteeri")
    (mail,) = outbox(template="membership-requested")
    assert mail.to == "yhdistysyhteistyo@pori.fi"
    assert "outsider@example.org" in mail.body_text
    assert f"/admin/associations/membership/{membership.pk}/change/" in mail.body_text


def test_claiming_an_entry_with_an_admin_asks_that_admin(client_for, association, association_admin, outsider, outbox):
    client_for(outsider).post("/en/associations/porin-karhut/claim/", {"message": ""})
    membership = Membership.objects.get(user=outsider)
    assert membership.role == "member"
    (mail,) = outbox(template="membership-requested")
    assert mail.to == "admin@karhut.example"
    assert "/associations/porin-karhut/members/" in mail.body_text


def test_claiming_twice_is_refused_with_a_message(client_for, association, association_member):
    response = client_for(association_member).post("/en/associations/porin-karhut/claim/", {"message": ""})
    assert response.status_code == 200
    assert en(memberships.ALREADY_REPRESENTS) in response.content.decode()
    assert Membership.objects.filter(user=association_member).count() == 1


def test_the_admin_representative_approves_a_request_and_the_applicant_is_told(
    client_for, association, association_admin, outsider, outbox
):
    membership = Membership.objects.create(user=outsider, association=association, state="pending")
    response = client_for(association_admin).post(f"/en/associations/porin-karhut/members/{membership.pk}/approve/")
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.state == "approved" and membership.approved_by == association_admin
    (mail,) = outbox(template="membership-approved")
    assert mail.to == "outsider@example.org"
    assert membership.history.first().history_user == association_admin


def test_a_rejection_needs_a_reason_and_mails_it(client_for, association, association_admin, outsider, outbox):
    membership = Membership.objects.create(user=outsider, association=association, state="pending")
    url = f"/en/associations/porin-karhut/members/{membership.pk}/reject/"
    response = client_for(association_admin).post(url, {"reason": ""})
    assert response.status_code == 200
    membership.refresh_from_db()
    assert membership.state == "pending"
    client_for(association_admin).post(url, {"reason": "Ei hallituksen jäsen."})
    membership.refresh_from_db()
    assert membership.state == "rejected"
    (mail,) = outbox(template="membership-rejected")
    assert "Ei hallituksen jäsen." in mail.body_text


def test_the_last_admin_cannot_be_demoted_or_removed(client_for, association, association_admin):
    membership = Membership.objects.get(user=association_admin)
    client = client_for(association_admin)
    response = client.post(
        f"/en/associations/porin-karhut/members/{membership.pk}/role/", {"role": "member"}, follow=True
    )
    assert en(memberships.LAST_ADMIN) in response.content.decode()
    membership.refresh_from_db()
    assert membership.role == "admin"
    with pytest.raises(ValidationError):
        memberships.membership_remove(membership=membership, user=association_admin)


def test_an_admin_promotes_a_member_and_removes_another(client_for, association, association_admin, association_member):
    member = Membership.objects.get(user=association_member)
    client = client_for(association_admin)
    client.post(f"/en/associations/porin-karhut/members/{member.pk}/role/", {"role": "admin"})
    member.refresh_from_db()
    assert member.role == "admin"
    client.post(f"/en/associations/porin-karhut/members/{member.pk}/remove/")
    assert not Membership.objects.filter(pk=member.pk).exists()


def test_a_member_cannot_decide_requests(association, association_member, outsider):
    membership = Membership.objects.create(user=outsider, association=association, state="pending")
    with pytest.raises(PermissionDenied):
        memberships.membership_approve(membership=membership, user=association_member)


def test_creating_a_new_entry_waits_for_moderation(client_for, outsider, outbox):
    response = client_for(outsider).post(
        "/en/associations/new/",
        {"name": "Reposaaren Kyläyhdistys ry", "kind": "registered", "prh_class": "leisure", "is_public": "on"},
    )
    assert response.status_code == 302
    association = Association.objects.get(name="Reposaaren Kyläyhdistys ry")
    assert association.moderation_state == "pending"
    assert association.slug == "reposaaren-kylayhdistys-ry"
    assert Membership.objects.get(association=association).role == "admin"
    assert outbox(template="association-submitted")[0].to == "yhdistysyhteistyo@pori.fi"
    assert outbox.__call__(template="association-submitted")
    assert "Reposaaren" not in [a.name for a in Association.objects.public()]


def test_staff_approve_a_new_entry_and_its_creator_becomes_admin(outsider, staff, outbox):
    association = registry.association_create(user=outsider, data={"name": "Uusi Seura ry", "kind": "registered"})
    registry.association_approve(association=association, user=staff)
    association.refresh_from_db()
    assert association.moderation_state == "approved"
    membership = Membership.objects.get(association=association)
    assert membership.is_admin
    assert outbox(template="association-approved")[0].to == "outsider@example.org"


def test_staff_reject_a_new_entry_with_a_reason(outsider, staff, outbox):
    association = registry.association_create(user=outsider, data={"name": "Tupla ry", "kind": "registered"})
    with pytest.raises(ValidationError):
        registry.association_reject(association=association, user=staff, reason="  ")
    registry.association_reject(association=association, user=staff, reason="Sama kuin Porin Tupla ry.")
    (mail,) = outbox(template="association-rejected")
    assert "Sama kuin Porin Tupla ry." in mail.body_text
    assert Membership.objects.get(association=association).state == "rejected"


def test_a_representative_of_several_chooses_whom_to_act_for(client_for, rf, db):
    user = UserFactory()
    first = MembershipFactory(user=user, association__name="A ry").association
    second = MembershipFactory(user=user, association__name="B ry").association
    client = client_for(user)
    page = client.get("/en/associations/").content.decode()
    assert 'name="association"' in page and "A ry" in page and "B ry" in page
    response = client.post("/en/associations/acting-for/", {"association": second.pk, "next": "/en/associations/"})
    assert response.status_code == 302 and response["Location"] == "/en/associations/"
    assert client.session[SESSION_KEY] == second.pk
    # Choosing an association one does not represent is refused.
    other = AssociationFactory()
    client.post("/en/associations/acting-for/", {"association": other.pk})
    assert client.session[SESSION_KEY] == second.pk
    assert first.pk != second.pk


def test_acting_for_forgets_a_removed_membership(rf, db):
    user = UserFactory()
    membership = MembershipFactory(user=user)
    request = rf.get("/")
    request.user = user
    request.session = {SESSION_KEY: membership.association_id}
    assert acting_association(request) == membership.association
    membership.delete()
    request = rf.get("/")
    request.user = user
    request.session = {SESSION_KEY: membership.association_id}
    assert acting_association(request) is None


def test_a_10000_character_search_when_claiming_gets_a_message(client_for, outsider, association):
    response = client_for(outsider).get("/en/associations/represent/", {"q": "k" * 10_000})
    assert response.status_code == 200
    assert en(SEARCH_TOO_LONG, {"limit_value": 200}) in response.content.decode()
    assert response.context["results"] == []


def test_approving_a_new_entry_does_not_approve_a_stranger_who_claimed_it_meanwhile(outsider, staff, outbox):
    association = registry.association_create(user=outsider, data={"name": "Uusi Seura ry", "kind": "registered"})
    stranger = UserFactory(email="stranger@example.org")
    # Claims of a waiting entry are refused now; one made before that rule is still not approved.
    Membership.objects.create(user=stranger, association=association, role="admin", state="pending")
    registry.association_approve(association=association, user=staff)
    assert Membership.objects.get(user=outsider).is_admin
    claim = Membership.objects.get(user=stranger)
    assert claim.state == "pending"
    assert [mail.to for mail in outbox(template="association-approved")] == ["outsider@example.org"]
