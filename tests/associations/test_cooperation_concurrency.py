"""Two representatives of one association act at the same moment (threads, real PostgreSQL)."""

import json

import pytest

from associations.cooperation import services
from associations.cooperation.models import CityRequest, RequestKind
from associations.cooperation.validators import SIGNUP_TWICE
from tests.associations.cooperation_factories import CityEventFactory, handler, letter_data
from tests.associations.test_concurrency import run_together
from tests.conftest import make_staff
from tests.factories import AssociationFactory, DepartmentFactory, MembershipFactory


@pytest.mark.django_db(transaction=True)
def test_two_representatives_signing_up_at_once_make_one_signup():
    association = AssociationFactory()
    first, second = (MembershipFactory(association=association).user for _ in range(2))
    event = CityEventFactory()
    errors = run_together(
        *(
            lambda u=u: services.city_event_signup(city_event=event, association=association, user=u, description="x")
            for u in (first, second)
        )
    )
    assert CityRequest.objects.filter(city_event=event, association=association).count() == 1
    assert len(errors) == 1 and errors[0].messages == [str(SIGNUP_TWICE)]


@pytest.mark.django_db(transaction=True)
def test_granting_and_withdrawing_at_once_leaves_one_outcome(monkeypatch):
    monkeypatch.setattr(services, "_queue_letter", lambda pk: None)
    department = DepartmentFactory()
    handler(RequestKind.RECOMMENDATION, department=department)
    association = AssociationFactory()
    member = MembershipFactory(association=association).user
    staff = make_staff(department, "kasittelija@city.example")
    city_request = services.city_request_submit(
        association=association, user=member, kind=RequestKind.RECOMMENDATION, data=letter_data()
    )
    errors = run_together(
        lambda: services.city_request_grant(city_request=city_request, user=staff),
        lambda: services.city_request_withdraw(city_request=city_request, user=member),
    )
    city_request.refresh_from_db()
    assert city_request.state in ("granted", "withdrawn")
    assert len(errors) == 1 and errors[0].code == "transition"
    assert (city_request.joint_project_id is not None) == (city_request.state == "granted")


@pytest.mark.django_db
def test_my_data_holds_my_requests_and_initiatives(client_for, association, association_member, department):
    handler(RequestKind.RECOMMENDATION, department=department)
    services.city_request_submit(
        association=association, user=association_member, kind=RequestKind.RECOMMENDATION, data=letter_data()
    )
    response = client_for(association_member).get("/en/mine/data.json")
    data = json.loads(b"".join(getattr(response, "streaming_content", [response.content])))
    text = json.dumps(data, ensure_ascii=False)
    assert "Liikkuva Länsi-Pori" in text and "recommendation" in text
