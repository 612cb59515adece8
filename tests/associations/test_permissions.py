"""The permission matrix: every object URL × every persona. The wrong ones get 403/404 (or the
sign-in page) and nothing changes in the database."""

import datetime as dt

import pytest

from associations.models import Event, Membership, PartnershipAgreement
from tests.associations.factories import EventFactory, PartnershipAgreementFactory, pdf_upload
from tests.factories import UserFactory

PERSONAS = ["public", "outsider", "member", "admin", "other_staff", "staff"]
LOGIN = "login"  # a redirect to the sign-in page


@pytest.fixture
def world(association, association_admin, association_member, outsider, staff, other_staff, department):
    pending_user = UserFactory(email="applicant@example.org")
    pending = Membership.objects.create(user=pending_user, association=association, state="pending")
    event = EventFactory(association=association, title="Kevätkokous", moderation_state=Event.ModerationState.PENDING)
    agreement = PartnershipAgreementFactory(
        association=association, department=department, title="Salainen sopimus", is_public=False, document=pdf_upload()
    )
    users = {
        "public": None,
        "outsider": outsider,
        "member": association_member,
        "admin": association_admin,
        "other_staff": other_staff,
        "staff": staff,
    }
    return {"users": users, "pending": pending, "event": event, "agreement": agreement, "association": association}


def state(world):
    association, event, agreement, pending = world["association"], world["event"], world["agreement"], world["pending"]
    association.refresh_from_db()
    return (
        association.description,
        association.history.count(),
        Membership.objects.filter(pk=pending.pk).values_list("state", "role").first(),
        Membership.objects.filter(association=association).count(),
        Event.objects.filter(pk=event.pk).values_list("title", "moderation_state").first(),
        PartnershipAgreement.objects.filter(pk=agreement.pk).values_list("title", "is_public").first(),
    )


def _requests(world):
    slug = world["association"].slug
    pending, event, agreement = world["pending"], world["event"], world["agreement"]
    base = f"/en/associations/{slug}"
    return {
        "profile-edit-get": ("get", f"{base}/edit/", None),
        "profile-edit-post": (
            "post",
            f"{base}/edit/",
            {"name": "Porin Karhut ry", "kind": "registered", "prh_class": "sports", "description": "Hacked"},
        ),
        "members-get": ("get", f"{base}/members/", None),
        "member-approve": ("post", f"{base}/members/{pending.pk}/approve/", {}),
        "member-role": ("post", f"{base}/members/{pending.pk}/role/", {"role": "admin"}),
        "member-remove": ("post", f"{base}/members/{pending.pk}/remove/", {}),
        "event-detail": ("get", f"/en/associations/events/{event.pk}/", None),
        "event-edit-get": ("get", f"/en/associations/events/{event.pk}/edit/", None),
        "event-edit-post": (
            "post",
            f"/en/associations/events/{event.pk}/edit/",
            {"kind": "event", "title": "Hacked", "start_date": "2026-12-24"},
        ),
        "event-delete": ("post", f"/en/associations/events/{event.pk}/delete/", {}),
        "agreement-detail": ("get", f"/en/associations/agreements/{agreement.pk}/", None),
        "agreement-document": ("get", f"/en/associations/agreements/{agreement.pk}/document/", None),
        "agreement-admin-get": ("get", f"/admin/associations/partnershipagreement/{agreement.pk}/change/", None),
        "agreement-admin-post": (
            "post",
            f"/admin/associations/partnershipagreement/{agreement.pk}/change/",
            {"title": "Hacked", "is_public": "on"},
        ),
    }


#             public  outsider member admin other_staff staff
EXPECTED = {
    "profile-edit-get": (LOGIN, 404, 200, 200, 404, 404),
    "members-get": (LOGIN, 404, 403, 200, 404, 404),
    "event-detail": (404, 404, 200, 200, 200, 200),
    "event-edit-get": (LOGIN, 404, 200, 200, 404, 404),
    "agreement-detail": (404, 404, 200, 200, 404, 200),
    "agreement-document": (404, 404, 200, 200, 404, 200),
    "agreement-admin-get": (LOGIN, 403, 403, 403, "admin-index", 200),
}
# Writes: who may do them; everyone else is refused and nothing changes.
WRITES = {
    "profile-edit-post": {"member", "admin"},
    "member-approve": {"admin"},
    "member-role": {"admin"},
    "member-remove": {"admin"},
    "event-edit-post": {"member", "admin"},
    "event-delete": {"member", "admin"},
    "agreement-admin-post": {"staff"},  # the same department's staff: see the admin tests below
}


def _send(client_for, world, persona, name):
    method, url, data = _requests(world)[name]
    client = client_for(world["users"][persona])
    return client.get(url) if method == "get" else client.post(url, data)


def _outcome(response):
    if response.status_code == 302:
        location = response["Location"]
        if "/accounts/login/" in location or "/admin/login/" in location:
            return LOGIN
        if location.rstrip("/").endswith("/admin"):
            return "admin-index"
        return 302
    return response.status_code


@pytest.mark.parametrize("name", EXPECTED)
@pytest.mark.parametrize("persona", PERSONAS)
def test_reading_an_object_url(client_for, world, persona, name):
    response = _send(client_for, world, persona, name)
    assert _outcome(response) == EXPECTED[name][PERSONAS.index(persona)]


@pytest.mark.parametrize(("name", "persona"), [(n, p) for n in WRITES for p in PERSONAS if p not in WRITES[n]])
def test_writing_to_an_object_url_is_refused_for_the_wrong_people(client_for, world, persona, name):
    before = state(world)
    response = _send(client_for, world, persona, name)
    assert _outcome(response) in {LOGIN, 403, 404, "admin-index"}
    assert state(world) == before


@pytest.mark.parametrize(
    ("name", "persona"), [(n, p) for n, ps in WRITES.items() for p in sorted(ps) if not n.startswith("agreement-admin")]
)
def test_writing_to_an_object_url_works_for_the_right_people(client_for, world, persona, name):
    before = state(world)
    response = _send(client_for, world, persona, name)
    assert response.status_code == 302
    assert state(world) != before


def test_staff_see_only_their_own_departments_agreements_in_the_admin_list(client_for, world, other_staff, staff):
    mine = client_for(staff).get("/admin/associations/partnershipagreement/")
    theirs = client_for(other_staff).get("/admin/associations/partnershipagreement/")
    assert "Salainen sopimus" in mine.content.decode()
    assert theirs.status_code == 200
    assert "Salainen sopimus" not in theirs.content.decode()


def test_the_same_departments_staff_edit_the_agreement_in_the_admin(client_for, world, staff, department):
    agreement = world["agreement"]
    response = client_for(staff).post(
        f"/admin/associations/partnershipagreement/{agreement.pk}/change/",
        {
            "association": agreement.association_id,
            "department": department.pk,
            "responsible_person": agreement.responsible_person_id,
            "title": "Liikuntakumppanuus 2026–2028",
            "initiated_by": "association",
            "goals": "Harrastustoimintaa lapsille.",
            "valid_from": "2026-01-01",
            "valid_until": "2028-12-31",
            "is_public": "on",
            "reviews-TOTAL_FORMS": "1",
            "reviews-INITIAL_FORMS": "0",
            "reviews-MIN_NUM_FORMS": "0",
            "reviews-MAX_NUM_FORMS": "1000",
            "reviews-0-held_on": "2026-03-02",
            "reviews-0-notes": "Hyvä vuosi.",
            "reviews-0-next_due_on": "2027-03-01",
        },
    )
    assert response.status_code == 302, response.context and response.context.get("errors")
    agreement.refresh_from_db()
    assert agreement.title == "Liikuntakumppanuus 2026–2028"
    assert agreement.reviews.get().next_due_on == dt.date(2027, 3, 1)
    assert agreement.history.first().history_user == staff


def test_staff_cannot_move_an_agreement_to_a_department_that_is_not_theirs(client_for, world, staff, other_department):
    agreement = world["agreement"]
    response = client_for(staff).post(
        f"/admin/associations/partnershipagreement/{agreement.pk}/change/",
        {
            "association": agreement.association_id,
            "department": other_department.pk,
            "responsible_person": agreement.responsible_person_id,
            "title": agreement.title,
            "initiated_by": "staff",
            "goals": agreement.goals,
            "valid_from": "2026-01-01",
            "reviews-TOTAL_FORMS": "0",
            "reviews-INITIAL_FORMS": "0",
            "reviews-MIN_NUM_FORMS": "0",
            "reviews-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 200
    assert "department" in response.context["adminform"].form.errors
    agreement.refresh_from_db()
    assert agreement.department_id != other_department.pk
