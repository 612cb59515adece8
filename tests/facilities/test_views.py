"""The public pages: find a space, see its prices, terms and free times, book, cancel."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from facilities import services
from facilities.models import Booking, Closure, Equipment
from portal.models import Notification
from tests.facilities.conftest import at
from tests.facilities.factories import FacilityFactory, PriceRuleFactory, SpaceFactory, every_day
from tests.factories import AssociationFactory, ServiceAreaFactory

pytestmark = pytest.mark.django_db

CATALOGUE = "/fi/facilities/"


def names(response):
    return [space.name for space in response.context["spaces"]]


def book(space, user, day, start, end, association=None):
    return services.booking_create(
        space=space,
        booker=user,
        association=association,
        starts_at=at(day, start),
        ends_at=at(day, end),
        purpose="Vuoro",
        attendees=5,
    )


def free_at(day, start="18:00", end="20:00"):
    return {"date": day.isoformat(), "starts": start, "ends": end}


def test_the_catalogue_lists_bookable_spaces_with_their_facility(client, hall, half_a, room):
    response = client.get(CATALOGUE)
    assert response.status_code == 200
    assert names(response) == ["Kokoushuone", "Liikuntasali", "Salin A-puoli"]
    assert "Länsi-Porin koulu" in response.content.decode()


def test_the_catalogue_filters_by_capacity_area_equipment_access_and_shared_use(client, hall, room):
    area = ServiceAreaFactory(name="Länsi")
    hall.facility.service_area = area
    hall.facility.step_free_access = True
    hall.facility.save()
    elsewhere = SpaceFactory(name="Nuorisotalo", capacity=40, facility=FacilityFactory(name="Itä"), is_shared_use=False)
    hoops = Equipment.objects.create(name="Koripallotelineet", slug="kori")
    hall.equipment.add(hoops)
    assert names(client.get(CATALOGUE, {"capacity": 30})) == ["Nuorisotalo", "Liikuntasali"]  # by facility
    assert names(client.get(CATALOGUE, {"service_area": area.pk})) == ["Kokoushuone", "Liikuntasali"]
    assert names(client.get(CATALOGUE, {"equipment": hoops.pk})) == ["Liikuntasali"]
    assert names(client.get(CATALOGUE, {"shared_use": "on"})) == ["Liikuntasali"]
    assert names(client.get(CATALOGUE, {"step_free": "on"})) == ["Kokoushuone", "Liikuntasali"]
    assert elsewhere.name not in names(client.get(CATALOGUE, {"shared_use": "on"}))


def test_a_gym_for_30_people_free_on_tuesday_18_to_20(client, hall, half_a, half_b, room, outsider, tuesday):
    book(half_a, outsider, tuesday, 19, 20)
    response = client.get("/en/facilities/", {"capacity": 30, **free_at(tuesday)})
    assert names(response) == ["Salin B-puoli"]  # the whole hall shares the booked half
    assert "1 space free on" in response.content.decode()
    assert names(client.get(CATALOGUE, free_at(tuesday, "20:00", "22:00"))) == [
        "Kokoushuone",
        "Liikuntasali",
        "Salin A-puoli",
        "Salin B-puoli",
    ]


def test_free_at_a_time_leaves_out_closed_spaces_and_times_outside_the_bookable_hours(client, hall, room, tuesday):
    Closure.objects.create(space=room, starts_at=at(tuesday, 17), ends_at=at(tuesday, 19), reason="Siivous")
    assert names(client.get(CATALOGUE, free_at(tuesday))) == ["Liikuntasali"]
    assert names(client.get(CATALOGUE, free_at(tuesday, "06:00", "07:00"))) == []


def test_an_incomplete_free_time_search_says_what_is_missing(client, hall, tuesday):
    response = client.get("/en/facilities/", {"date": tuesday.isoformat(), "starts": "18:00"})
    assert response.status_code == 200
    assert "To find a free space, give the date and both times." in response.content.decode()


def test_the_catalogue_keeps_its_query_count_with_many_spaces(client, django_assert_max_num_queries, tuesday):
    facility = FacilityFactory(service_area=ServiceAreaFactory())
    hoops = Equipment.objects.create(name="Telineet", slug="telineet")
    for i in range(25):
        space = SpaceFactory(facility=facility)
        space.equipment.add(hoops)
        if i % 2:
            SpaceFactory(facility=facility, parent=space)
        every_day(space)
    with django_assert_max_num_queries(8):
        response = client.get(CATALOGUE, {"capacity": 10, **free_at(tuesday)})
    assert response.status_code == 200 and len(response.context["spaces"]) == 20


def test_a_closure_of_the_whole_hall_or_of_a_half_takes_both_out_of_the_free_time_search(
    client, hall, half_a, half_b, room, tuesday
):
    closure = Closure.objects.create(space=hall, starts_at=at(tuesday, 17), ends_at=at(tuesday, 21), reason="Kisat")
    assert names(client.get(CATALOGUE, free_at(tuesday))) == ["Kokoushuone"]
    closure.space = half_b
    closure.save()
    assert names(client.get(CATALOGUE, free_at(tuesday))) == ["Kokoushuone", "Salin A-puoli"]


def test_a_booked_quarter_takes_its_half_and_the_whole_hall_out_of_the_free_time_search(
    client, hall, half_a, half_b, outsider, tuesday
):
    quarter = SpaceFactory(facility=hall.facility, parent=half_a, name="Neljännes", slug="neljannes", capacity=15)
    book(quarter, outsider, tuesday, 18, 19)
    assert names(client.get(CATALOGUE, free_at(tuesday))) == ["Salin B-puoli"]


def test_the_free_time_search_pages_its_results_and_keeps_the_filters_in_the_page_links(client, tuesday):
    facility = FacilityFactory(name="Koulu")
    for i in range(45):
        every_day(SpaceFactory(facility=facility, name=f"Tila {i:02d}", capacity=40))
    query = {"capacity": 30, **free_at(tuesday)}
    first = client.get("/en/facilities/", query)
    page = first.content.decode()
    assert [s.name for s in first.context["spaces"]] == [f"Tila {i:02d}" for i in range(20)]
    assert "45 spaces free on" in page
    assert "Page 1 of 3" in page and 'aria-current="page"' in page
    next_link = f"?capacity=30&amp;date={tuesday.isoformat()}&amp;starts=18%3A00&amp;ends=20%3A00&amp;page=2"
    assert f'href="{next_link}"' in page
    last = client.get("/en/facilities/", {**query, "page": 3})
    assert [s.name for s in last.context["spaces"]] == [f"Tila {i:02d}" for i in range(40, 45)]
    assert "Page 3 of 3" in last.content.decode()


def test_the_free_time_search_keeps_its_query_count_however_many_spaces_are_taken(
    client, django_assert_max_num_queries, outsider, tuesday
):
    """The filters run once (ids, then the page's spaces): six queries with a closure, at any size."""
    facility = FacilityFactory(service_area=ServiceAreaFactory())
    hoops = Equipment.objects.create(name="Telineet", slug="telineet")
    for i in range(30):
        space = SpaceFactory(facility=facility, capacity=40)
        space.equipment.add(hoops)
        every_day(space)
        if i % 2:
            SpaceFactory(facility=facility, parent=space, capacity=40)
        if i % 3 == 0:
            book(space, outsider, tuesday, 18, 19)  # with a half, the half is what is occupied
    closed = FacilityFactory()
    Closure.objects.create(facility=closed, starts_at=at(tuesday, 8), ends_at=at(tuesday, 22), reason="Remontti")
    with django_assert_max_num_queries(7):
        response = client.get(CATALOGUE, {"capacity": 10, **free_at(tuesday)})
    assert response.status_code == 200 and len(response.context["spaces"]) == 20
    assert response.context["page"].paginator.count == 30  # 30 + 15 halves, less 10 booked and their 5 halves


def test_the_space_page_shows_prices_terms_and_the_week_with_taken_times(client, room, outsider, tuesday):
    PriceRuleFactory(space=room, customer_group="association", price_per_hour=Decimal("12.50"))
    PriceRuleFactory(space=room, customer_group="resident", price_per_hour=Decimal("20.00"), is_free=True)
    book(room, outsider, tuesday, 18, 20)
    response = client.get(f"/en/facilities/spaces/{room.slug}/", {"week": tuesday.isoformat()})
    html = response.content.decode()
    assert response.status_code == 200
    assert "12.50" in html and "Free use" in html
    assert "You can cancel free of charge until 48 hours before the start." in html
    tuesday_column = next(day for day in response.context["days"] if day.date == tuesday)
    states = [
        (s.state, timezone.localtime(s.starts_at).hour, timezone.localtime(s.ends_at).hour)
        for s in tuesday_column.stretches
    ]
    assert ("taken", 18, 20) in states and ("free", 8, 18) in states and ("free", 20, 22) in states
    assert f"?week={(tuesday - dt.timedelta(days=tuesday.weekday()) + dt.timedelta(days=7)).isoformat()}" in html


def test_the_week_view_of_the_whole_hall_shows_a_booked_half_as_taken(client, hall, half_a, outsider, tuesday):
    book(half_a, outsider, tuesday, 18, 19)
    response = client.get(f"/en/facilities/spaces/{hall.slug}/", {"week": tuesday.isoformat()})
    day = next(day for day in response.context["days"] if day.date == tuesday)
    assert any(s.state == "taken" for s in day.stretches)


def test_the_space_page_keeps_its_query_count_with_many_bookings(
    client, room, outsider, django_assert_max_num_queries, tuesday
):
    for day in (tuesday, tuesday + dt.timedelta(days=1), tuesday + dt.timedelta(days=2)):
        for hour in range(8, 22, 2):
            book(room, outsider, day, hour, hour + 1)
    with django_assert_max_num_queries(12):
        response = client.get(f"/en/facilities/spaces/{room.slug}/", {"week": tuesday.isoformat()})
    assert response.status_code == 200
    assert sum(s.state == "taken" for d in response.context["days"] for s in d.stretches) >= 21


def test_a_signed_out_visitor_is_asked_to_sign_in_to_book(client, room):
    response = client.get(f"/en/facilities/spaces/{room.slug}/book/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_representative_books_for_the_association_and_sees_it_in_their_list(
    client_for, room, association, association_member, tuesday
):
    client = client_for(association_member)
    form = client.get(f"/en/facilities/spaces/{room.slug}/book/", {"date": tuesday.isoformat(), "starts": "18:00"})
    assert form.status_code == 200 and "Porin Karhut ry" in form.content.decode()
    response = client.post(
        f"/en/facilities/spaces/{room.slug}/book/",
        {
            "association": association.pk,
            "date": tuesday.isoformat(),
            "starts": "18:00",
            "ends": "20:00",
            "purpose": "Hallituksen kokous",
            "attendees": 7,
            "accept_terms": "on",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/en/facilities/bookings/"
    assert "The booking is confirmed." in response.content.decode()
    booking = Booking.objects.get()
    assert booking.association == association and booking.booker == association_member
    assert "Hallituksen kokous" in response.content.decode()
    assert Notification.objects.filter(to=association_member.email, template="booking-confirmed").exists()


def test_the_booking_form_shows_the_services_message_and_saves_nothing(client_for, room, outsider, tuesday):
    response = client_for(outsider).post(
        f"/en/facilities/spaces/{room.slug}/book/",
        {
            "association": "self",
            "date": tuesday.isoformat(),
            "starts": "20:00",
            "ends": "18:00",
            "purpose": "Kerho",
            "attendees": 5,
            "accept_terms": "on",
        },
    )
    assert response.status_code == 200
    assert str(services.END_BEFORE_START) in response.content.decode()
    assert Booking.objects.count() == 0


def test_the_booking_form_offers_only_associations_the_user_represents(client_for, room, outsider, tuesday):
    other = AssociationFactory(name="Vieras ry")
    response = client_for(outsider).post(
        f"/en/facilities/spaces/{room.slug}/book/",
        {
            "association": other.pk,
            "date": tuesday.isoformat(),
            "starts": "18:00",
            "ends": "20:00",
            "purpose": "Kerho",
            "attendees": 5,
            "accept_terms": "on",
        },
    )
    assert response.status_code == 200 and "Vieras ry" not in response.content.decode()
    assert response.context["form"].errors["association"]
    assert Booking.objects.count() == 0


def test_a_booker_cancels_from_their_list_and_nobody_else_can(client_for, room, outsider, association_member, tuesday):
    booking = book(room, outsider, tuesday, 18, 20)
    assert client_for(association_member).post(f"/en/facilities/bookings/{booking.pk}/cancel/").status_code == 404
    response = client_for(outsider).post(f"/en/facilities/bookings/{booking.pk}/cancel/", follow=True)
    assert "The booking is cancelled" in response.content.decode()
    booking.refresh_from_db()
    assert booking.state == Booking.State.CANCELLED


def test_the_booking_list_keeps_its_query_count(client_for, room, outsider, django_assert_max_num_queries, tuesday):
    for hour in range(8, 20, 2):
        book(room, outsider, tuesday, hour, hour + 1)
    client = client_for(outsider)
    client.get("/en/facilities/bookings/")
    with django_assert_max_num_queries(10):
        response = client.get("/en/facilities/bookings/")
    assert len(response.context["upcoming"]) == 6


def test_the_booker_downloads_the_booking_as_ics_and_others_get_404(
    client_for, room, outsider, association_member, tuesday
):
    booking = book(room, outsider, tuesday, 18, 20)
    response = client_for(outsider).get(f"/en/facilities/bookings/{booking.pk}/booking.ics")
    assert response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    assert "BEGIN:VEVENT" in body and "Kokoushuone" in body and "STATUS:CONFIRMED" in body
    assert client_for(association_member).get(f"/en/facilities/bookings/{booking.pk}/booking.ics").status_code == 404


def test_the_space_calendar_shows_booked_times_without_names(client, room, outsider, tuesday):
    book(room, outsider, tuesday, 18, 20)
    body = client.get(f"/en/facilities/spaces/{room.slug}/calendar.ics").content.decode()
    assert "BEGIN:VEVENT" in body and "outsider" not in body
