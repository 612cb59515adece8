"""A regranting round run by an operator association (seed 004): its administrator
representatives review and decide within the round's appropriation, on the site."""

from decimal import Decimal

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from grants import services
from grants.models import Application, Decision, GrantRound, GrantType, Review
from tests.factories import AssociationFactory, MembershipFactory, UserFactory
from tests.grants.factories import ApplicationFactory, GrantRoundFactory, GrantTypeFactory

pytestmark = pytest.mark.django_db
S = Application.State


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def operator():
    return AssociationFactory(name="Centrum Inicjatyw Lokalnych")


@pytest.fixture
def operator_admin(operator):
    return MembershipFactory(association=operator, role="admin", user__email="cil@example.org").user


@pytest.fixture
def regranting(department, operator):
    return GrantRoundFactory(
        department=department,
        grant_type=GrantTypeFactory(kind=GrantType.Kind.REGRANTING),
        operator=operator,
        appropriation=Decimal("6000.00"),
        slug="mikrogranty",
    )


@pytest.fixture
def offers(regranting):
    return [
        ApplicationFactory(round=regranting, state=S.SUBMITTED, amount_requested=Decimal("4000.00")),
        ApplicationFactory(round=regranting, state=S.SUBMITTED, amount_requested=Decimal("4000.00")),
    ]


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_the_operators_administrator_decides_within_the_sub_appropriation(offers, operator_admin, regranting):
    services.decision_make(application=offers[0], user=operator_admin, amount="4000", grounds="Dobry pomysł")
    with pytest.raises(ValidationError) as refused:
        services.decision_make(application=offers[1], user=operator_admin, amount="4000", grounds="Też dobry")
    assert "only €2,000.00 is left of €6,000.00" in refused.value.messages[0]
    regranting.refresh_from_db()
    assert regranting.committed == Decimal("4000.00")
    assert Decision.objects.get().decided_by == operator_admin
    assert offers[0].transitions.last().by == operator_admin


def test_a_plain_member_of_the_operator_and_other_associations_cannot_decide(offers, operator):
    member = MembershipFactory(association=operator, role="member").user
    other_admin = MembershipFactory(association=AssociationFactory(), role="admin").user
    for user in (member, other_admin, UserFactory()):
        with pytest.raises(PermissionDenied):
            services.decision_make(application=offers[0], user=user, amount="100", grounds="x")
    assert not Decision.objects.exists()


def test_the_operator_runs_only_its_own_round(operator_admin, department):
    city_round = GrantRoundFactory(department=department)
    application = ApplicationFactory(round=city_round, state=S.SUBMITTED)
    with pytest.raises(PermissionDenied):
        services.application_start_review(application=application, user=operator_admin)


def test_the_operator_cannot_apply_to_its_own_round(regranting, operator, operator_admin):
    operator.kind = "registered"
    operator.save()
    with pytest.raises(ValidationError) as refused:
        services.application_create(round=regranting, association=operator, user=operator_admin, data={})
    assert refused.value.messages == [str(services.OPERATOR_CANNOT_APPLY)]


def test_an_operator_representative_never_handles_their_own_associations_application(offers, operator_admin):
    MembershipFactory(association=offers[1].association, user=operator_admin)
    with pytest.raises(PermissionDenied) as refused:
        services.decision_make(application=offers[1], user=operator_admin, amount="100", grounds="x")
    assert str(refused.value) == str(services.OPERATOR_REPRESENTS_APPLICANT)
    with pytest.raises(PermissionDenied):
        services.review_assign(application=offers[1], reviewer=operator_admin, user=operator_admin)
    assert not Decision.objects.exists() and not Review.objects.exists()


def test_the_operator_reviews_and_decides_on_the_site(client_for, offers, operator_admin, regranting):
    client = english(client_for(operator_admin))
    url = f"/en/grants/manage/{regranting.slug}/"
    page = client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert offers[0].title in body and "6,000.00" in body
    assert regranting.slug in client.get("/en/grants/applications/").content.decode()
    call = client.get(f"/en/grants/calls/{regranting.slug}/").content.decode()
    assert "This regranting round is run by Centrum Inicjatyw Lokalnych" in call
    # Review it myself: the conflict gate first.
    response = client.post(f"{url}{offers[0].pk}/", {"action": "review"})
    review = Review.objects.get(reviewer=operator_admin)
    assert response.status_code == 302 and response["Location"].endswith(f"/grants/reviews/{review.pk}/")
    response = client.post(f"{url}{offers[0].pk}/", {"action": "decide", "amount": "3500", "grounds": "Dobry"})
    assert response.status_code == 302
    offers[0].refresh_from_db()
    assert offers[0].state == S.PARTLY_GRANTED and offers[0].decision.amount == Decimal("3500.00")
    # The rest does not fit: a clear message, nothing decided.
    response = client.post(
        f"{url}{offers[1].pk}/", {"action": "decide", "amount": "4000", "grounds": "Dobry"}, follow=True
    )
    assert "only €2,500.00 is left" in response.content.decode()
    assert not Decision.objects.filter(application=offers[1]).exists()
    # The operator reads the whole application as its handler.
    assert client.get(f"/en/grants/applications/{offers[1].pk}/").status_code == 200


@pytest.mark.parametrize("who", ["outsider", "member", "other_admin", "other_staff"])
def test_nobody_else_opens_or_acts_on_the_operators_desk(client_for, offers, regranting, operator, who, request):
    users = {
        "outsider": lambda: UserFactory(),
        "member": lambda: MembershipFactory(association=operator, role="member").user,
        "other_admin": lambda: MembershipFactory(association=AssociationFactory(), role="admin").user,
        "other_staff": lambda: request.getfixturevalue("other_staff"),
    }
    client = client_for(users[who]())
    url = f"/en/grants/manage/{regranting.slug}/"
    assert client.get(url).status_code == 404
    response = client.post(f"{url}{offers[0].pk}/", {"action": "decide", "amount": "100", "grounds": "x"})
    assert response.status_code == 404
    assert not Decision.objects.exists()
    assert GrantRound.objects.get(pk=regranting.pk).committed == Decimal("0")


def test_the_department_staff_still_run_a_regranting_round(offers, staff):
    services.decision_make(application=offers[0], user=staff, amount="1000", grounds="Hyvä")
    assert Decision.objects.count() == 1


def test_the_operators_desk_keeps_a_constant_query_count(client_for, regranting, operator_admin):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(operator_admin)
    url = f"/en/grants/manage/{regranting.slug}/"
    counts = []
    for n in (2, 10):
        ApplicationFactory.create_batch(n, round=regranting, state=S.SUBMITTED)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
