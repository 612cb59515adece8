import io

import pytest

from associations import demo as associations_demo
from facilities import demo
from facilities.models import Booking, Facility, Occupancy, SeasonRound, Space
from portal import demo as portal_demo


@pytest.mark.django_db
def test_the_demo_has_a_gym_with_two_halves_and_bookings_and_loading_twice_changes_nothing():
    out = io.StringIO()
    portal_demo.load(stdout=out)
    associations_demo.load(stdout=out)
    demo.load(stdout=out)
    counts = (Facility.objects.count(), Space.objects.count(), Booking.objects.count(), Occupancy.objects.count())
    demo.load(stdout=out)
    assert (
        Facility.objects.count(),
        Space.objects.count(),
        Booking.objects.count(),
        Occupancy.objects.count(),
    ) == counts
    hall = Space.objects.get(slug="lansi-porin-koulun-liikuntasali")
    assert hall.is_shared_use and hall.children.count() == 2
    assert Booking.objects.count() >= 2
    assert Space.objects.filter(is_shared_use=False).exists()
    assert SeasonRound.objects.filter(state="open").count() == 1
