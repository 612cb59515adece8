"""No double booking under contention (issue 11, Done when #1): threads against real PostgreSQL.

A hundred attempts start together (a barrier) on one connection each; PostgreSQL here allows
300 connections, so every attempt really runs at once. Exactly one wins, every other attempt
gets the clear message — and with the service's check bypassed, the exclusion constraint alone
still lets only one through.
"""

import threading
import time

import psycopg
import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from facilities import services
from facilities.models import OCCUPANCY_CONSTRAINT, Booking, Occupancy
from tests.facilities.conftest import at
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

ATTEMPTS = 100


def run_together(functions):
    """Run every function in its own thread at the same moment; returns (results, errors, seconds)."""
    barrier = threading.Barrier(len(functions))
    lock = threading.Lock()
    results, errors = [], []

    def worker(fn):
        try:
            barrier.wait()
            value = fn()
            with lock:
                results.append(value)
        except Exception as exc:  # noqa: BLE001 - every failure is collected and asserted on
            with lock:
                errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(fn,)) for fn in functions]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors, time.perf_counter() - started


def assert_all_refused_with_the_clear_message(errors):
    assert all(isinstance(exc, ValidationError) for exc in errors), {type(exc) for exc in errors}
    assert {tuple(exc.messages) for exc in errors} == {(str(services.TAKEN),)}


def assert_no_atom_is_booked_twice():
    rows = list(Occupancy.objects.filter(active=True).values_list("space_id", "during"))
    for i, (space_a, during_a) in enumerate(rows):
        for space_b, during_b in rows[i + 1 :]:
            if space_a == space_b:
                assert during_a.upper <= during_b.lower or during_b.upper <= during_a.lower


def attempt(space, user, day, start_hour, start_minute=0, hours=2):
    def run():
        return services.booking_create(
            space=space,
            booker=user,
            association=None,
            starts_at=at(day, start_hour, start_minute),
            ends_at=at(day, start_hour + hours, start_minute),
            purpose="Vuoro",
            attendees=5,
        )

    return run


@pytest.fixture
def users():
    return [UserFactory() for _ in range(ATTEMPTS)]


def overlapping_starts(i):
    """17:00, 17:30, 18:00 or 18:30: every two-hour slot overlaps every other."""
    return 17 + (i % 4) // 2, 30 * (i % 2)


def assert_refused_by_the_database(errors):
    """Each refusal is the exclusion constraint, or PostgreSQL breaking a deadlock between two
    waiting inserts (its documented behaviour for concurrent exclusion-constraint inserts)."""
    constraint_errors = [exc for exc in errors if isinstance(exc, IntegrityError)]
    deadlocks = [exc for exc in errors if isinstance(exc.__cause__, psycopg.errors.DeadlockDetected)]
    assert len(constraint_errors) + len(deadlocks) == len(errors)
    assert constraint_errors
    assert {exc.__cause__.diag.constraint_name for exc in constraint_errors} == {OCCUPANCY_CONSTRAINT}


def test_a_hundred_concurrent_attempts_on_one_space_book_it_once(room, users, tuesday):
    functions = [attempt(room, user, tuesday, *overlapping_starts(i)) for i, user in enumerate(users)]
    results, errors, seconds = run_together(functions)
    assert len(results) == 1
    assert len(errors) == ATTEMPTS - 1
    assert_all_refused_with_the_clear_message(errors)
    assert Booking.objects.count() == 1
    assert_no_atom_is_booked_twice()
    print(f"\n{ATTEMPTS} attempts on one space in {seconds:.2f} s ({ATTEMPTS / seconds:.0f}/s)")


def test_a_hundred_concurrent_attempts_on_the_whole_hall_and_a_half_book_one_of_them(
    hall, half_a, half_b, users, tuesday
):
    spaces = [hall, half_a]
    functions = [attempt(spaces[i % 2], user, tuesday, *overlapping_starts(i)) for i, user in enumerate(users)]
    results, errors, _ = run_together(functions)
    assert len(results) == 1
    assert_all_refused_with_the_clear_message(errors)
    assert Booking.objects.count() == 1
    assert_no_atom_is_booked_twice()


def test_concurrent_attempts_on_the_hall_and_both_halves_never_share_a_half(hall, half_a, half_b, users, tuesday):
    spaces = [hall, half_a, half_b]
    functions = [attempt(spaces[i % 3], user, tuesday, *overlapping_starts(i)) for i, user in enumerate(users)]
    results, errors, _ = run_together(functions)
    assert_all_refused_with_the_clear_message(errors)
    won = sorted(booking.space_id for booking in results)
    # Either the whole hall won, or each half went to one attempt.
    assert won in ([hall.pk], sorted([half_a.pk, half_b.pk]))
    assert_no_atom_is_booked_twice()


def test_with_the_services_check_bypassed_the_constraint_alone_books_the_space_once(room, users, tuesday):
    """Every thread writes its booking and occupancy rows directly: no lock, no check."""

    def insert(user, start_hour, start_minute):
        def run():
            with transaction.atomic():
                booking = Booking.objects.create(
                    space=room,
                    booker=user,
                    starts_at=at(tuesday, start_hour, start_minute),
                    ends_at=at(tuesday, start_hour + 2, start_minute),
                    purpose="Ohi palvelun",
                    attendees=1,
                    state=Booking.State.CONFIRMED,
                )
                during = services.occupied_range(starts_at=booking.starts_at, ends_at=booking.ends_at, buffer_minutes=0)
                Occupancy.objects.create(booking=booking, space=room, during=during, active=True)
            return booking

        return run

    results, errors, _ = run_together([insert(user, *overlapping_starts(i)) for i, user in enumerate(users)])
    assert len(results) == 1
    assert len(errors) == ATTEMPTS - 1
    assert_refused_by_the_database(errors)
    assert Booking.objects.count() == 1 and Occupancy.objects.count() == 1


def test_with_the_services_check_bypassed_the_constraint_alone_refuses_hall_against_half(
    hall, half_a, half_b, users, tuesday
):
    atoms = {hall.pk: [half_a.pk, half_b.pk], half_a.pk: [half_a.pk]}
    spaces = [hall, half_a]

    def insert(space, user, start_hour, start_minute):
        def run():
            with transaction.atomic():
                booking = Booking.objects.create(
                    space=space,
                    booker=user,
                    starts_at=at(tuesday, start_hour, start_minute),
                    ends_at=at(tuesday, start_hour + 2, start_minute),
                    purpose="Ohi palvelun",
                    attendees=1,
                    state=Booking.State.CONFIRMED,
                )
                during = services.occupied_range(starts_at=booking.starts_at, ends_at=booking.ends_at, buffer_minutes=0)
                Occupancy.objects.bulk_create(
                    [Occupancy(booking=booking, space_id=atom, during=during) for atom in atoms[space.pk]]
                )
            return booking

        return run

    functions = [insert(spaces[i % 2], user, *overlapping_starts(i)) for i, user in enumerate(users)]
    results, errors, _ = run_together(functions)
    assert len(results) == 1
    assert_refused_by_the_database(errors)
    assert Booking.objects.count() == 1
    assert_no_atom_is_booked_twice()


def test_with_the_friendly_check_switched_off_the_service_still_gives_the_clear_message(
    room, users, tuesday, monkeypatch
):
    monkeypatch.setattr(services, "taken_before_locking", lambda snapshot, atoms, during: False)
    monkeypatch.setattr(services, "overlaps", lambda atoms, during: False)
    functions = [attempt(room, user, tuesday, *overlapping_starts(i)) for i, user in enumerate(users)]
    results, errors, _ = run_together(functions)
    assert len(results) == 1
    assert_all_refused_with_the_clear_message(errors)
    assert Booking.objects.count() == 1
