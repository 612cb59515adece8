"""Reads of the facilities app: utilisation figures, the catalogue and the week view."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import DurationField, ExpressionWrapper, F, Q, Sum
from django.utils import timezone

from facilities.models import BookableHours, Booking, Occupancy, Space

HOUR = dt.timedelta(hours=1)


def _local_midnight(day):
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def percent(part, whole) -> Decimal:
    if not whole:
        return Decimal("0.0")
    return (Decimal(str(part)) * 100 / Decimal(str(whole))).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


# --- Utilisation -------------------------------------------------------------------------------
@dataclass
class Utilisation:
    """Hours of one atomic shared-use space (or a sum of them) in a period."""

    bookable_hours: float = 0.0
    booked_hours: float = 0.0
    association_hours: float = 0.0

    @property
    def utilisation(self) -> Decimal:
        """Käyttöaste: booked hours / bookable hours, in %."""
        return percent(self.booked_hours, self.bookable_hours)

    @property
    def association_share(self) -> Decimal:
        """The associations' share of the booked hours, in %."""
        return percent(self.association_hours, self.booked_hours)

    def add(self, other):
        self.bookable_hours += other.bookable_hours
        self.booked_hours += other.booked_hours
        self.association_hours += other.association_hours


@dataclass
class UtilisationReport:
    spaces: dict = field(default_factory=dict)  # Space -> Utilisation
    facilities: dict = field(default_factory=dict)  # Facility -> Utilisation
    service_areas: dict = field(default_factory=dict)  # ServiceArea or None -> Utilisation
    total: Utilisation = field(default_factory=Utilisation)


def _window_hours_between(windows, start: dt.date, end: dt.date) -> float:
    """Hours of these bookable windows on the days start … end (exclusive)."""
    total = 0.0
    day = start
    while day < end:
        for window in windows:
            if window.applies_on(day):
                begin = dt.datetime.combine(day, window.starts)
                finish = dt.datetime.combine(day, window.ends)
                total += (finish - begin) / HOUR
        day += dt.timedelta(days=1)
    return total


def utilisation_report(*, start: dt.date, end: dt.date) -> UtilisationReport:
    """Utilisation of the shared-use spaces between two dates (end exclusive), counted on atoms.

    A space is counted through its atomic spaces, so a booking of the whole hall counts its
    hours on each half, and the hall's bookable hours are each half's: the whole and its parts
    are never counted twice. A space is shared-use when it or a space it is part of is flagged.
    Bookable hours are the space's own, or those of the nearest space it is part of. Only
    confirmed bookings count as booked.
    """
    spaces = {
        space.pk: space
        for space in Space.objects.select_related("facility", "facility__service_area").only(
            "pk",
            "name",
            "slug",
            "parent_id",
            "is_shared_use",
            "facility__name",
            "facility__slug",
            "facility__service_area__name",
            "facility__service_area__order",
        )
    }
    has_children = {space.parent_id for space in spaces.values() if space.parent_id}
    hours_by_space = defaultdict(list)
    for window in BookableHours.objects.all():
        hours_by_space[window.space_id].append(window)

    def shared(space):
        while space is not None:
            if space.is_shared_use:
                return True
            space = spaces.get(space.parent_id)
        return False

    def windows(space):
        while space is not None:
            if hours_by_space.get(space.pk):
                return hours_by_space[space.pk]
            space = spaces.get(space.parent_id)
        return []

    atoms = [space for space in spaces.values() if space.pk not in has_children and shared(space)]
    duration = ExpressionWrapper(F("booking__ends_at") - F("booking__starts_at"), output_field=DurationField())
    booked = {
        row["space_id"]: row
        for row in Occupancy.objects.filter(
            space_id__in=[atom.pk for atom in atoms],
            active=True,
            booking__state=Booking.State.CONFIRMED,
            booking__starts_at__gte=_local_midnight(start),
            booking__starts_at__lt=_local_midnight(end),
        )
        .values("space_id")
        .annotate(
            booked=Sum(duration),
            association=Sum(duration, filter=Q(booking__association__isnull=False)),
        )
    }
    report = UtilisationReport()
    for atom in sorted(atoms, key=lambda s: (s.facility.name, s.name)):
        row = booked.get(atom.pk, {})
        figures = Utilisation(
            bookable_hours=_window_hours_between(windows(atom), start, end),
            booked_hours=(row.get("booked") or dt.timedelta()) / HOUR,
            association_hours=(row.get("association") or dt.timedelta()) / HOUR,
        )
        report.spaces[atom] = figures
        report.facilities.setdefault(atom.facility, Utilisation()).add(figures)
        report.service_areas.setdefault(atom.facility.service_area, Utilisation()).add(figures)
        report.total.add(figures)
    return report


def year_range(year):
    return dt.date(year, 1, 1), dt.date(year + 1, 1, 1)
