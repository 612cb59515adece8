"""A seasonal round: applications for weekly slots, assisted allocation by the published
principles with every conflict and a fairness summary, and publication as booking series."""

import datetime as dt

import pytest
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from facilities import services
from facilities.models import Booking, BookingSeries, Closure, SeasonApplication, SeasonRound, SeasonSlotRequest
from portal.models import Notification
from tests.facilities.conftest import at, next_weekday
from tests.factories import AgeGroupFactory, AssociationFactory, MembershipFactory

pytestmark = pytest.mark.django_db

TUESDAY, WEDNESDAY = 1, 2


@pytest.fixture
def season_round(department, hall, half_a, half_b):
    starts = next_weekday(0, at_least_days=7)
    now = timezone.now()
    season = SeasonRound.objects.create(
        name="Kevätkausi",
        department=department,
        season_starts=starts,
        season_ends=starts + dt.timedelta(days=27),  # four weeks
        applications_open=now - dt.timedelta(days=10),
        applications_close=now - dt.timedelta(days=1),
        principles="Lasten ja nuorten ryhmät ensin, sitten hakemusjärjestys.",
    )
    season.spaces.set([hall, half_a, half_b])
    return season


def apply(season, name, *slots, age_group=None, size=20, wanted=1):
    association = AssociationFactory(name=name)
    applicant = MembershipFactory(association=association).user
    application = SeasonApplication.objects.create(
        round=season,
        association=association,
        applicant=applicant,
        purpose=f"{name} harjoitukset",
        age_group=age_group,
        group_size=size,
        slots_wanted=wanted,
    )
    for rank, (space, weekday, starts, ends) in enumerate(slots, start=1):
        SeasonSlotRequest.objects.create(
            application=application, rank=rank, space=space, weekday=weekday, starts=dt.time(starts), ends=dt.time(ends)
        )
    return application


def test_assisted_allocation_follows_the_principles_and_explains_every_conflict(
    season_round, hall, half_a, half_b, room, staff
):
    adults = apply(
        season_round, "Aikuisliikkujat ry", (hall, TUESDAY, 18, 20), (half_a, WEDNESDAY, 18, 20)
    )  # applied first
    youth = apply(
        season_round,
        "Nuoret Karhut ry",
        (half_a, TUESDAY, 19, 21),
        age_group=AgeGroupFactory(name="Nuoret", min_age=13),
    )
    outsider_room = apply(season_round, "Kokoontujat", (room, TUESDAY, 18, 20), (half_b, TUESDAY, 18, 20), size=35)

    services.season_propose(round=season_round, user=staff)
    season_round.refresh_from_db()
    given = {a.application_id: (a.space_id, a.weekday) for a in season_round.allocations.all()}
    assert given[youth.pk] == (half_a.pk, TUESDAY)  # children and young people first
    assert given[adults.pk] == (half_a.pk, WEDNESDAY)  # the whole hall shares the youth's half
    assert outsider_room.pk not in given
    reasons = {(c["association"], c["reason"]) for c in season_round.allocation_report["conflicts"]}
    assert (
        "Aikuisliikkujat ry",
        str(services.SLOT_TAKEN_BY % {"association": "Nuoret Karhut ry", "why": services.YOUTH_FIRST}),
    ) in reasons
    assert ("Kokoontujat", str(services.NOT_IN_ROUND)) in reasons
    assert ("Kokoontujat", str(services.GROUP_TOO_LARGE)) in reasons
    fairness = season_round.allocation_report["fairness"]["associations"]
    assert fairness["Aikuisliikkujat ry"] == {"asked_hours": 2.0, "given_hours": 2.0}
    assert fairness["Kokoontujat"] == {"asked_hours": 2.0, "given_hours": 0.0}
    assert season_round.state == SeasonRound.State.ALLOCATING


def test_publishing_turns_allocations_into_booking_series_and_lists_skipped_dates(
    season_round, half_a, outsider, staff
):
    application = apply(season_round, "Porin Pallo ry", (half_a, TUESDAY, 18, 20))
    services.season_propose(round=season_round, user=staff)
    tuesdays = [season_round.season_starts + dt.timedelta(days=1 + 7 * week) for week in range(4)]
    Closure.objects.create(space=half_a, starts_at=at(tuesdays[1], 0), ends_at=at(tuesdays[1], 23), reason="Remontti")
    services.booking_create(  # someone booked one Tuesday's evening before the results
        space=half_a,
        booker=outsider,
        association=None,
        starts_at=at(tuesdays[2], 19),
        ends_at=at(tuesdays[2], 20),
        purpose="Oma vuoro",
        attendees=5,
    )

    services.season_publish(round=season_round, user=staff)
    series = BookingSeries.objects.get(allocation__application=application)
    booked_days = sorted(timezone.localtime(b.starts_at).date() for b in series.bookings.all())
    assert booked_days == [tuesdays[0], tuesdays[3]]
    assert series.skipped == [
        {"date": tuesdays[1].isoformat(), "reason": str(services.CLOSED)},
        {"date": tuesdays[2].isoformat(), "reason": str(services.TAKEN)},
    ]
    assert all(
        b.state == Booking.State.CONFIRMED and b.association == application.association for b in series.bookings.all()
    )
    mail = Notification.objects.get(to=application.applicant.email, template="season-allocated")
    assert tuesdays[1].isoformat() in mail.body_text
    with pytest.raises(ValidationError):
        services.season_publish(round=season_round, user=staff)


def test_a_series_is_cancelled_as_one_and_its_times_free_up(season_round, half_a, outsider, staff):
    apply(season_round, "Porin Pallo ry", (half_a, TUESDAY, 18, 20))
    services.season_propose(round=season_round, user=staff)
    services.season_publish(round=season_round, user=staff)
    series = BookingSeries.objects.get()
    assert services.series_cancel(series=series, user=staff) == 4
    assert not series.bookings.filter(state__in=Booking.ACTIVE_STATES).exists()
    first = season_round.season_starts + dt.timedelta(days=1)
    again = services.booking_create(
        space=half_a,
        booker=outsider,
        association=None,
        starts_at=at(first, 18),
        ends_at=at(first, 20),
        purpose="Vapautui",
        attendees=5,
    )
    assert again.is_active
    with pytest.raises(ValidationError):
        services.series_cancel(series=series, user=staff)


# --- Re-adding a skipped date --------------------------------------------------------------------
@pytest.fixture
def series_with_a_taken_date(season_round, half_a, outsider, staff):
    """A published series whose third Tuesday was taken by someone else's booking."""
    application = apply(season_round, "Porin Pallo ry", (half_a, TUESDAY, 18, 20))
    services.season_propose(round=season_round, user=staff)
    tuesdays = [season_round.season_starts + dt.timedelta(days=1 + 7 * week) for week in range(4)]
    other = services.booking_create(
        space=half_a,
        booker=outsider,
        association=None,
        starts_at=at(tuesdays[2], 19),
        ends_at=at(tuesdays[2], 20),
        purpose="Oma vuoro",
        attendees=5,
    )
    services.season_publish(round=season_round, user=staff)
    series = BookingSeries.objects.get(allocation__application=application)
    return series, tuesdays[2], other


def test_a_skipped_date_still_taken_is_refused_with_the_reason_and_stays_listed(series_with_a_taken_date, staff):
    series, day, _other = series_with_a_taken_date
    with translation.override("en"), pytest.raises(ValidationError) as excinfo:
        services.series_date_readd(series=series, day=day, user=staff)
    (message,) = excinfo.value.messages
    with translation.override("en"):
        assert "still cannot be booked" in message and str(services.TAKEN) in message
    series.refresh_from_db()
    assert [entry["date"] for entry in series.skipped] == [day.isoformat()]
    assert series.bookings.count() == 3


def test_a_skipped_date_is_re_added_once_it_frees_up(series_with_a_taken_date, staff, outsider):
    series, day, other = series_with_a_taken_date
    services.booking_cancel(booking=other, user=outsider)
    booking = services.series_date_readd(series=series, day=day, user=staff)
    assert booking.series == series and booking.state == Booking.State.CONFIRMED
    assert timezone.localtime(booking.starts_at) == at(day, 18)
    series.refresh_from_db()
    assert series.skipped == []
    assert series.bookings.count() == 4
    applicant = series.allocation.application.applicant
    mail = Notification.objects.get(to=applicant.email, key=f"booking-{booking.pk}-booking-confirmed")
    assert mail.attachments[0]["filename"] == f"booking-{booking.pk}.ics"
    with pytest.raises(ValidationError) as excinfo:  # not skipped any more
        services.series_date_readd(series=series, day=day, user=staff)
    assert excinfo.value.messages == [str(services.NOT_SKIPPED)]


def test_a_date_of_a_cancelled_series_is_not_re_added(series_with_a_taken_date, staff, outsider):
    series, day, other = series_with_a_taken_date
    services.booking_cancel(booking=other, user=outsider)
    services.series_cancel(series=series, user=staff)
    with pytest.raises(ValidationError) as excinfo:
        services.series_date_readd(series=series, day=day, user=staff)
    assert excinfo.value.messages == [str(services.SERIES_CANCELLED)]


def test_staff_retry_the_skipped_dates_from_the_admin(series_with_a_taken_date, client_for, staff, outsider):
    from django.contrib.auth.models import Permission

    series, day, other = series_with_a_taken_date
    staff.groups.first().permissions.set(Permission.objects.filter(content_type__app_label="facilities"))
    client = client_for(staff)
    url = "/admin/facilities/bookingseries/"
    refused = client.post(url, {"action": "readd_skipped", "_selected_action": [series.pk]}, follow=True)
    (warning,) = [m for m in refused.context["messages"] if m.level == messages.WARNING]
    assert str(series) in warning.message
    series.refresh_from_db()
    assert len(series.skipped) == 1
    services.booking_cancel(booking=other, user=outsider)
    client.post(url, {"action": "readd_skipped", "_selected_action": [series.pk]})
    series.refresh_from_db()
    assert series.skipped == [] and series.bookings.filter(state=Booking.State.CONFIRMED).count() == 4
