"""Staff decide bookings and keep their spaces in the admin, scoped by department."""

import pytest
from django.contrib.auth.models import Permission

from facilities import services
from facilities.models import Booking
from portal.models import Notification
from tests.conftest import make_staff
from tests.facilities.conftest import at
from tests.facilities.factories import FacilityFactory, SpaceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def facility_staff(department):
    department.staff_group.permissions.set(Permission.objects.filter(content_type__app_label="facilities"))
    return make_staff(department, "tilat@city.example")


@pytest.fixture
def other_facility_staff(other_department):
    other_department.staff_group.permissions.set(Permission.objects.filter(content_type__app_label="facilities"))
    return make_staff(other_department, "tekninen@city.example")


@pytest.fixture
def waiting(room, outsider, tuesday):
    room.requires_approval = True
    room.save()
    return services.booking_create(
        space=room,
        booker=outsider,
        association=None,
        starts_at=at(tuesday, 18),
        ends_at=at(tuesday, 20),
        purpose="Kerhoilta",
        attendees=8,
    )


def test_staff_see_the_approval_queue_and_approve_with_an_action(client_for, facility_staff, waiting):
    client = client_for(facility_staff)
    queue = client.get("/admin/facilities/booking/?queue=waiting")
    assert queue.status_code == 200 and "Kokoushuone" in queue.content.decode()
    response = client.post("/admin/facilities/booking/", {"action": "approve", "_selected_action": [waiting.pk]})
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.state == Booking.State.CONFIRMED and waiting.decided_by == facility_staff
    assert Notification.objects.filter(to="outsider@example.org", template="booking-confirmed").exists()


def test_the_decline_action_asks_for_a_reason_and_mails_it(client_for, facility_staff, waiting):
    client = client_for(facility_staff)
    first = client.post("/admin/facilities/booking/", {"action": "decline", "_selected_action": [waiting.pk]})
    assert first.status_code == 200 and 'name="reason"' in first.content.decode()
    waiting.refresh_from_db()
    assert waiting.state == Booking.State.REQUESTED
    client.post(
        "/admin/facilities/booking/",
        {"action": "decline", "_selected_action": [waiting.pk], "apply": "1", "reason": "Sali on varattu koululle."},
    )
    waiting.refresh_from_db()
    assert (waiting.state, waiting.decision_reason) == ("declined", "Sali on varattu koululle.")
    mail = Notification.objects.get(template="booking-declined")
    assert "Sali on varattu koululle." in mail.body_text


def test_staff_of_another_department_see_nothing_of_these_facilities(client_for, other_facility_staff, waiting):
    client = client_for(other_facility_staff)
    assert "Kokoushuone" not in client.get("/admin/facilities/booking/").content.decode()
    assert client.get(f"/admin/facilities/booking/{waiting.pk}/change/").status_code in (302, 403, 404)
    assert client.get(f"/admin/facilities/space/{waiting.space_id}/change/").status_code in (302, 403, 404)
    assert "Länsi-Porin koulu" not in client.get("/admin/facilities/facility/").content.decode()
    client.post("/admin/facilities/booking/", {"action": "approve", "_selected_action": [waiting.pk]})
    waiting.refresh_from_db()
    assert waiting.state == Booking.State.REQUESTED


def test_staff_keep_their_spaces_with_hours_closures_and_prices_inline(client_for, facility_staff, hall, half_a):
    client = client_for(facility_staff)
    page = client.get(f"/admin/facilities/space/{hall.pk}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "hours-TOTAL_FORMS" in html and "closures-TOTAL_FORMS" in html and "prices-TOTAL_FORMS" in html
    assert client.get("/admin/facilities/facility/").status_code == 200


def test_a_space_cannot_be_part_of_a_space_in_another_facility(client_for, superuser, hall):
    elsewhere = SpaceFactory(facility=FacilityFactory(department=hall.facility.department))
    from facilities.admin import SpaceForm

    form = SpaceForm(
        data={
            "facility": hall.facility.pk,
            "parent": elsewhere.pk,
            "name": "Puoli",
            "slug": "puoli",
            "capacity": 10,
            "min_minutes": 60,
            "max_minutes": 120,
            "start_interval_minutes": 30,
            "horizon_days": 30,
            "buffer_minutes": 0,
            "cancellation_hours": 24,
        }
    )
    assert not form.is_valid() and "parent" in form.errors


@pytest.mark.parametrize("path", ["facility/", "space/", "booking/", "equipment/", "booking/?queue=waiting"])
def test_admin_lists_open_for_a_superuser(client_for, superuser, waiting, path):
    assert client_for(superuser).get(f"/admin/facilities/{path}").status_code == 200
