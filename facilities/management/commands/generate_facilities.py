"""``manage.py generate_facilities``: a large facilities data set for the benchmark.

``--spaces`` spaces in facilities of five (a whole hall with two halves and two rooms), bookable
8–22 every day, and a year of bookings (26 weeks back, 26 ahead): two evening bookings a week on
every atomic space, written with their occupancy rows (COPY, ``portal.bench.copy``). Idempotent: does nothing when the
generated facilities are already there.
"""

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.db.backends.postgresql.psycopg_any import DateTimeTZRange
from django.utils import timezone

from facilities.models import BookableHours, Booking, Facility, Occupancy, Space
from portal.bench.copy import copy_objects
from portal.models import Department, ServiceArea

PREFIX = "bench-"
BATCH = 5000


class Command(BaseCommand):
    help = "Generate facilities, spaces and a year of bookings for the benchmark."

    def add_arguments(self, parser):
        parser.add_argument("--spaces", type=int, default=2000)
        parser.add_argument(
            "--no-analyze", action="store_true", help="Leave ANALYZE to the caller (the bench data set)."
        )

    @transaction.atomic
    def handle(self, *args, spaces, no_analyze=False, **options):
        facilities_wanted = spaces // 5
        if Facility.objects.filter(slug__startswith=PREFIX).count() >= facilities_wanted:
            self.stdout.write("already generated")
            return
        department, _ = Department.objects.get_or_create(name="Bench department")
        areas = [ServiceArea.objects.get_or_create(name=f"Bench area {i}")[0] for i in range(9)]
        user, _ = get_user_model().objects.get_or_create(username="bench@bench.invalid", email="bench@bench.invalid")
        facilities = Facility.objects.bulk_create(
            [
                Facility(
                    name=f"Bench school {i:04d}",
                    slug=f"{PREFIX}{i:04d}",
                    department=department,
                    service_area=areas[i % len(areas)],
                    address=f"Benchkatu {i}",
                )
                for i in range(facilities_wanted)
            ]
        )
        roots = Space.objects.bulk_create(
            [
                Space(
                    facility=f,
                    name=name,
                    slug=f"{f.slug}-{suffix}",
                    capacity=capacity,
                    is_shared_use=shared,
                    horizon_days=400,
                )
                for f in facilities
                for suffix, name, capacity, shared in (
                    ("hall", "Liikuntasali", 60, True),
                    ("room-1", "Kokoushuone", 12, False),
                    ("room-2", "Kerhohuone", 20, True),
                )
            ],
            batch_size=BATCH,
        )
        halls = [s for s in roots if s.slug.endswith("-hall")]
        halves = Space.objects.bulk_create(
            [
                Space(
                    facility_id=h.facility_id,
                    parent=h,
                    name=f"Puoli {x}",
                    slug=f"{h.slug}-{x}",
                    capacity=30,
                    is_shared_use=True,
                    horizon_days=400,
                )
                for h in halls
                for x in ("a", "b")
            ],
            batch_size=BATCH,
        )
        BookableHours.objects.bulk_create(
            [BookableHours(space=s, weekday=d, starts=dt.time(8), ends=dt.time(22)) for s in roots for d in range(7)],
            batch_size=BATCH,
        )
        atoms = halves + [s for s in roots if not s.slug.endswith("-hall")]
        monday = timezone.localdate() - dt.timedelta(days=timezone.localdate().weekday() + 26 * 7)
        bookings = []
        for week in range(52):
            for index, atom in enumerate(atoms):
                day = monday + dt.timedelta(days=7 * week + index % 5)
                for hour in (17, 19):
                    starts = timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))
                    bookings.append(
                        Booking(
                            space=atom,
                            starts_at=starts,
                            ends_at=starts + dt.timedelta(hours=2),
                            booker=user,
                            customer_group="association",
                            purpose="Bench",
                            attendees=10,
                            state=Booking.State.CONFIRMED,
                        )
                    )
            if len(bookings) >= BATCH * 4 or week == 51:
                created = copy_objects(Booking, bookings)
                copy_objects(
                    Occupancy,
                    [
                        Occupancy(booking=b, space_id=b.space_id, during=DateTimeTZRange(b.starts_at, b.ends_at, "[)"))
                        for b in created
                    ],
                )
                bookings = []
        if not no_analyze:
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")  # fresh statistics, as autovacuum would give a live database
        self.stdout.write(
            f"{Space.objects.filter(facility__slug__startswith=PREFIX).count()} spaces, "
            f"{Booking.objects.filter(purpose='Bench').count()} bookings"
        )
