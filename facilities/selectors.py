"""Reads of the facilities app: utilisation figures, the catalogue and the week view."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

from django.db.models import DurationField, ExpressionWrapper, F, Q, Sum
from django.utils import timezone
from modeltranslation import settings as translation_settings
from modeltranslation.utils import build_localized_fieldname

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


class _Window(NamedTuple):
    """A row of BookableHours as the report reads it (a tuple is cheaper than a model instance)."""

    weekday: int
    starts: dt.time
    ends: dt.time
    valid_from: dt.date | None
    valid_until: dt.date | None

    applies_on = BookableHours.applies_on


def _weekdays_between(weekday: int, first: dt.date, end: dt.date) -> int:
    """How many days of ``weekday`` (0 = Monday) there are from ``first`` to ``end`` (exclusive)."""
    if end <= first:
        return 0
    first_match = first + dt.timedelta(days=(weekday - first.weekday()) % 7)
    if first_match >= end:
        return 0
    return ((end - first_match).days - 1) // 7 + 1


def _merged(periods) -> list:
    """The (starts, ends) periods merged into disjoint ones, in order."""
    merged = []
    for begin, finish in sorted(periods):
        if merged and begin <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], finish)
        else:
            merged.append([begin, finish])
    return merged


def _window_hours_between(windows, start: dt.date, end: dt.date, closures=()) -> float:
    """Hours of these bookable windows on the days start … end (exclusive), less the hours
    the ``closures`` ((starts_at, ends_at) pairs) cover: a closed hall is not bookable.

    Counted, not walked: a window's hours times the number of its weekday in its season's part
    of the period; then, for the few days a closure touches, the hours it takes off each window
    of the day (the closures merged first, so an hour closed twice is taken off once).
    """
    total = 0.0
    for window in windows:
        first = max(start, window.valid_from) if window.valid_from else start
        last = min(end, window.valid_until + dt.timedelta(days=1)) if window.valid_until else end
        hours = (dt.datetime.combine(start, window.ends) - dt.datetime.combine(start, window.starts)) / HOUR
        total += hours * _weekdays_between(window.weekday, first, last)
    for closed_from, closed_until in _merged(closures):
        day = max(start, timezone.localtime(closed_from).date())
        last_day = min(end - dt.timedelta(days=1), timezone.localtime(closed_until).date())
        while day <= last_day:
            for window in windows:
                if window.applies_on(day):
                    begin = timezone.make_aware(dt.datetime.combine(day, window.starts))
                    finish = timezone.make_aware(dt.datetime.combine(day, window.ends))
                    overlap = min(finish, closed_until) - max(begin, closed_from)
                    if overlap > dt.timedelta():
                        total -= overlap / HOUR
            day += dt.timedelta(days=1)
    return total


def _spaces_and_hours():
    """Every space by pk (with its facility and service area) and the bookable hours by space."""
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
            "facility__service_area__order",
            # Every language's name: a deferred translated name would cost a query per area.
            *(
                f"facility__service_area__{build_localized_fieldname('name', code)}"
                for code in translation_settings.AVAILABLE_LANGUAGES
            ),
        )
    }
    hours_by_space = defaultdict(list)
    for space_id, *window in BookableHours.objects.values_list(
        "space_id", "weekday", "starts", "ends", "valid_from", "valid_until"
    ):
        hours_by_space[space_id].append(_Window(*window))
    return spaces, hours_by_space


def utilisation_report(*, start: dt.date, end: dt.date) -> UtilisationReport:
    """Utilisation of the shared-use spaces between two dates (end exclusive), counted on atoms.

    A space is counted through its atomic spaces, so a booking of the whole hall counts its
    hours on each half, and the hall's bookable hours are each half's: the whole and its parts
    are never counted twice. A space is shared-use when it or a space it is part of is flagged.
    Bookable hours are the space's own, or those of the nearest space it is part of, less the
    hours it is closed (a closure of the atom, of a space it is part of, or of the facility).
    Only confirmed bookings count as booked.
    """
    from facilities.models import Closure
    from portal.registries import shared_result

    # The spaces and their hours are the same for every year the overview asks about.
    spaces, hours_by_space = shared_result(("facilities.spaces_and_hours",), _spaces_and_hours)
    has_children = {space.parent_id for space in spaces.values() if space.parent_id}

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
    closures_of_space, closures_of_facility = defaultdict(list), defaultdict(list)
    for closure in Closure.objects.filter(starts_at__lt=_local_midnight(end), ends_at__gt=_local_midnight(start)):
        period = (closure.starts_at, closure.ends_at)
        if closure.space_id:
            closures_of_space[closure.space_id].append(period)
        else:
            closures_of_facility[closure.facility_id].append(period)

    def closures(atom):
        periods = list(closures_of_facility.get(atom.facility_id, []))
        space = atom
        while space is not None:
            periods.extend(closures_of_space.get(space.pk, []))
            space = spaces.get(space.parent_id)
        return periods

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
            bookable_hours=_window_hours_between(windows(atom), start, end, closures(atom)),
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


# --- The catalogue ---------------------------------------------------------------------------
def space_catalogue(*, form):
    """Bookable spaces matching the catalogue's filters, in catalogue order, as one query.

    "Free at a given time" keeps the spaces whose bookable hours (own, or the enclosing space's)
    cover the whole time, that are not closed, and none of whose atoms is occupied then. The
    occupancy test stays in SQL (``NOT IN`` subqueries PostgreSQL hashes once, over the partial
    GiST index on active occupancy), so no list of blocked ids travels to the database and back.
    """
    from django.db.models import Exists, OuterRef

    spaces = Space.objects.public().order_by("facility__name", "name", "pk")
    if not form.is_valid():
        return spaces.none()
    data = form.cleaned_data
    if data.get("service_area"):
        spaces = spaces.filter(facility__service_area=data["service_area"])
    if data.get("capacity"):
        spaces = spaces.filter(capacity__gte=data["capacity"])
    for equipment in data.get("equipment") or []:
        spaces = spaces.filter(equipment=equipment)
    if data.get("step_free"):
        spaces = spaces.filter(facility__step_free_access=True)
    if data.get("shared_use"):
        spaces = spaces.filter(Q(is_shared_use=True) | Q(parent__is_shared_use=True))
    free_at = form.free_at()
    if free_at:
        starts_at, ends_at = free_at
        local_start, local_end = timezone.localtime(starts_at), timezone.localtime(ends_at)
        day = local_start.date()
        covering = BookableHours.objects.filter(
            weekday=day.weekday(), starts__lte=local_start.time(), ends__gte=local_end.time()
        ).filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=day), Q(valid_until__isnull=True) | Q(valid_until__gte=day)
        )
        own_hours = BookableHours.objects.filter(space=OuterRef("pk"))
        spaces = spaces.filter(
            Q(Exists(covering.filter(space=OuterRef("pk"))))
            | (~Exists(own_hours) & Exists(covering.filter(space=OuterRef("parent")))),
        )
        spaces = _exclude_occupied(spaces, starts_at, ends_at)
        closed = _closed_space_ids(starts_at, ends_at)
        if closed:
            spaces = spaces.exclude(pk__in=closed)
    return spaces


def space_catalogue_page(*, form, number, per_page):
    """One page of the catalogue: the matching ids in one query (the filters run once, not once
    for the count and again for the page), then the page's spaces with what a card shows — the
    facility, its service area, the enclosing space and the equipment — in two more."""
    from django.core.paginator import Paginator

    ids = list(space_catalogue(form=form).values_list("pk", flat=True))
    page = Paginator(ids, per_page).get_page(number)
    by_pk = {
        space.pk: space
        for space in Space.objects.filter(pk__in=list(page.object_list))
        .select_related("facility", "facility__service_area", "parent")
        .prefetch_related("equipment")
        .order_by()
    }
    page.object_list = [by_pk[pk] for pk in page.object_list]
    return page


def _exclude_occupied(spaces, starts_at, ends_at):
    """Leave out every space with an occupied atom then: occupancy rows are written for atoms
    only, so a space is taken when it, a child or a grandchild (three levels at most) is."""
    from facilities.services import occupied_range

    during = occupied_range(starts_at=starts_at, ends_at=ends_at, buffer_minutes=0)
    occupied = Occupancy.objects.filter(active=True, during__overlap=during).order_by()
    return (
        spaces.exclude(pk__in=occupied.values("space_id"))
        .exclude(pk__in=occupied.filter(space__parent__isnull=False).values("space__parent_id"))
        .exclude(pk__in=occupied.filter(space__parent__parent__isnull=False).values("space__parent__parent_id"))
    )


def _closed_space_ids(starts_at, ends_at) -> set[int]:
    """Spaces closed then: a closed space with every space it is part of or that is part of it,
    and every space of a closed facility. One query, and one more only when closures apply."""
    from facilities.models import Closure

    closures = list(
        Closure.objects.filter(starts_at__lt=ends_at, ends_at__gt=starts_at)
        .order_by()
        .values_list("space_id", "facility_id")
    )
    closed_spaces = {space_id for space_id, _ in closures if space_id}
    closed_facilities = {facility_id for _, facility_id in closures if facility_id}
    if not closed_spaces and not closed_facilities:
        return set()
    return set(
        Space.objects.filter(
            Q(pk__in=closed_spaces)
            | Q(parent__in=closed_spaces)
            | Q(parent__parent__in=closed_spaces)
            | Q(children__in=closed_spaces)
            | Q(children__children__in=closed_spaces)
            | Q(facility_id__in=closed_facilities)
        )
        .order_by()
        .values_list("pk", flat=True)
    )


# --- The week view ---------------------------------------------------------------------------
FREE, TAKEN, CLOSED, UNAVAILABLE, PAST = "free", "taken", "closed", "unavailable", "past"


@dataclass
class Stretch:
    """A run of time on one day in one state: "18:00–20:00 taken"."""

    state: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    book_url: str = ""


@dataclass
class WeekDay:
    date: dt.date
    stretches: list


def monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def week_view(*, space, monday: dt.date, now=None) -> list[WeekDay]:
    """Each day of the week from ``monday``: the bookable hours split into free, taken and
    closed stretches (times outside the bookable hours are left out). Constant queries."""
    from facilities.models import Closure
    from facilities.services import _facility_tree, atomic_space_ids, bookable_hours, related_space_ids

    now = now or timezone.now()
    week_start = _local_midnight(monday)
    week_end = _local_midnight(monday + dt.timedelta(days=7))
    tree = _facility_tree(space)
    atoms = atomic_space_ids(space, tree=tree)
    taken = [
        (row.lower, row.upper)
        for row in Occupancy.objects.filter(
            space_id__in=atoms, active=True, during__overlap=(week_start, week_end)
        ).values_list("during", flat=True)
    ]
    closures = list(
        Closure.objects.filter(starts_at__lt=week_end, ends_at__gt=week_start)
        .filter(Q(space_id__in=related_space_ids(space, tree=tree)) | Q(facility_id=space.facility_id))
        .values_list("starts_at", "ends_at")
    )
    windows = bookable_hours(space)
    step = dt.timedelta(minutes=min(max(space.start_interval_minutes, 15), 60))
    days = []
    for offset in range(7):
        day = monday + dt.timedelta(days=offset)
        stretches = []
        for window in sorted((w for w in windows if w.applies_on(day)), key=lambda w: w.starts):
            moment = timezone.make_aware(dt.datetime.combine(day, window.starts))
            end = timezone.make_aware(dt.datetime.combine(day, window.ends))
            while moment < end:
                slot_end = min(moment + step, end)
                if any(s < slot_end and moment < e for s, e in closures):
                    state = CLOSED
                elif any(s < slot_end and moment < e for s, e in taken):
                    state = TAKEN
                elif moment < now:
                    state = PAST
                else:
                    state = FREE
                if stretches and stretches[-1].state == state and stretches[-1].ends_at == moment:
                    stretches[-1].ends_at = slot_end
                else:
                    stretches.append(Stretch(state=state, starts_at=moment, ends_at=slot_end))
                moment = slot_end
        days.append(WeekDay(date=day, stretches=stretches))
    return days


def price_table(space):
    """The space's prices grouped by customer group, for the page shown before booking."""
    from facilities.models import CustomerGroup

    rules = sorted(space.prices.all(), key=lambda r: (list(CustomerGroup.values).index(r.customer_group), r.days))
    groups = defaultdict(list)
    for rule in rules:
        groups[rule.get_customer_group_display()].append(rule)
    return list(groups.items())


# --- In-kind support ---------------------------------------------------------------------------
def in_kind_support(*, start: dt.date, end: dt.date, association=None) -> dict:
    """The value of free or reduced use per association: the commercial (list) price of its
    confirmed bookings minus what it paid, for bookings starting between the dates."""
    rows = (
        Booking.objects.filter(
            state=Booking.State.CONFIRMED,
            association__isnull=False,
            starts_at__gte=_local_midnight(start),
            starts_at__lt=_local_midnight(end),
            list_price__gt=F("price"),
        )
        .values("association_id", "association__name")
        .annotate(value=Sum(F("list_price") - F("price")))
        .order_by("association__name")
    )
    if association is not None:
        rows = rows.filter(association=association)
    return {row["association__name"]: row["value"] for row in rows}


FEED_DAYS_BACK = 30
FEED_MAX_BOOKINGS = 1000


def booker_feed_bookings(*, user, now=None):
    """The user's bookings for their private feed: from a month back on, cancelled and declined
    ones included (as cancelled events, so calendar apps drop them)."""
    now = now or timezone.now()
    return (
        Booking.objects.filter(booker=user, ends_at__gte=now - dt.timedelta(days=FEED_DAYS_BACK))
        .select_related("space", "space__facility")
        .order_by("starts_at")[:FEED_MAX_BOOKINGS]
    )


@dataclass
class SpaceDay:
    """One space's row of the staff day view."""

    space: Space
    depth: int
    bookings: list
    shared: list  # bookings of a space it is part of, or of one of its parts, that hold it too
    closures: list


def facility_day(*, facility, day):
    """The staff day view: each space of the facility (a whole hall before its halves) with its
    bookings that day (booker, association, state), the bookings of related spaces that hold it
    too, and the closures. Four queries, whatever the number of spaces and bookings."""
    from facilities.models import Closure
    from facilities.services import related_space_ids

    start = _local_midnight(day)
    end = _local_midnight(day + dt.timedelta(days=1))
    spaces = list(Space.objects.filter(facility=facility).order_by("name"))
    tree = {space.pk: space.parent_id for space in spaces}
    by_pk = {space.pk: space for space in spaces}
    for space in spaces:
        space.parent = by_pk.get(space.parent_id)
    bookings = list(
        Booking.objects.active()
        .filter(space__facility=facility, starts_at__lt=end, ends_at__gt=start)
        .select_related("space", "booker", "association", "age_group")
        .order_by("starts_at", "pk")
    )
    closures = list(
        Closure.objects.filter(starts_at__lt=end, ends_at__gt=start)
        .filter(Q(facility=facility) | Q(space__facility=facility))
        .order_by("starts_at")
    )
    children = defaultdict(list)
    for space in spaces:
        children[space.parent_id].append(space)
    ordered = []

    def walk(parent_id, depth):
        for space in children.get(parent_id, []):
            ordered.append((space, depth))
            walk(space.pk, depth + 1)

    walk(None, 0)
    rows = []
    for space, depth in ordered:
        related = related_space_ids(space, tree=tree)
        rows.append(
            SpaceDay(
                space=space,
                depth=depth,
                bookings=[b for b in bookings if b.space_id == space.pk],
                shared=[b for b in bookings if b.space_id != space.pk and b.space_id in related],
                closures=[c for c in closures if c.facility_id == facility.pk or c.space_id in related],
            )
        )
    return rows
