"""Requests to the city, joint projects and local initiatives: the services and their state machines."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from associations.cooperation import services
from associations.cooperation.models import CityRequest, JointProject, LocalInitiative, RequestKind
from associations.cooperation.validators import (
    FIELD_REQUIRED_FOR_KIND,
    INITIATIVE_NEEDS_HELP,
    REASON_REQUIRED_FOR_DECLINE,
    SIGNUP_CLOSED,
    SIGNUP_TWICE,
    TRANSITION_NOT_ALLOWED,
)
from portal.models import Notification
from tests.associations.cooperation_factories import (
    CityEventFactory,
    JointProjectFactory,
    LocalInitiativeFactory,
    handler,
    letter_data,
    patronage_data,
)
from tests.factories import AssociationFactory, ContactPersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def letter_handler(department):
    return handler(RequestKind.RECOMMENDATION, name="Antti Virtanen", department=department, email="antti@city.example")


def submit_letter(association, user, **overrides):
    return services.city_request_submit(
        association=association, user=user, kind=RequestKind.RECOMMENDATION, data=letter_data(**overrides)
    )


def test_a_request_goes_to_the_named_handler_of_its_kind(association, association_member, letter_handler):
    city_request = submit_letter(association, association_member)
    assert city_request.state == CityRequest.State.SUBMITTED
    assert city_request.handler == letter_handler
    row = Notification.objects.get(key=f"city-request-{city_request.pk}-submitted")
    assert row.to == "antti@city.example"
    assert f"/admin/associations/cityrequest/{city_request.pk}/change/" in row.body_text


def test_without_a_named_handler_the_coordinator_handles(association, association_member, department):
    coordinator = ContactPersonFactory(is_coordinator=True, department=department, email="coord@city.example")
    city_request = services.city_request_submit(
        association=association, user=association_member, kind=RequestKind.PATRONAGE_MAYOR, data=patronage_data()
    )
    assert city_request.handler == coordinator


def test_an_outsider_cannot_file_for_an_association(association, outsider, letter_handler):
    with pytest.raises(PermissionDenied):
        submit_letter(association, outsider)
    assert not CityRequest.objects.exists() and not Notification.objects.exists()


def test_a_letter_request_needs_the_funder(association, association_member, letter_handler):
    with pytest.raises(ValidationError) as info:
        submit_letter(association, association_member, funder="")
    assert info.value.message_dict == {"funder": [str(FIELD_REQUIRED_FOR_KIND)]}
    assert not CityRequest.objects.exists()


def test_grant_makes_a_joint_project_and_queues_the_letter(
    association, association_member, letter_handler, staff, django_capture_on_commit_callbacks, monkeypatch
):
    queued = []
    monkeypatch.setattr(services, "_queue_letter", queued.append)
    city_request = submit_letter(association, association_member)
    services.city_request_take(city_request=city_request, user=staff)
    with django_capture_on_commit_callbacks(execute=True):
        granted = services.city_request_grant(city_request=city_request, user=staff, reason="A good plan.")
    assert granted.state == CityRequest.State.GRANTED and granted.decided_by == staff
    project = granted.joint_project
    assert project.title == "Liikkuva Länsi-Pori" and project.is_public
    assert list(project.partners.all()) == [association]
    assert project.department == letter_handler.department
    assert project.external_funder == "Opetus- ja kulttuuriministeriö"
    assert queued == [granted.pk]
    rows = Notification.objects.filter(to=association_member.email).order_by("id")
    assert [r.template for r in rows] == ["city-request-in-handling", "city-request-granted"]
    granted_mail = rows.last()
    assert f"/requests/{granted.pk}/letter.pdf" in granted_mail.body_text
    assert f"/projects/{project.pk}/" in granted_mail.body_text
    assert "A good plan." in granted_mail.body_text


def test_grant_can_link_an_existing_project(association, association_member, letter_handler, staff):
    project = JointProjectFactory(partners=[AssociationFactory()])
    city_request = submit_letter(association, association_member)
    granted = services.city_request_grant(city_request=city_request, user=staff, joint_project=project)
    assert granted.joint_project == project
    assert JointProject.objects.count() == 1
    assert association in project.partners.all()


def test_decline_needs_grounds_and_sends_them(association, association_member, letter_handler, staff):
    city_request = submit_letter(association, association_member)
    with pytest.raises(ValidationError) as info:
        services.city_request_decline(city_request=city_request, user=staff, reason="  ")
    assert str(REASON_REQUIRED_FOR_DECLINE) in info.value.messages
    city_request.refresh_from_db()
    assert city_request.state == CityRequest.State.SUBMITTED
    declined = services.city_request_decline(city_request=city_request, user=staff, reason="Not our field.")
    assert declined.state == CityRequest.State.DECLINED
    mail = Notification.objects.get(template="city-request-declined")
    assert "Not our field." in mail.body_text and mail.to == association_member.email


def test_the_database_refuses_a_decline_without_grounds(association):
    with pytest.raises(IntegrityError), transaction.atomic():
        CityRequest.objects.create(
            association=association, kind=RequestKind.PATRONAGE_CITY, title="x", description="x", state="declined"
        )


@pytest.mark.parametrize("final", ["granted", "declined", "withdrawn"])
def test_a_decided_or_withdrawn_request_does_not_move_again(
    association, association_member, letter_handler, staff, final
):
    city_request = submit_letter(association, association_member)
    if final == "granted":
        services.city_request_grant(city_request=city_request, user=staff)
    elif final == "declined":
        services.city_request_decline(city_request=city_request, user=staff, reason="No.")
    else:
        services.city_request_withdraw(city_request=city_request, user=association_member)
    for attempt in (
        lambda: services.city_request_take(city_request=city_request, user=staff),
        lambda: services.city_request_grant(city_request=city_request, user=staff),
        lambda: services.city_request_withdraw(city_request=city_request, user=association_member),
    ):
        with pytest.raises(ValidationError) as info:
            attempt()
        assert info.value.code == "transition"
    city_request.refresh_from_db()
    assert city_request.state == final
    # The last refusal (withdraw) says where it was and where it was asked to go.
    expected = str(TRANSITION_NOT_ALLOWED) % {
        "from": city_request.get_state_display(),
        "to": str(CityRequest.State.WITHDRAWN.label),
    }
    assert info.value.messages == [expected]


def test_withdraw_tells_the_handler(association, association_member, letter_handler):
    city_request = submit_letter(association, association_member)
    services.city_request_withdraw(city_request=city_request, user=association_member)
    assert Notification.objects.get(key=f"city-request-{city_request.pk}-withdrawn").to == letter_handler.email


def test_an_outsider_cannot_withdraw(association, association_member, outsider, letter_handler):
    city_request = submit_letter(association, association_member)
    with pytest.raises(PermissionDenied):
        services.city_request_withdraw(city_request=city_request, user=outsider)
    city_request.refresh_from_db()
    assert city_request.state == CityRequest.State.SUBMITTED


def test_event_signup_once_per_association_until_the_deadline(association, association_member):
    event = CityEventFactory()
    signup = services.city_event_signup(
        city_event=event, association=association, user=association_member, description="A coffee stand."
    )
    assert signup.kind == RequestKind.EVENT_PARTICIPATION and signup.city_event == event
    with pytest.raises(ValidationError) as info:
        services.city_event_signup(city_event=event, association=association, user=association_member, description="x")
    assert info.value.messages == [str(SIGNUP_TWICE)]
    services.city_request_withdraw(city_request=signup, user=association_member)
    again = services.city_event_signup(
        city_event=event, association=association, user=association_member, description="y"
    )
    assert again.pk != signup.pk


def test_the_database_refuses_a_second_active_signup(association):
    event = CityEventFactory()
    CityRequest.objects.create(
        association=association, kind=RequestKind.EVENT_PARTICIPATION, city_event=event, title="a", description="a"
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        CityRequest.objects.create(
            association=association, kind=RequestKind.EVENT_PARTICIPATION, city_event=event, title="b", description="b"
        )


def test_signup_after_the_deadline_is_refused(association, association_member):
    event = CityEventFactory(signup_until=timezone.localdate() - dt.timedelta(days=1))
    with pytest.raises(ValidationError) as info:
        services.city_event_signup(city_event=event, association=association, user=association_member, description="x")
    assert info.value.messages == [str(SIGNUP_CLOSED)]
    assert not CityRequest.objects.exists()


def test_an_initiative_from_submission_to_carried_out(outsider, staff):
    data = {
        "title": "Puistotalkoot",
        "description": "Penkit kuntoon.",
        "group_name": "Väinölän asukkaat",
        "service_area": None,
        "place": "",
        "residents_contribution": "Talkootyö.",
        "needs_work": False,
        "needs_materials": True,
        "needs_space": False,
        "help_details": "Maali.",
    }
    initiative = services.local_initiative_submit(user=outsider, data=data)
    assert Notification.objects.filter(key=f"local-initiative-{initiative.pk}-submitted").exists()
    services.local_initiative_assess(initiative=initiative, user=staff)
    with pytest.raises(ValidationError):
        services.local_initiative_accept(initiative=initiative, user=staff, reason="")
    accepted = services.local_initiative_accept(initiative=initiative, user=staff, reason="Meets criteria 1 and 2.")
    assert accepted.state == LocalInitiative.State.ACCEPTED
    assert Notification.objects.filter(to=outsider.email, template="local-initiative-decided").count() == 1
    with pytest.raises(ValidationError):
        services.local_initiative_carried_out(
            initiative=accepted, user=staff, on=timezone.localdate() + dt.timedelta(days=1)
        )
    done = services.local_initiative_carried_out(initiative=accepted, user=staff)
    assert done.state == LocalInitiative.State.CARRIED_OUT and done.carried_out_on == timezone.localdate()


def test_an_initiative_must_ask_for_something(outsider):
    with pytest.raises(ValidationError) as info:
        services.local_initiative_submit(
            user=outsider,
            data={"title": "x", "description": "x", "group_name": "x", "residents_contribution": "x"},
        )
    assert info.value.messages == [str(INITIATIVE_NEEDS_HELP)]
    with pytest.raises(IntegrityError), transaction.atomic():
        LocalInitiativeFactory(needs_materials=False)


def test_only_the_proposer_withdraws_an_initiative(outsider, association_member):
    initiative = LocalInitiativeFactory(created_by=outsider)
    with pytest.raises(PermissionDenied):
        services.local_initiative_withdraw(initiative=initiative, user=association_member)
    services.local_initiative_withdraw(initiative=initiative, user=outsider)
    initiative.refresh_from_db()
    assert initiative.state == LocalInitiative.State.WITHDRAWN
