"""``manage.py bench_facilities``' contention: worker processes booking the same halls at once."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from facilities.models import Booking, Occupancy
from portal.models import Notification


def _rows():
    return {
        "bookings": Booking.objects.count(),
        "history": Booking.history.count(),
        "occupancies": Occupancy.objects.count(),
        "notifications": Notification.objects.count(),
    }


@pytest.mark.django_db(transaction=True)
def test_the_contention_bench_books_without_overlap_and_leaves_the_data_set_as_it_was():
    call_command("generate_facilities", "--spaces", "50", stdout=StringIO())  # ten halls with halves
    before = _rows()
    out = StringIO()
    call_command("bench_facilities", "--only", "contention", "--workers", "2", "--attempts", "60", stdout=out)
    contention = json.loads(out.getvalue().strip().splitlines()[-1])["contention"]
    assert contention["overlapping_active_occupancies"] == 0
    assert contention["other_errors"] == 0
    assert contention["booked"] >= 1 and contention["booked"] + contention["refused"] == 60
    assert contention["attempts_per_second"] > 0
    assert _rows() == before  # bookings, their history, occupancies and e-mails removed again
