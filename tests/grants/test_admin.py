"""Staff run rounds in the admin, scoped by department; actions call the services."""

from decimal import Decimal

import pytest
from django.conf import settings

from grants.models import Application, GrantRound
from portal.models import Notification
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
URL = "/admin/grants/application/"


def english(client):
    """The admin has no language prefix: read it in English, so the asserted messages stay put."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_staff_see_only_their_departments_rounds_and_applications(client_for, staff, other_staff, submitted):
    own = client_for(staff).get(URL)
    assert own.status_code == 200 and submitted.title in own.content.decode()
    other = client_for(other_staff).get(URL)
    assert other.status_code == 200 and submitted.title not in other.content.decode()
    assert client_for(other_staff).get(f"{URL}{submitted.pk}/change/").status_code in (302, 403, 404)
    assert client_for(other_staff).get(f"/admin/grants/grantround/{submitted.round_id}/change/").status_code in (
        302,
        403,
        404,
    )
    rounds = client_for(staff).get("/admin/grants/grantround/")
    assert rounds.status_code == 200 and "Projektiavustukset" in rounds.content.decode()


def test_staff_of_another_department_cannot_act_through_the_admin(client_for, other_staff, submitted):
    client_for(other_staff).post(URL, {"action": "start_review", "_selected_action": [submitted.pk]})
    submitted.refresh_from_db()
    assert submitted.state == "submitted"


def test_staff_decide_with_an_action_that_asks_for_grounds(client_for, staff, in_review, association_admin):
    client = client_for(staff)
    first = client.post(URL, {"action": "decide", "_selected_action": [in_review.pk]})
    assert first.status_code == 200 and 'name="grounds"' in first.content.decode()
    client.post(
        URL,
        {"action": "decide", "_selected_action": [in_review.pk], "apply": "1", "amount": "750", "grounds": "Hyvä"},
    )
    in_review.refresh_from_db()
    assert in_review.state == "partly_granted" and in_review.decision.amount == Decimal("750.00")
    assert GrantRound.objects.get(pk=in_review.round_id).committed == Decimal("750.00")
    assert Notification.objects.filter(to=association_admin.email, template="grant-decision").exists()


def test_an_overcommit_in_the_admin_gives_the_message_and_changes_nothing(client_for, staff, in_review):
    GrantRound.objects.filter(pk=in_review.round_id).update(committed=Decimal("9900"))
    response = english(client_for(staff)).post(
        URL,
        {"action": "decide", "_selected_action": [in_review.pk], "apply": "1", "amount": "750", "grounds": "x"},
        follow=True,
    )
    assert "exceed the call" in response.content.decode()
    in_review.refresh_from_db()
    assert in_review.state == "in_review"


def test_staff_return_pay_and_see_the_ledger(client_for, staff, in_review):
    client = client_for(staff)
    client.post(URL, {"action": "decide", "_selected_action": [in_review.pk], "apply": "1", "grounds": "ok"})
    client.post(
        URL, {"action": "record_payment", "_selected_action": [in_review.pk], "apply": "1", "paid_on": "2026-01-05"}
    )
    in_review.refresh_from_db()
    assert in_review.state == Application.State.PAID and in_review.payments.get().amount == Decimal("1000.00")
    round_url = f"/admin/grants/grantround/{in_review.round_id}/change/"
    page = client.get(round_url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "remaining" in page and "9" in page


def test_a_panel_assigns_its_members_and_recuses_a_representative(client_for, staff, submitted, association_member):
    from grants.models import Panel, Review

    panel = Panel.objects.create(round=submitted.round, name="Arviointiryhmä")
    reviewer = UserFactory()
    panel.members.add(reviewer, association_member)
    response = english(client_for(staff)).post(
        "/admin/grants/panel/", {"action": "assign_all", "_selected_action": [panel.pk]}, follow=True
    )
    assert "recused" in response.content.decode()
    assert list(Review.objects.values_list("reviewer", flat=True)) == [reviewer.pk]


def test_staff_see_the_panels_summary_ranked_and_others_do_not(client_for, staff, other_staff, in_review):
    from grants import services

    reviewer = UserFactory()
    review = services.review_assign(application=in_review, reviewer=reviewer, user=staff)
    services.review_declare_conflict(review=review, user=reviewer, has_conflict=False)
    services.review_submit(review=review, user=reviewer, scores={c.pk: 5 for c in in_review.round.criteria.all()})
    url = f"/admin/grants/grantround/{in_review.round_id}/summary/"
    page = client_for(staff).get(url)
    assert page.status_code == 200 and in_review.title in page.content.decode() and "100.0" in page.content.decode()
    assert client_for(other_staff).get(url).status_code in (302, 403, 404)


def test_staff_form_a_panel_only_for_their_departments_rounds(client_for, staff, grant_round, other_department):
    from grants.models import Panel
    from tests.grants.factories import GrantRoundFactory

    foreign = GrantRoundFactory(department=other_department)
    form = client_for(staff).get("/admin/grants/panel/add/").content.decode()
    assert f'value="{grant_round.pk}"' in form and f'value="{foreign.pk}"' not in form
    member = UserFactory()
    response = client_for(staff).post(
        "/admin/grants/panel/add/", {"round": foreign.pk, "name": "Vieras", "members": [member.pk]}
    )
    assert response.status_code == 200 and not Panel.objects.exists()
    response = client_for(staff).post(
        "/admin/grants/panel/add/", {"round": grant_round.pk, "name": "Arviointiryhmä", "members": [member.pk]}
    )
    assert response.status_code == 302
    panel = Panel.objects.get()
    assert panel.created_by == staff and list(panel.members.all()) == [member]


def test_staff_assign_a_panel_to_chosen_applications(client_for, staff, submitted, association_member):
    from grants.models import Panel, Review

    panel = Panel.objects.create(round=submitted.round, name="Arviointiryhmä")
    reviewer = UserFactory()
    panel.members.add(reviewer, association_member)
    client = english(client_for(staff))
    asked = client.post(URL, {"action": "assign_panel", "_selected_action": [submitted.pk]})
    assert asked.status_code == 200 and "Arviointiryhmä" in asked.content.decode()
    done = client.post(
        URL,
        {"action": "assign_panel", "_selected_action": [submitted.pk], "apply": "1", "panel": panel.pk},
        follow=True,
    )
    assert "recused" in done.content.decode()
    assert list(Review.objects.values_list("reviewer", "panel")) == [(reviewer.pk, panel.pk)]


def test_a_reviewer_finds_their_assignments_on_their_own_page(client, staff, submitted):
    from grants import services

    reviewer = UserFactory()
    review = services.review_assign(application=submitted, reviewer=reviewer, user=staff)
    client.force_login(reviewer, backend="django.contrib.auth.backends.ModelBackend")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    for path in ("/en/grants/applications/", "/en/mine/"):
        page = client.get(path)
        assert page.status_code == 200 and f"/grants/reviews/{review.pk}/" in page.content.decode(), path
    assert "Declare first whether you have a conflict of interest." in client.get("/en/mine/").content.decode()
