"""The pages of the forms of cooperation: who sees what (a matrix), bad input with clear messages
and no 500, the representative's own page, and list pages whose query count does not grow."""

import datetime as dt

import pytest
from django.utils import timezone

from associations.cooperation import services
from associations.cooperation.models import CityRequest, LocalInitiative, RequestKind
from associations.cooperation.validators import FIELD_REQUIRED_FOR_KIND, INITIATIVE_NEEDS_HELP, SIGNUP_TWICE
from portal.models import Notification
from tests.associations.cooperation_factories import (
    CityEventFactory,
    JointProjectFactory,
    LocalInitiativeFactory,
    grant_cooperation_permissions,
    handler,
    letter_data,
)
from tests.associations.utils import en
from tests.factories import AssociationFactory, MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(staff, department):
    grant_cooperation_permissions(department.staff_group)
    return staff


@pytest.fixture
def city_request(association, association_member, department):
    handler(RequestKind.RECOMMENDATION, department=department)
    return services.city_request_submit(
        association=association, user=association_member, kind=RequestKind.RECOMMENDATION, data=letter_data()
    )


def letter_post(**overrides):
    data = {k: ("" if v is None else v) for k, v in letter_data(**overrides).items()}
    data["kind"] = "recommendation"
    return data


# --- Who sees what -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("persona", "status"),
    [("anonymous", 302), ("outsider", 404), ("other_representative", 404), ("association_member", 200), ("staff", 200)],
)
def test_who_reads_a_request(request, client_for, city_request, persona, status):
    if persona == "anonymous":
        user = None
    elif persona == "other_representative":
        user = MembershipFactory(association=AssociationFactory()).user
    else:
        user = request.getfixturevalue(persona)
    response = client_for(user).get(f"/en/associations/cooperation/requests/{city_request.pk}/")
    assert response.status_code == status
    if status == 200:
        assert "Liikkuva Länsi-Pori" in response.content.decode()


@pytest.mark.parametrize("persona", ["outsider", "association_member"])
def test_nobody_but_a_representative_withdraws(request, client_for, city_request, persona, outsider):
    user = request.getfixturevalue(persona)
    response = client_for(user).post(f"/en/associations/cooperation/requests/{city_request.pk}/withdraw/")
    city_request.refresh_from_db()
    if persona == "outsider":
        assert response.status_code == 404
        assert city_request.state == CityRequest.State.SUBMITTED
    else:
        assert response.status_code == 302
        assert city_request.state == CityRequest.State.WITHDRAWN


def test_an_outsider_gets_no_letter(client_for, city_request, staff, outsider, association_member):
    services.city_request_grant(city_request=city_request, user=staff)
    assert (
        client_for(outsider).get(f"/en/associations/cooperation/requests/{city_request.pk}/letter.pdf").status_code
        == 404
    )
    response = client_for(association_member).get(f"/en/associations/cooperation/requests/{city_request.pk}/letter.pdf")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert "no-store" in response["Cache-Control"]


def test_staff_without_totp_are_ordinary_users(client_for, city_request, department):
    from tests.conftest import make_staff

    no_mfa = make_staff(department, "nomfa@city.example", mfa=False)
    grant_cooperation_permissions(department.staff_group)
    assert client_for(no_mfa).get(f"/en/associations/cooperation/requests/{city_request.pk}/").status_code == 404


def test_an_outsider_cannot_file_a_request(client_for, outsider, association):
    response = client_for(outsider).post("/en/associations/cooperation/requests/new/", letter_post())
    assert response.status_code == 302 and "/acting-for/" in response["Location"]
    assert not CityRequest.objects.exists()


def test_a_hidden_project_and_an_open_initiative_are_not_public(client_for, outsider, staff):
    project = JointProjectFactory(is_public=False)
    initiative = LocalInitiativeFactory(created_by=staff)
    for path in (
        f"/en/associations/cooperation/projects/{project.pk}/",
        f"/en/associations/cooperation/initiatives/{initiative.pk}/",
    ):
        assert client_for(None).get(path).status_code == 404
        assert client_for(outsider).get(path).status_code == 404
        assert client_for(staff).get(path).status_code == 200


def test_the_proposer_sees_their_open_initiative(client_for, outsider):
    initiative = LocalInitiativeFactory(created_by=outsider)
    assert client_for(outsider).get(f"/en/associations/cooperation/initiatives/{initiative.pk}/").status_code == 200


# --- Forms: bad input, clear messages, no 500 ----------------------------------------------
def test_a_request_without_the_funder_is_refused_on_the_field(client_for, association_member, association):
    response = client_for(association_member).post("/en/associations/cooperation/requests/new/", letter_post(funder=""))
    assert response.status_code == 400
    html = response.content.decode()
    assert en(FIELD_REQUIRED_FOR_KIND) in html
    assert 'aria-invalid="true"' in html
    assert not CityRequest.objects.exists()


@pytest.mark.parametrize(
    "bad",
    [
        {"kind": "bribe"},
        {"amount_sought": "-5"},
        {"amount_sought": "lots"},
        {"project_starts_on": "31.2.2027"},
        {"project_ends_on": "2000-01-01"},
        {"title": "<script>alert(1)</script>"},
        {"title": "x" * 500},
    ],
)
def test_bad_request_input_gets_a_message_not_a_500(client_for, association_member, association, bad):
    data = letter_post()
    data.update(bad)
    response = client_for(association_member).post("/en/associations/cooperation/requests/new/", data)
    assert response.status_code == 400
    assert 'class="errorlist' in response.content.decode() or "form-errors" in response.content.decode()
    assert not CityRequest.objects.exists()


def test_a_representative_files_a_request_and_sees_it(client_for, association_member, association, department):
    handler(RequestKind.RECOMMENDATION, department=department, name="Antti Virtanen")
    client = client_for(association_member)
    form = client.get("/en/associations/cooperation/requests/new/?kind=recommendation")
    assert form.status_code == 200 and "Antti Virtanen" in form.content.decode()
    response = client.post("/en/associations/cooperation/requests/new/", letter_post())
    city_request = CityRequest.objects.get()
    assert (
        response.status_code == 302
        and response["Location"] == f"/en/associations/cooperation/requests/{city_request.pk}/"
    )
    assert city_request.association == association and city_request.created_by == association_member
    mine = client.get("/en/mine/").content.decode()
    assert "Liikkuva Länsi-Pori" in mine and "Submitted" in mine


def test_signup_twice_shows_the_message(client_for, association_member, association):
    event = CityEventFactory()
    client = client_for(association_member)
    first = client.post(f"/en/associations/cooperation/events/{event.pk}/", {"description": "Coffee."})
    assert first.status_code == 302
    second = client.post(f"/en/associations/cooperation/events/{event.pk}/", {"description": "Coffee."})
    assert second.status_code == 400 and en(SIGNUP_TWICE) in second.content.decode()
    assert CityRequest.objects.count() == 1


def test_an_unpublished_city_event_is_not_found(client_for, association_member):
    event = CityEventFactory(is_published=False)
    assert client_for(association_member).get(f"/en/associations/cooperation/events/{event.pk}/").status_code == 404
    response = client_for(association_member).post(
        f"/en/associations/cooperation/events/{event.pk}/", {"description": "x"}
    )
    assert response.status_code == 404 and not CityRequest.objects.exists()


def test_an_initiative_that_asks_nothing_is_refused(client_for, outsider):
    data = {
        "title": "Talkoot",
        "description": "Puisto kuntoon.",
        "group_name": "Asukkaat",
        "residents_contribution": "Työ.",
    }
    response = client_for(outsider).post("/en/associations/cooperation/initiatives/new/", data)
    assert response.status_code == 400 and en(INITIATIVE_NEEDS_HELP) in response.content.decode()
    data["help"] = "space"
    response = client_for(outsider).post("/en/associations/cooperation/initiatives/new/", data)
    initiative = LocalInitiative.objects.get()
    assert response.status_code == 302 and initiative.created_by == outsider and initiative.needs_space
    assert Notification.objects.filter(template="local-initiative-submitted").count() == 1


def test_a_decided_initiative_is_public_with_its_grounds(client_for, staff, outsider):
    initiative = LocalInitiativeFactory(created_by=outsider, group_name="Väinölän asukkaat")
    services.local_initiative_decline(initiative=initiative, user=staff, reason="Not on city land.")
    html = client_for(None).get("/en/associations/cooperation/initiatives/").content.decode()
    assert initiative.title in html
    detail = client_for(None).get(f"/en/associations/cooperation/initiatives/{initiative.pk}/").content.decode()
    assert "Not on city land." in detail and "Väinölän asukkaat" in detail
    assert outsider.email not in detail


# --- Lists: constant query count -----------------------------------------------------------
def _projects(n):
    for i in range(n):
        JointProjectFactory(partners=[AssociationFactory(), AssociationFactory()], title=f"Project {i}")


def _count_queries(client, path, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx.captured_queries)


def test_the_project_list_query_count_does_not_grow(client_for, django_assert_max_num_queries):
    client = client_for(None)
    _projects(2)
    few = _count_queries(client, "/en/associations/cooperation/projects/", django_assert_max_num_queries)
    _projects(20)
    many = _count_queries(client, "/en/associations/cooperation/projects/", django_assert_max_num_queries)
    assert many == few
    html = client.get("/en/associations/cooperation/projects/").content.decode()
    assert html.count('class="card"') == 22


def test_the_initiative_list_query_count_does_not_grow(client_for, staff):
    client = client_for(None)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/en/associations/cooperation/initiatives/").status_code == 200
        return len(ctx.captured_queries)

    def add(n):
        for _ in range(n):
            i = LocalInitiativeFactory()
            services.local_initiative_accept(initiative=i, user=staff, reason="ok")

    add(2)
    few = count()
    add(15)
    assert count() == few


def test_the_year_filter_shows_projects_running_that_year(client_for):
    today = timezone.localdate()
    JointProjectFactory(title="Old", starts_on=dt.date(today.year - 3, 1, 1), ends_on=dt.date(today.year - 3, 12, 31))
    JointProjectFactory(title="Current", starts_on=dt.date(today.year, 1, 1))
    html = client_for(None).get(f"/en/associations/cooperation/projects/?year={today.year}").content.decode()
    assert "Current" in html and ">Old<" not in html
    assert client_for(None).get("/en/associations/cooperation/projects/?year=abc").status_code == 200


def test_a_closed_event_says_so_and_refuses_a_signup(client_for, association_member):
    event = CityEventFactory(signup_until=timezone.localdate() - dt.timedelta(days=1))
    client = client_for(association_member)
    page = client.get(f"/en/associations/cooperation/events/{event.pk}/").content.decode()
    assert "Sign-up for this event has closed." in page and 'id="id_description"' not in page
    response = client.post(f"/en/associations/cooperation/events/{event.pk}/", {"description": "Late."})
    assert response.status_code == 400 and "Sign-up for this event has closed." in response.content.decode()
    assert not CityRequest.objects.exists()
