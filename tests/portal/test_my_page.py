"""'My associations': the representative's own page, download my data, delete my account."""

import datetime as dt
import json

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from annualclock.models import MeetingInvitation
from associations.models import Association, Membership
from newsletter.models import Subscriber
from portal.services.account_deletion import CONFIRMATION_REQUIRED, STAFF_CANNOT_DELETE
from tests.annualclock.factories import MeetingFactory, MeetingResponseFactory
from tests.associations.factories import EventFactory
from tests.factories import AssociationFactory, MembershipFactory, UserFactory
from tests.grants.factories import ApplicationFactory, GrantRoundFactory

pytestmark = pytest.mark.django_db

with translation.override("en"):  # the tests read the English page
    MINE = reverse("portal:mine")
    DATA = reverse("portal:my-data")
    DELETE = reverse("portal:account-delete")


def soon(days=10):
    return timezone.localdate() + dt.timedelta(days=days)


@pytest.fixture
def volunteer(association):
    """Represents Porin Karhut (approved admin) and waits for approval in the reading circle."""
    user = MembershipFactory(association=association, role="admin", user__email="sihteeri@karhut.example").user
    circle = AssociationFactory(name="Keskustan Lukupiiri", slug="lukupiiri")
    MembershipFactory(association=circle, user=user, state="pending", approved_at=None)
    return user


def test_signed_out_visitor_is_sent_to_sign_in(client):
    response = client.get(MINE)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_sign_in_leads_to_my_associations(client, volunteer):
    volunteer.set_password("a long enough password 1")
    volunteer.save()
    response = client.post(reverse("account_login"), {"login": volunteer.email, "password": "a long enough password 1"})
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:mine")  # in the sign-in page's language


def test_page_shows_what_i_represent_with_role_and_pending_claim(client_for, volunteer, association):
    association.last_confirmed_on = None
    association.save()
    page = client_for(volunteer).get(MINE).content.decode()
    assert "Porin Karhut ry" in page
    assert "Administrator" in page
    assert "Keskustan Lukupiiri" in page and "Waiting for approval" in page
    assert "Waits for you: check that the profile is current and confirm it." in page
    assert reverse("associations:confirm", args=["porin-karhut"]) in page


def test_a_recently_confirmed_profile_does_not_wait_for_me(client_for, volunteer, association):
    association.last_confirmed_on = timezone.localdate()
    association.save()
    page = client_for(volunteer).get(MINE).content.decode()
    assert "Waits for you" not in page


def test_unanswered_invitation_waits_and_answered_one_does_not(client_for, volunteer, association):
    waiting = MeetingFactory(title="Yhdistysilta syksy")
    answered = MeetingFactory(title="Avustusinfo")
    for meeting in (waiting, answered):
        MeetingInvitation.objects.create(meeting=meeting, email="info@karhut.example", association=association)
    MeetingResponseFactory(meeting=answered, association=association)
    page = client_for(volunteer).get(MINE).content.decode()
    assert "Invitations waiting for your answer" in page
    assert "Yhdistysilta syksy" in page
    assert "Avustusinfo" not in page


def test_my_events_waiting_returned_and_coming(client_for, volunteer, association):
    EventFactory(association=association, title="Kevätkisat", start_date=soon(), created_by=volunteer)
    EventFactory(
        association=association,
        title="Syysleiri",
        start_date=soon(20),
        moderation_state="rejected",
        moderation_reason="Add the address.",
        created_by=volunteer,
    )
    EventFactory(association=association, title="Toisen luonnos", start_date=soon(), moderation_state="pending")
    page = client_for(volunteer).get(MINE).content.decode()
    assert "Kevätkisat" in page
    assert "Syysleiri" in page and "Add the address." in page
    assert "Toisen luonnos" not in page  # waiting for moderation: its author's and staff's only


def test_grant_applications_plug_in_with_the_next_step(client_for, volunteer, association, department):
    ApplicationFactory(round=GrantRoundFactory(department=department), association=association, title="Junioricamp")
    page = client_for(volunteer).get(MINE).content.decode()
    assert "Junioricamp" in page
    assert "Complete and submit the application by" in page
    assert reverse("grants:my-applications") in page


def test_outsider_sees_nothing_of_others(client_for, volunteer, association, outsider):
    EventFactory(association=association, title="Kevätkisat", start_date=soon(), created_by=volunteer)
    page = client_for(outsider).get(MINE).content.decode()
    assert "Porin Karhut ry" not in page
    assert "Kevätkisat" not in page
    assert "You do not represent any association yet." in page
    data = json.loads(client_for(outsider).get(DATA).content)
    assert "Porin Karhut" not in json.dumps(data)
    assert "sihteeri@karhut.example" not in json.dumps(data)


def test_query_count_does_not_grow_with_associations_and_events(client_for, volunteer, department):
    client = client_for(volunteer)
    client.get(MINE)

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(MINE).status_code == 200
        return len(ctx)

    before = queries()
    for n in range(4):
        other = AssociationFactory()
        MembershipFactory(association=other, user=volunteer)
        EventFactory(association=other, start_date=soon(n + 1))
        meeting = MeetingFactory()
        MeetingInvitation.objects.create(meeting=meeting, email=f"x{n}@example.org", association=other)
        ApplicationFactory(round=GrantRoundFactory(department=department), association=other)
    assert queries() == before


def test_download_holds_everything_about_me(client_for, volunteer, association):
    EventFactory(association=association, title="Kevätkisat", start_date=soon(), created_by=volunteer)
    Subscriber.objects.create(email=volunteer.email, language="fi", method="account", consent_version="1")
    response = client_for(volunteer).get(DATA)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)["data"]
    assert data["portal.account"]["email"] == "sihteeri@karhut.example"
    assert {m["association"]: m["state"] for m in data["associations.memberships"]} == {
        "Porin Karhut ry": "approved",
        "Keskustan Lukupiiri": "pending",
    }
    assert data["associations.created"]["events"][0]["title"] == "Kevätkisat"
    assert data["newsletter.subscriptions"][0]["email"] == "sihteeri@karhut.example"
    assert {"grants", "annualclock.meetings", "portal.emails"} <= set(data)


def test_download_is_get_only_and_needs_sign_in(client, client_for, volunteer):
    assert client.get(DATA).status_code == 302
    assert client_for(volunteer).post(DATA).status_code == 405


def test_delete_asks_for_confirmation_and_changes_nothing_without_it(client_for, volunteer):
    client = client_for(volunteer)
    assert client.get(DELETE).status_code == 200
    response = client.post(DELETE, {})
    assert response.status_code == 400
    assert str(CONFIRMATION_REQUIRED) in response.content.decode()
    volunteer.refresh_from_db()
    assert volunteer.is_active and volunteer.email == "sihteeri@karhut.example"
    assert Membership.objects.filter(user=volunteer).count() == 2


def test_delete_ends_memberships_erases_data_and_says_what_is_kept(client_for, volunteer, association, department):
    Subscriber.objects.create(
        email=volunteer.email,
        language="fi",
        method="account",
        consent_version="1",
        requested_at=timezone.now() - dt.timedelta(days=1),
        confirmed_at=timezone.now(),
    )
    meeting = MeetingFactory()
    MeetingInvitation.objects.create(meeting=meeting, email=volunteer.email, association=association)
    MeetingResponseFactory(
        meeting=meeting, association=association, answered_by=volunteer, answered_by_email=volunteer.email
    )
    ApplicationFactory(round=GrantRoundFactory(department=department), association=association, created_by=volunteer)
    client = client_for(volunteer)

    response = client.post(DELETE, {"confirm": "yes"})

    assert response.status_code == 200
    page = response.content.decode()
    assert "Your account was deleted" in page
    assert "accounting act" in page  # the grant application is kept, and the page says so
    user = get_user_model().objects.get(pk=volunteer.pk)
    assert not user.is_active and user.email == "" and not user.has_usable_password()
    assert "karhut" not in user.username
    assert not Membership.objects.filter(user=user).exists()
    assert Association.objects.filter(pk=association.pk).exists()
    assert not Subscriber.objects.filter(email__icontains="karhut").exists()
    assert Subscriber.objects.get().unsubscribed_at is not None
    assert not MeetingInvitation.objects.filter(email=volunteer.email).exists()
    assert meeting.responses.get().answered_by_email == ""
    assert client.get(MINE).status_code == 302  # signed out


def test_delete_is_post_only_for_the_change_and_staff_are_refused(client_for, staff):
    response = client_for(staff).post(DELETE, {"confirm": "yes"})
    assert response.status_code == 400
    assert str(STAFF_CANNOT_DELETE) in response.content.decode()
    staff.refresh_from_db()
    assert staff.is_active


def test_deleting_one_account_leaves_the_other_representatives(client_for, volunteer, association):
    other = MembershipFactory(association=association, user=UserFactory(email="pj@karhut.example")).user
    client_for(volunteer).post(DELETE, {"confirm": "yes"})
    other.refresh_from_db()
    assert other.is_active and Membership.objects.filter(user=other).exists()


def test_favicon_answers_with_the_city_logo(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"].endswith(".svg")


def test_server_error_page_is_the_portals_own_in_the_layout(rf):
    from django.contrib.auth.models import AnonymousUser
    from django.utils import translation

    from portal.views import server_error

    request = rf.get("/fi/")
    request.user = AnonymousUser()
    with translation.override("fi"):
        response = server_error(request)
    assert response.status_code == 500
    html = response.content.decode()
    assert 'class="site-header"' in html
    assert "<h1>" in html and reverse("portal:home") in html


def test_home_mentions_facility_booking_only_when_facilities_have_pages(client):
    from django.urls import NoReverseMatch
    from django.urls import reverse as url

    html = client.get("/en/").content.decode()
    try:
        url("facilities:facility-list")
    except NoReverseMatch:
        assert "book facilities" not in html
    else:
        assert "book facilities" in html


def test_demo_accessibility_statement_follows_the_address_served(settings):
    import io

    from portal import demo
    from portal.models import Page

    settings.SITE_URL = "http://127.0.0.1:8000"
    demo.load(stdout=io.StringIO())
    settings.SITE_URL = "http://127.0.0.1:8101"
    demo.load(stdout=io.StringIO())
    body = Page.objects.get(slug="accessibility", language="fi").body
    assert "http://127.0.0.1:8101" in body and "8000" not in body
    edited = Page.objects.get(slug="accessibility", language="sv")
    edited.body += "\n\nStaff added this."
    edited.save()
    settings.SITE_URL = "http://127.0.0.1:8202"
    demo.load(stdout=io.StringIO())
    edited.refresh_from_db()
    assert "8101" in edited.body  # a page staff changed is left alone
