"""Staff decide bookings and keep their spaces in the admin, scoped by department."""

import pytest
from django.contrib.auth.models import Permission

from facilities import services
from facilities.models import Booking
from portal.models import Notification
from tests.conftest import make_staff
from tests.facilities.conftest import at
from tests.facilities.factories import FacilityFactory, SpaceFactory, every_day

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


@pytest.mark.parametrize(
    "path",
    ["facility/", "space/", "booking/", "equipment/", "booking/?queue=waiting", "bookingfeedback/", "seasonround/"],
)
def test_admin_lists_open_for_a_superuser(client_for, superuser, waiting, path):
    assert client_for(superuser).get(f"/admin/facilities/{path}").status_code == 200


def test_staff_propose_and_publish_a_seasonal_round_in_the_admin(client_for, facility_staff, department, half_a):
    import datetime as dt

    from django.utils import timezone

    from facilities.models import BookingSeries, SeasonApplication, SeasonRound, SeasonSlotRequest
    from tests.facilities.conftest import next_weekday
    from tests.factories import AssociationFactory

    starts = next_weekday(0, at_least_days=7)
    season = SeasonRound.objects.create(
        name="Syyskausi",
        department=department,
        season_starts=starts,
        season_ends=starts + dt.timedelta(days=13),
        applications_open=timezone.now() - dt.timedelta(days=3),
        applications_close=timezone.now() - dt.timedelta(days=1),
        principles="Lapset ja nuoret ensin.",
    )
    season.spaces.set([half_a])
    application = SeasonApplication.objects.create(
        round=season, association=AssociationFactory(), applicant=facility_staff, purpose="Harjoitus", group_size=10
    )
    SeasonSlotRequest.objects.create(
        application=application, space=half_a, weekday=1, starts=dt.time(18), ends=dt.time(20)
    )
    client = client_for(facility_staff)
    client.post("/admin/facilities/seasonround/", {"action": "propose", "_selected_action": [season.pk]})
    page = client.get(f"/admin/facilities/seasonround/{season.pk}/change/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Hours a week asked" in page
    client.post("/admin/facilities/seasonround/", {"action": "publish", "_selected_action": [season.pk]})
    season.refresh_from_db()
    assert season.state == "published"
    assert BookingSeries.objects.get().bookings.count() == 2
    assert client.get("/admin/facilities/bookingseries/").status_code == 200
    assert client.get("/admin/facilities/seasonapplication/").status_code == 200


def test_seasonal_rounds_show_on_the_annual_clocks_calendar(department):
    import datetime as dt

    from django.utils import timezone

    from facilities.models import SeasonRound
    from portal.registries import calendar_items

    now = timezone.now()
    SeasonRound.objects.create(
        name="Kevätkausi",
        department=department,
        season_starts=timezone.localdate() + dt.timedelta(days=60),
        season_ends=timezone.localdate() + dt.timedelta(days=150),
        applications_open=now,
        applications_close=now + dt.timedelta(days=14),
        principles="Periaatteet",
        state="open",
    )
    from django.utils import translation

    with translation.override("en"):
        items = calendar_items(
            timezone.localdate(), timezone.localdate() + dt.timedelta(days=30), sources=["facilities.season_rounds"]
        )
        assert [item.title for item in items] == ["Applications for weekly slots: Kevätkausi"]


# --- The day view of a facility ----------------------------------------------------------------
def day_url(facility, day):
    return f"/admin/facilities/facility/{facility.pk}/day/?date={day.isoformat()}"


@pytest.fixture
def busy_day(hall, half_a, half_b, room, association, association_member, outsider, tuesday):
    from facilities.models import Closure

    services.booking_create(
        space=hall,
        booker=association_member,
        association=association,
        starts_at=at(tuesday, 17),
        ends_at=at(tuesday, 19),
        purpose="Salibandy",
        attendees=20,
    )
    services.booking_create(
        space=room,
        booker=outsider,
        association=None,
        starts_at=at(tuesday, 10),
        ends_at=at(tuesday, 11),
        purpose="Kerhokokous",
        attendees=5,
    )
    Closure.objects.create(space=half_b, starts_at=at(tuesday, 20), ends_at=at(tuesday, 22), reason="Lattian vahaus")
    return tuesday


def test_the_day_view_shows_every_space_with_its_bookers_and_closures(
    client_for, facility_staff, facility, busy_day, django_assert_max_num_queries
):
    client = client_for(facility_staff)
    with django_assert_max_num_queries(25):
        response = client.get(day_url(facility, busy_day))
    assert response.status_code == 200
    page = response.content.decode()
    for text in ("Liikuntasali", "Salin A-puoli", "Kokoushuone", "Salibandy", "Kerhokokous", "Porin Karhut ry"):
        assert text in page
    assert "member@karhut.example" in page and "outsider@example.org" in page
    assert "Lattian vahaus" in page
    assert "17:00" in page and "19:00" in page
    rows = {row.space.name: row for row in response.context["rows"]}
    assert [b.purpose for b in rows["Salin A-puoli"].shared] == ["Salibandy"]  # the whole hall holds the half
    assert [c.reason for c in rows["Liikuntasali"].closures] == ["Lattian vahaus"]  # a closed half closes the whole
    assert rows["Salin A-puoli"].closures == []


def test_the_day_view_of_another_day_is_empty(client_for, facility_staff, facility, busy_day):
    import datetime as dt

    response = client_for(facility_staff).get(day_url(facility, busy_day + dt.timedelta(days=1)))
    assert response.status_code == 200 and "Salibandy" not in response.content.decode()


def test_the_day_view_keeps_its_query_count_with_more_spaces_and_bookings(
    client_for, facility_staff, facility, busy_day, outsider
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(facility_staff)
    with CaptureQueriesContext(connection) as before:
        client.get(day_url(facility, busy_day))
    for n in range(5):
        space = SpaceFactory(facility=facility, name=f"Luokka {n}")
        every_day(space)
        services.booking_create(
            space=space,
            booker=outsider,
            association=None,
            starts_at=at(busy_day, 12),
            ends_at=at(busy_day, 13),
            purpose=f"Tunti {n}",
            attendees=5,
        )
    with CaptureQueriesContext(connection) as after:
        client.get(day_url(facility, busy_day))
    assert len(after) == len(before)


def test_staff_of_another_department_get_a_404_from_the_day_view(client_for, other_facility_staff, facility, busy_day):
    response = client_for(other_facility_staff).get(day_url(facility, busy_day))
    assert response.status_code == 404


def test_a_superuser_sees_any_facilitys_day(client_for, superuser, facility, busy_day):
    assert client_for(superuser).get(day_url(facility, busy_day)).status_code == 200


def test_staff_without_totp_are_kept_out_of_the_day_view(client_for, department, facility, busy_day):
    no_mfa = make_staff(department, "nomfa@city.example", mfa=False)
    response = client_for(no_mfa).get(day_url(facility, busy_day))
    assert response.status_code in (302, 403, 404)


def test_the_facility_list_links_to_the_day_view(client_for, facility_staff, facility):
    page = client_for(facility_staff).get("/admin/facilities/facility/").content.decode()
    assert f"/admin/facilities/facility/{facility.pk}/day/" in page


# --- Moving a booking in the admin -------------------------------------------------------------
def test_the_move_action_asks_for_the_new_time_and_mails_the_booker(
    client_for, facility_staff, room, outsider, tuesday
):
    booking = services.booking_create(
        space=room,
        booker=outsider,
        association=None,
        starts_at=at(tuesday, 18),
        ends_at=at(tuesday, 20),
        purpose="Kerhoilta",
        attendees=8,
    )
    client = client_for(facility_staff)
    first = client.post("/admin/facilities/booking/", {"action": "move", "_selected_action": [booking.pk]})
    assert first.status_code == 200 and 'name="starts"' in first.content.decode()
    client.post(
        "/admin/facilities/booking/",
        {
            "action": "move",
            "_selected_action": [booking.pk],
            "apply": "1",
            "date": tuesday.isoformat(),
            "starts": "19:00",
            "ends": "21:00",
        },
    )
    booking.refresh_from_db()
    assert booking.starts_at == at(tuesday, 19)
    assert Notification.objects.filter(to=outsider.email, template="booking-moved").exists()
