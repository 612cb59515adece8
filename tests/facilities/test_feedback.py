"""Feedback after use: the booker rates a booking once it has ended; the average is an indicator."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from facilities import services
from facilities.models import BookingFeedback
from portal.registries import get_indicator
from tests.facilities.conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def used(room, outsider):
    """Yesterday's booking, made a week before."""
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    return services.booking_create(
        space=room,
        booker=outsider,
        association=None,
        starts_at=at(yesterday, 18),
        ends_at=at(yesterday, 20),
        purpose="Kerho",
        attendees=5,
        now=timezone.now() - dt.timedelta(days=7),
    )


def test_the_booker_rates_a_used_booking_from_their_list_once(client_for, used, outsider):
    client = client_for(outsider)
    page = client.get("/en/facilities/bookings/").content.decode()
    assert "How did it go?" in page
    response = client.post(
        f"/en/facilities/bookings/{used.pk}/feedback/", {"rating": "4", "text": "Sali oli siisti."}, follow=True
    )
    assert "Thank you for your feedback." in response.content.decode()
    assert (used.feedback.rating, used.feedback.text) == (4, "Sali oli siisti.")
    again = client.post(f"/en/facilities/bookings/{used.pk}/feedback/", {"rating": "1"}, follow=True)
    assert str(services.FEEDBACK_GIVEN) in again.content.decode()
    assert BookingFeedback.objects.count() == 1
    assert get_indicator("facilities.feedback_average").value_for(used.starts_at.year) == Decimal("4.0")


def test_feedback_before_the_booking_ends_or_on_someone_elses_booking_is_refused(
    client_for, room, used, outsider, association_member, tuesday
):
    coming = services.booking_create(
        space=room,
        booker=outsider,
        association=None,
        starts_at=at(tuesday, 18),
        ends_at=at(tuesday, 20),
        purpose="Kerho",
        attendees=5,
    )
    with pytest.raises(ValidationError) as excinfo:
        services.feedback_give(booking=coming, user=outsider, rating=5)
    assert excinfo.value.messages == [str(services.FEEDBACK_TOO_EARLY)]
    assert (
        client_for(association_member).post(f"/en/facilities/bookings/{used.pk}/feedback/", {"rating": "5"}).status_code
        == 404
    )
    response = client_for(outsider).post(f"/en/facilities/bookings/{used.pk}/feedback/", {"rating": "9"}, follow=True)
    assert str(services.FEEDBACK_RATING) in response.content.decode()
    assert BookingFeedback.objects.count() == 0
