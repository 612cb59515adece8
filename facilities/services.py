"""Writes of the facilities app: booking, approving, declining and cancelling.

The rule the whole app serves: no two active bookings overlap on any atomic space (seed 000,
"Tilat": one clear, accessible service model; equal and transparent decisions). The service
locks the atomic spaces' rows in a stable order and checks first, so the user gets a clear
message; the exclusion constraint on ``Occupancy`` refuses whatever slips past.
"""

import datetime as dt
import json
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.backends.postgresql.psycopg_any import DateTimeTZRange
from django.db.models import F, Q
from django.utils import formats, timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from associations.models import Association
from facilities.ical import booking_calendar
from facilities.models import (
    OCCUPANCY_CONSTRAINT,
    BookableHours,
    Booking,
    Closure,
    CustomerGroup,
    Occupancy,
    PriceRule,
    Space,
)
from portal.links import absolute_url, absolute_url_of
from portal.outbox import change_key, notify, site_language

END_BEFORE_START = _("The booking must end after it starts.")
TOO_SHORT = _("The booking is shorter than this space allows.")
TOO_LONG = _("The booking is longer than this space allows.")
IN_THE_PAST = _("The time has already passed. Choose a time in the future.")
BEYOND_HORIZON = _("This space cannot be booked that far ahead.")
BAD_START = _("Bookings of this space start only at the times shown on the week view.")
OUTSIDE_HOURS = _("The space cannot be booked at that time: it is outside the bookable hours.")
CLOSED = _("The space is closed at that time.")
NOT_REPRESENTATIVE = _("You do not represent this association.")
TAKEN = _("That time is already booked. Choose another time or another space.")
OVER_CAPACITY = _("There are more attendees than the space holds.")
NO_ATTENDEES = _("Give the number of attendees.")
PURPOSE_REQUIRED = _("Tell what the space is booked for.")
NOT_BOOKABLE = _("This space cannot be booked online.")
NOT_WAITING = _("This booking is no longer waiting for a decision.")
REASON_REQUIRED = _("Give a reason: it is sent to the booker.")
CANCEL_TOO_LATE = _("The cancellation deadline has passed. Contact the facility's staff.")
NOT_ACTIVE = _("This booking has already been cancelled or declined.")
NOT_YOURS = _("This is not your booking.")

PRICE_SLICE = dt.timedelta(minutes=15)


# --- The space tree ----------------------------------------------------------------------------
def _facility_tree(space):
    """{space_id: parent_id} of every space in the space's facility (one query)."""
    return dict(Space.objects.filter(facility_id=space.facility_id).values_list("pk", "parent_id"))


def _children_map(tree):
    children = defaultdict(list)
    for pk, parent_id in tree.items():
        if parent_id is not None:
            children[parent_id].append(pk)
    return children


def atomic_space_ids(space, *, tree=None) -> list[int]:
    """The leaves under ``space`` (itself when it has no children), sorted: the lock order."""
    tree = tree if tree is not None else _facility_tree(space)
    children = _children_map(tree)
    atoms, stack = [], [space.pk]
    while stack:
        pk = stack.pop()
        if children.get(pk):
            stack.extend(children[pk])
        else:
            atoms.append(pk)
    return sorted(atoms)


def related_space_ids(space, *, tree=None) -> set[int]:
    """Spaces sharing an atom with ``space``: itself, what it contains and what it is part of."""
    tree = tree if tree is not None else _facility_tree(space)
    children = _children_map(tree)
    related, stack = set(), [space.pk]
    while stack:
        pk = stack.pop()
        related.add(pk)
        stack.extend(children.get(pk, []))
    parent = tree.get(space.pk)
    while parent is not None and parent not in related:
        related.add(parent)
        parent = tree.get(parent)
    return related


def bookable_hours(space):
    """The space's own bookable hours, or those of the nearest space it is part of."""
    current = space
    while current is not None:
        hours = list(current.hours.all())
        if hours:
            return hours
        current = current.parent
    return []


def within_bookable_hours(hours, starts_local: dt.datetime, ends_local: dt.datetime) -> bool:
    day = starts_local.date()
    end_day = ends_local.date()
    end_time = ends_local.time()
    if end_day != day:
        # Only a booking that ends exactly at midnight may end on the next day.
        if not (end_day == day + dt.timedelta(days=1) and end_time == dt.time(0)):
            return False
        end_time = dt.time.max
    for window in hours:
        window_end = dt.time.max if window.ends == dt.time(23, 59) else window.ends
        if window.applies_on(day) and window.starts <= starts_local.time() and end_time <= window_end:
            return True
    return False


# --- Prices ------------------------------------------------------------------------------------
def customer_group_for(association) -> str:
    if association is None:
        return CustomerGroup.RESIDENT
    if association.kind == Association.Kind.INFORMAL:
        return CustomerGroup.INFORMAL_GROUP
    return CustomerGroup.ASSOCIATION


@dataclass
class PriceQuote:
    total: Decimal
    lines: list  # [{"label", "hours", "per_hour", "amount", "free"}]


def _rule_specificity(rule):
    return (rule.days == PriceRule.Days.ALL, rule.from_time is None and rule.until_time is None, rule.pk or 0)


def price_quote(*, space, customer_group, starts_at, ends_at, rules=None) -> PriceQuote:
    """The price of a booking, by the space's rules for the customer group, in 15-minute slices.

    The most specific rule matching each slice's local start applies (a weekend or evening band
    before an every-day rule). A slice no rule covers is free.
    """
    if rules is None:
        rules = list(space.prices.all())
    rules = sorted((r for r in rules if r.customer_group == customer_group), key=_rule_specificity)
    per_rule = defaultdict(Decimal)
    moment = starts_at
    quarter = Decimal("0.25")
    while moment < ends_at:
        local = timezone.localtime(moment)
        rule = next((r for r in rules if r.matches(local)), None)
        if rule is not None:
            per_rule[rule] += quarter
        moment += PRICE_SLICE
    lines = []
    total = Decimal("0.00")
    for rule, hours in per_rule.items():
        amount = (Decimal(rule.hourly) * hours).quantize(Decimal("0.01"))
        total += amount
        lines.append(
            {
                "label": str(rule),
                "hours": str(hours),
                "per_hour": str(Decimal(rule.hourly).quantize(Decimal("0.01"))),
                "amount": str(amount),
                "free": rule.is_free,
            }
        )
    return PriceQuote(total=total, lines=lines)


def terms_snapshot(space, quote, customer_group) -> dict:
    return {
        "min_minutes": space.min_minutes,
        "max_minutes": space.max_minutes,
        "start_interval_minutes": space.start_interval_minutes,
        "buffer_minutes": space.buffer_minutes,
        "cancellation_hours": space.cancellation_hours,
        "requires_approval": space.requires_approval,
        "terms": space.terms,
        "customer_group": customer_group,
        "price_lines": quote.lines,
        "currency": settings.CITY_PROFILE.get("currency", "EUR"),
    }


# --- Validation ------------------------------------------------------------------------------
def _fail(field, message):
    raise ValidationError({field: [message]})


def _validate_times(*, space, starts_at, ends_at, now, hours=None):
    if ends_at < starts_at:
        _fail("ends_at", END_BEFORE_START)
    length = ends_at - starts_at
    if length < dt.timedelta(minutes=space.min_minutes):
        _fail("ends_at", TOO_SHORT)
    if length > dt.timedelta(minutes=space.max_minutes):
        _fail("ends_at", TOO_LONG)
    if starts_at < now:
        _fail("starts_at", IN_THE_PAST)
    starts_local = timezone.localtime(starts_at)
    ends_local = timezone.localtime(ends_at)
    if starts_local.date() > timezone.localdate(now) + dt.timedelta(days=space.horizon_days):
        _fail("starts_at", BEYOND_HORIZON)
    minutes = starts_local.hour * 60 + starts_local.minute
    if starts_local.second or starts_local.microsecond or minutes % space.start_interval_minutes:
        _fail("starts_at", BAD_START)
    if hours is None:
        hours = bookable_hours(space)
    if not within_bookable_hours(hours, starts_local, ends_local):
        _fail("starts_at", OUTSIDE_HOURS)


def occupied_range(*, starts_at, ends_at, buffer_minutes):
    return DateTimeTZRange(starts_at, ends_at + dt.timedelta(minutes=buffer_minutes), "[)")


def overlaps(atom_ids, during) -> bool:
    """Whether an active occupancy of any of these atoms overlaps the range (the friendly check)."""
    return Occupancy.objects.filter(space_id__in=atom_ids, active=True, during__overlap=during).exists()


def _is_overlap_violation(exc):
    diag = getattr(exc.__cause__, "diag", None)
    return getattr(diag, "constraint_name", None) == OCCUPANCY_CONSTRAINT


# --- Booking ---------------------------------------------------------------------------------
@dataclass
class FacilitySnapshot:
    """What a booking attempt needs to know about the space's facility, read in one query.

    ``spaces`` are the facility's spaces as unsaved ``Space`` objects carrying only the booking
    rules (``space`` is the one asked for); ``hours`` the bookable hours per space id;
    ``closed`` the ids of spaces closed at the booking's time (all of them when the whole
    building is); ``taken`` the ids of atomic spaces already occupied then, by the buffer the
    query was asked for (``taken_buffer_minutes``).
    """

    space: Space
    spaces: dict
    tree: dict
    hours: dict
    closed: set
    taken: set
    taken_buffer_minutes: int

    def bookable_hours(self, space):
        """The space's own bookable hours, or those of the nearest space it is part of."""
        current = space
        while current is not None:
            if self.hours.get(current.pk):
                return self.hours[current.pk]
            current = self.spaces.get(current.parent_id)
        return []


_RULE_FIELDS = (
    "id",
    "parent_id",
    "is_bookable",
    "capacity",
    "min_minutes",
    "max_minutes",
    "start_interval_minutes",
    "horizon_days",
    "buffer_minutes",
)
# Raw SQL on purpose: the booking attempt is the hottest path of the app, and compiling the
# same ORM query (three correlated subqueries) cost more than running it.
_SNAPSHOT_SQL = """
SELECT s.id, s.parent_id, s.is_bookable, s.capacity, s.min_minutes, s.max_minutes,
    s.start_interval_minutes, s.horizon_days, s.buffer_minutes,
    (SELECT json_agg(json_build_array(h.weekday, h.starts, h.ends, h.valid_from, h.valid_until))
       FROM facilities_bookablehours h WHERE h.space_id = s.id),
    EXISTS (SELECT 1 FROM facilities_closure c
             WHERE (c.space_id = s.id OR c.facility_id = s.facility_id)
               AND c.starts_at < %(ends)s AND c.ends_at > %(starts)s),
    EXISTS (SELECT 1 FROM facilities_occupancy o
             WHERE o.space_id = s.id AND o.active AND o.during && tstzrange(%(starts)s, %(until)s, '[)'))
FROM facilities_space s
WHERE s.facility_id = (SELECT facility_id FROM facilities_space WHERE id = %(space)s)
"""


def _hours_from_json(space_id, rows):
    if isinstance(rows, str):
        rows = json.loads(rows)

    def day(value):
        return dt.date.fromisoformat(value) if value else None

    return [
        BookableHours(
            space_id=space_id,
            weekday=weekday,
            starts=dt.time.fromisoformat(starts),
            ends=dt.time.fromisoformat(ends),
            valid_from=day(valid_from),
            valid_until=day(valid_until),
        )
        for weekday, starts, ends, valid_from, valid_until in rows or []
    ]


def facility_snapshot(*, space_id, starts_at, ends_at, buffer_minutes) -> FacilitySnapshot:
    """Every space of the facility of ``space_id`` with its rules, bookable hours, closures and
    occupancies at the time, in one query (a facility has a handful of spaces).

    Read without locks: enough to refuse a bad or taken time with a clear message before any
    transaction is opened (most attempts on a popular time). The booking itself is decided by
    the locked check and, last, by the exclusion constraint.
    """
    params = {
        "space": space_id,
        "starts": starts_at,
        "ends": ends_at,
        "until": ends_at + dt.timedelta(minutes=buffer_minutes),
    }
    with connection.cursor() as cursor:
        cursor.execute(_SNAPSHOT_SQL, params)
        rows = cursor.fetchall()
    spaces, hours, closed, taken = {}, {}, set(), set()
    width = len(_RULE_FIELDS)
    for row in rows:
        space = Space(**dict(zip(_RULE_FIELDS, row[:width], strict=True)))
        spaces[space.pk] = space
        hours[space.pk] = _hours_from_json(space.pk, row[width])
        if row[width + 1]:
            closed.add(space.pk)
        if row[width + 2]:
            taken.add(space.pk)
    if space_id not in spaces:
        raise Space.DoesNotExist(space_id)
    return FacilitySnapshot(
        space=spaces[space_id],
        spaces=spaces,
        tree={pk: space.parent_id for pk, space in spaces.items()},
        hours=hours,
        closed=closed,
        taken=taken,
        taken_buffer_minutes=buffer_minutes,
    )


def taken_before_locking(snapshot, atoms, during) -> bool:
    """The unlocked friendly check: whether the snapshot saw any of the atoms occupied."""
    if snapshot.taken_buffer_minutes != snapshot.space.buffer_minutes:
        return overlaps(atoms, during)  # the space's buffer changed since the caller loaded it
    return bool(snapshot.taken.intersection(atoms))


def _validate_request(*, purpose, attendees, starts_at, ends_at):
    """What needs no database: checked before anything is read."""
    if not purpose:
        _fail("purpose", PURPOSE_REQUIRED)
    if not attendees or attendees < 1:
        _fail("attendees", NO_ATTENDEES)
    if ends_at < starts_at:
        _fail("ends_at", END_BEFORE_START)


def booking_create(
    *, space, booker, association, starts_at, ends_at, purpose, age_group=None, attendees, now=None
) -> Booking:
    """Book a space for an association the booker represents, or for the booker themselves.

    Three guards, cheapest first. Before any transaction: the request itself, then one
    unlocked query (``facility_snapshot``) for the space's rules, hours, closures and whether
    the time is already taken — most refusals under contention end here, after one query.
    Then, in the transaction, the atomic spaces it covers are locked (in id order, so two
    bookings never wait for each other in a circle) and checked again; last, the exclusion
    constraint refuses whatever slipped past. Price and terms are frozen on the booking.
    """
    now = now or timezone.now()
    purpose = (purpose or "").strip()
    _validate_request(purpose=purpose, attendees=attendees, starts_at=starts_at, ends_at=ends_at)
    snapshot = facility_snapshot(
        space_id=space.pk, starts_at=starts_at, ends_at=ends_at, buffer_minutes=space.buffer_minutes
    )
    rules = snapshot.space  # the space's rules as they are now, not as the caller loaded them
    if not rules.is_bookable:
        _fail("space", NOT_BOOKABLE)
    if attendees > rules.capacity:
        _fail("attendees", OVER_CAPACITY)
    if association is not None and not Association.objects.represented_by(booker).filter(pk=association.pk).exists():
        _fail("association", NOT_REPRESENTATIVE)
    _validate_times(space=rules, starts_at=starts_at, ends_at=ends_at, now=now, hours=snapshot.bookable_hours(rules))
    if snapshot.closed & related_space_ids(rules, tree=snapshot.tree):
        _fail("starts_at", CLOSED)
    atoms = atomic_space_ids(rules, tree=snapshot.tree)
    during = occupied_range(starts_at=starts_at, ends_at=ends_at, buffer_minutes=rules.buffer_minutes)
    # A time already taken is refused before any transaction or lock.
    if taken_before_locking(snapshot, atoms, during):
        _fail("starts_at", TAKEN)
    # What the booking freezes (the space, its facility and prices) is read before the lock:
    # the lock guards the time, and every statement moved out of it shortens the queue.
    space_row = Space.objects.select_related("facility", "facility__department").get(pk=rules.pk)
    prices = list(space_row.prices.all())
    with transaction.atomic():
        # Lock the atoms in a stable order: a whole-hall booking and a half booking queue here;
        # then look again, as the one before us in the queue may have just taken the time.
        list(Space.objects.select_for_update().filter(pk__in=atoms).order_by("pk").values_list("pk", flat=True))
        if overlaps(atoms, during):
            _fail("starts_at", TAKEN)
        return _booking_write(
            space=space_row,
            prices=prices,
            booker=booker,
            association=association,
            starts_at=starts_at,
            ends_at=ends_at,
            purpose=purpose,
            age_group=age_group,
            attendees=attendees,
            atoms=atoms,
            during=during,
        )


def _booking_write(
    *, space, booker, association, starts_at, ends_at, purpose, age_group, attendees, atoms, during, prices=None
):
    customer_group = customer_group_for(association)
    rules = list(space.prices.all()) if prices is None else prices
    quote = price_quote(space=space, customer_group=customer_group, starts_at=starts_at, ends_at=ends_at, rules=rules)
    list_price = price_quote(
        space=space, customer_group=CustomerGroup.COMMERCIAL, starts_at=starts_at, ends_at=ends_at, rules=rules
    ).total
    booking = Booking(
        space=space,
        starts_at=starts_at,
        ends_at=ends_at,
        booker=booker,
        association=association,
        customer_group=customer_group,
        purpose=purpose,
        age_group=age_group,
        attendees=attendees,
        state=Booking.State.REQUESTED if space.requires_approval else Booking.State.CONFIRMED,
        price=quote.total,
        list_price=max(list_price, quote.total),
        terms=terms_snapshot(space, quote, customer_group),
        created_by=booker,
    )
    booking._history_user = booker
    booking.save()
    # No savepoint of its own: on a violation the whole booking is refused and the caller's
    # atomic block (a savepoint itself when nested) rolls back; two round trips less under the lock.
    try:
        Occupancy.objects.bulk_create(
            [Occupancy(booking=booking, space_id=atom, during=during, active=True) for atom in atoms]
        )
    except IntegrityError as exc:
        if _is_overlap_violation(exc):
            _fail("starts_at", TAKEN)
        raise
    # A new booking has one history record: its calendar SEQUENCE is 0, no need to count.
    _notify_booker(
        booking, "booking-confirmed" if booking.state == Booking.State.CONFIRMED else "booking-received", sequence=0
    )
    return booking


def _booking_attachment(booking, *, sequence=None):
    """The booking's .ics, to travel with every e-mail about it. The history count is its
    SEQUENCE: each change numbers higher, so calendar apps replace the event they have."""
    url = absolute_url("facilities:booking-list", language=site_language())
    if sequence is None:
        sequence = max(booking.history.count() - 1, 0)
    return (f"booking-{booking.pk}.ics", booking_calendar(booking, url=url, sequence=sequence), "text/calendar")


def _notify_booker(booking, template, *, extra=None, key=None, sequence=None):
    if booking.booker is None:  # the booker deleted their account: nobody left to tell
        return
    context = {
        "booking": booking,
        "space": booking.space,
        "facility": booking.space.facility,
        "url": absolute_url("facilities:booking-list", language=site_language()),
        "ics_url": absolute_url("facilities:booking-ics", args=[booking.pk], language=site_language()),
        "space_url": absolute_url_of(booking.space, language=site_language()),
        **(extra or {}),
    }
    return notify(
        key=key or f"booking-{booking.pk}-{template}",
        to=booking.booker.email,
        template=template,
        context=context,
        language=site_language(),
        attachments=[_booking_attachment(booking, sequence=sequence)],
    )


def _lock_booking(booking):
    # of=("self",): the booker is nullable (an erased account), and PostgreSQL cannot lock an outer join's side.
    return (
        Booking.objects.select_for_update(of=("self",))
        .select_related("space", "space__facility", "booker")
        .get(pk=booking.pk)
    )


@transaction.atomic
def booking_approve(*, booking, user) -> Booking:
    """Staff confirm a booking that waits for approval; the booker gets the confirmation."""
    booking = _lock_booking(booking)
    if booking.state != Booking.State.REQUESTED:
        raise ValidationError(NOT_WAITING)
    booking.state = Booking.State.CONFIRMED
    booking.decided_by = user
    booking.decided_at = timezone.now()
    booking._history_user = user
    booking.save(update_fields=["state", "decided_by", "decided_at", "updated_at"])
    _notify_booker(booking, "booking-confirmed")
    return booking


@transaction.atomic
def booking_decline(*, booking, user, reason) -> Booking:
    """Staff decline a booking with a reason (equal and transparent decisions); the time frees up."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [REASON_REQUIRED]})
    booking = _lock_booking(booking)
    if booking.state != Booking.State.REQUESTED:
        raise ValidationError(NOT_WAITING)
    booking.state = Booking.State.DECLINED
    booking.decision_reason = reason
    booking.decided_by = user
    booking.decided_at = timezone.now()
    booking._history_user = user
    booking.save(update_fields=["state", "decision_reason", "decided_by", "decided_at", "updated_at"])
    booking.occupancies.update(active=False)
    _notify_booker(booking, "booking-declined")
    _notify_watchers(booking)
    return booking


def cancellation_deadline(booking):
    hours = booking.terms.get("cancellation_hours", booking.space.cancellation_hours)
    return booking.starts_at - dt.timedelta(hours=hours)


@transaction.atomic
def booking_cancel(*, booking, user, now=None, by_staff=False) -> Booking:
    """The booker cancels, under the deadline frozen on the booking; staff may cancel any time."""
    now = now or timezone.now()
    booking = _lock_booking(booking)
    if not by_staff and booking.booker_id != user.pk:
        raise ValidationError(NOT_YOURS)
    if not booking.is_active:
        raise ValidationError(NOT_ACTIVE)
    if not by_staff and now > cancellation_deadline(booking):
        raise ValidationError(CANCEL_TOO_LATE)
    booking.state = Booking.State.CANCELLED
    booking.cancelled_at = now
    booking._history_user = user
    booking.save(update_fields=["state", "cancelled_at", "updated_at"])
    booking.occupancies.update(active=False)
    _notify_booker(booking, "booking-cancelled", extra={"by_staff": by_staff and booking.booker_id != user.pk})
    _notify_watchers(booking)
    return booking


NOT_MOVED = _("The new time is the same as the booked one.")


@transaction.atomic
def booking_move(*, booking, user, starts_at, ends_at, now=None) -> Booking:
    """Staff move a booking to another time of the same space (a clash with the school's use,
    a closure). The space's rules apply as to a new booking; the booking's own time is not in
    its way. Price and terms stay as agreed. The booker is told, with the changed .ics, and
    anyone watching the old time hears it is free."""
    now = now or timezone.now()
    if ends_at < starts_at:
        _fail("ends_at", END_BEFORE_START)
    booking = _lock_booking(booking)
    if not booking.is_active:
        raise ValidationError(NOT_ACTIVE)
    if (starts_at, ends_at) == (booking.starts_at, booking.ends_at):
        raise ValidationError(NOT_MOVED)
    space = booking.space
    snapshot = facility_snapshot(space_id=space.pk, starts_at=starts_at, ends_at=ends_at, buffer_minutes=0)
    rules = snapshot.space
    _validate_times(space=rules, starts_at=starts_at, ends_at=ends_at, now=now, hours=snapshot.bookable_hours(rules))
    if snapshot.closed & related_space_ids(rules, tree=snapshot.tree):
        _fail("starts_at", CLOSED)
    atoms = atomic_space_ids(rules, tree=snapshot.tree)
    during = occupied_range(starts_at=starts_at, ends_at=ends_at, buffer_minutes=rules.buffer_minutes)
    list(Space.objects.select_for_update().filter(pk__in=atoms).order_by("pk").values_list("pk", flat=True))
    others = Occupancy.objects.filter(space_id__in=atoms, active=True, during__overlap=during).exclude(booking=booking)
    if others.exists():
        _fail("starts_at", TAKEN)
    previous = {"previous_starts_at": booking.starts_at, "previous_ends_at": booking.ends_at}
    booking.starts_at, booking.ends_at = starts_at, ends_at
    booking._history_user = user
    booking.save(update_fields=["starts_at", "ends_at", "updated_at"])
    try:
        with transaction.atomic():
            booking.occupancies.all().delete()
            Occupancy.objects.bulk_create(
                [Occupancy(booking=booking, space_id=atom, during=during, active=True) for atom in atoms]
            )
    except IntegrityError as exc:
        if _is_overlap_violation(exc):
            _fail("starts_at", TAKEN)
        raise
    _notify_booker(booking, "booking-moved", extra=previous, key=change_key(booking, f"booking-{booking.pk}-moved"))
    _notify_watchers(
        booking, freed_starts_at=previous["previous_starts_at"], freed_ends_at=previous["previous_ends_at"]
    )
    return booking


REMINDER_BEFORE = dt.timedelta(hours=24)


def booking_reminders_send(*, now=None) -> int:
    """E-mail each booker a day before a confirmed booking, with its .ics; returns how many.

    Run hourly by beat (``facilities.tasks.send_booking_reminders``). One reminder per booking
    and booked time (the outbox key names the start), however often it runs; a moved booking
    is reminded of its new time. Not for bookings made within the day (the confirmation has
    just come) nor for the weekly bookings of a series (the season's allocation e-mail covers them).
    """
    now = now or timezone.now()
    bookings = Booking.objects.filter(
        state=Booking.State.CONFIRMED,
        series__isnull=True,
        starts_at__gt=now,
        starts_at__lte=now + REMINDER_BEFORE,
        created_at__lte=F("starts_at") - REMINDER_BEFORE,
    ).select_related("space", "space__facility", "booker")
    sent = 0
    for booking in bookings:
        key = f"booking-{booking.pk}-reminder:{timezone.localtime(booking.starts_at):%Y-%m-%dT%H:%M}"
        with transaction.atomic():
            sent += _notify_booker(booking, "booking-reminder", key=key) is not None
    return sent


# --- Seasonal rounds (vuorojako) ----------------------------------------------------------------
YOUTH_FIRST = _("children and young people first")
EARLIER_APPLICATION = _("earlier application")
NOT_IN_ROUND = _("The space is not part of this round.")
GROUP_TOO_LARGE = _("The group is larger than the space holds.")
OUTSIDE_SEASON_HOURS = _("The time is outside the space's bookable hours in the season.")
SLOT_TAKEN_BY = _("Overlaps the slot given to %(association)s, which comes first by the principles (%(why)s).")
ROUND_PUBLISHED = _("The results of this round are already published.")
SKIPPED_PAST = _("The date had passed when the results were published.")
SERIES_CANCELLED = _("This series has already been cancelled.")
YOUTH_MAX_AGE = 18


def _is_youth(application):
    age_group = application.age_group
    return age_group is not None and age_group.min_age is not None and age_group.min_age < YOUTH_MAX_AGE


def allocation_priority(application):
    """The published principles as an order: children's and young people's groups first, then
    the earlier application. Slots are handed out one per application per pass, in this order."""
    return (0 if _is_youth(application) else 1, application.created_at, application.pk)


def _minutes(time_value):
    return time_value.hour * 60 + time_value.minute


def _slot_hours(starts, ends):
    return (_minutes(ends) - _minutes(starts)) / 60


def _season_windows_cover(windows, *, weekday, starts, ends, season_starts, season_ends):
    for window in windows:
        if window.weekday != weekday or not (window.starts <= starts and ends <= window.ends):
            continue
        if window.valid_until is not None and window.valid_until < season_starts:
            continue
        if window.valid_from is not None and window.valid_from > season_ends:
            continue
        return True
    return False


@transaction.atomic
def season_propose(*, round, user):
    """Assisted allocation: propose weekly slots by the published principles, and record every
    conflict with its reason and a fairness summary (hours per association and age group against
    what they asked). Replaces the previous proposal; staff adjust the allocations afterwards."""
    from facilities.models import SeasonAllocation, SeasonApplication, SeasonRound

    round = SeasonRound.objects.select_for_update().get(pk=round.pk)
    if round.state == SeasonRound.State.PUBLISHED:
        raise ValidationError(ROUND_PUBLISHED)
    round.allocations.filter(state=SeasonAllocation.State.PROPOSED).delete()
    round_space_ids = set(round.spaces.values_list("pk", flat=True))
    applications = sorted(
        SeasonApplication.objects.filter(round=round)
        .select_related("association", "age_group")
        .prefetch_related("slots__space__hours", "slots__space__parent__hours"),
        key=allocation_priority,
    )
    trees, taken, given, conflicts = {}, [], defaultdict(list), []
    pending = {app.pk: sorted(app.slots.all(), key=lambda s: (s.rank, s.pk)) for app in applications}

    def atoms_of(space):
        if space.facility_id not in trees:
            trees[space.facility_id] = _facility_tree(space)
        return set(atomic_space_ids(space, tree=trees[space.facility_id]))

    def problem(app, request):
        space = request.space
        if space.pk not in round_space_ids:
            return str(NOT_IN_ROUND)
        if app.group_size > space.capacity:
            return str(GROUP_TOO_LARGE)
        windows = list(space.hours.all()) or (list(space.parent.hours.all()) if space.parent else [])
        if not _season_windows_cover(
            windows,
            weekday=request.weekday,
            starts=request.starts,
            ends=request.ends,
            season_starts=round.season_starts,
            season_ends=round.season_ends,
        ):
            return str(OUTSIDE_SEASON_HOURS)
        atoms = atoms_of(space)
        for other_atoms, weekday, starts, ends, other in taken:
            if weekday == request.weekday and atoms & other_atoms and starts < request.ends and request.starts < ends:
                why = YOUTH_FIRST if _is_youth(other) and not _is_youth(app) else EARLIER_APPLICATION
                return str(SLOT_TAKEN_BY % {"association": other.association.name, "why": why})
        return ""

    progress = True
    while progress:
        progress = False
        for app in applications:
            if len(given[app.pk]) >= app.slots_wanted:
                continue
            while pending[app.pk]:
                request = pending[app.pk].pop(0)
                reason = problem(app, request)
                if reason:
                    conflicts.append(
                        {
                            "application": app.pk,
                            "association": app.association.name,
                            "slot": str(request),
                            "reason": reason,
                        }
                    )
                    continue
                allocation = SeasonAllocation.objects.create(
                    round=round,
                    application=app,
                    space=request.space,
                    weekday=request.weekday,
                    starts=request.starts,
                    ends=request.ends,
                    created_by=user,
                    note=str(request),
                )
                taken.append((atoms_of(request.space), request.weekday, request.starts, request.ends, app))
                given[app.pk].append(allocation)
                progress = True
                break

    by_association, by_age_group = {}, {}
    for app in applications:
        slots = sorted(app.slots.all(), key=lambda s: (s.rank, s.pk))
        asked = app.slots_wanted * (_slot_hours(slots[0].starts, slots[0].ends) if slots else 0)
        got = sum(_slot_hours(a.starts, a.ends) for a in given[app.pk])
        for key, table in ((app.association.name, by_association), (str(app.age_group or "–"), by_age_group)):
            row = table.setdefault(key, {"asked_hours": 0.0, "given_hours": 0.0})
            row["asked_hours"] += asked
            row["given_hours"] += got
    round.allocation_report = {
        "proposed_at": timezone.now().isoformat(),
        "principles": [str(YOUTH_FIRST), str(EARLIER_APPLICATION)],
        "conflicts": conflicts,
        "fairness": {"associations": by_association, "age_groups": by_age_group},
    }
    round.state = SeasonRound.State.ALLOCATING
    round.save(update_fields=["allocation_report", "state", "updated_at"])
    return round


def _series_dates(round, weekday):
    day = round.season_starts + dt.timedelta(days=(weekday - round.season_starts.weekday()) % 7)
    while day <= round.season_ends:
        yield day
        day += dt.timedelta(days=7)


@transaction.atomic
def season_publish(*, round, user, now=None):
    """Publish the results: each allocation becomes a booking series of confirmed weekly bookings.

    A date that cannot be booked (closed, already taken, passed) is skipped and kept on the
    series with the reason. The applicants are e-mailed their slots.
    """
    from facilities.models import BookingSeries, SeasonAllocation, SeasonRound

    now = now or timezone.now()
    round = SeasonRound.objects.select_for_update().get(pk=round.pk)
    if round.state == SeasonRound.State.PUBLISHED:
        raise ValidationError(ROUND_PUBLISHED)
    allocations = list(
        round.allocations.filter(state=SeasonAllocation.State.PROPOSED).select_related(
            "space", "space__facility", "application", "application__association", "application__applicant"
        )
    )
    for allocation in sorted(allocations, key=lambda a: a.space_id):
        series = BookingSeries.objects.create(allocation=allocation, created_by=user)
        skipped = []
        for day in _series_dates(round, allocation.weekday):
            starts_at = timezone.make_aware(dt.datetime.combine(day, allocation.starts))
            ends_at = timezone.make_aware(dt.datetime.combine(day, allocation.ends))
            reason = _book_series_date(
                series=series, allocation=allocation, starts_at=starts_at, ends_at=ends_at, now=now
            )
            if reason:
                skipped.append({"date": day.isoformat(), "reason": str(reason)})
        series.skipped = skipped
        series.save(update_fields=["skipped", "updated_at"])
        allocation.state = SeasonAllocation.State.PUBLISHED
        allocation.save(update_fields=["state", "updated_at"])
        application = allocation.application
        notify(
            key=f"season-allocation-{allocation.pk}-published",
            to=application.applicant.email,
            template="season-allocated",
            context={
                "round": round,
                "allocation": allocation,
                "series": series,
                "url": absolute_url("facilities:booking-list", language=site_language()),
            },
            language=site_language(),
        )
    round.state = SeasonRound.State.PUBLISHED
    round.save(update_fields=["state", "updated_at"])
    return round


def _book_series_date(*, series, allocation, starts_at, ends_at, now):
    """Book one date of a series; returns the reason when the date is skipped, else ''."""
    space = allocation.space
    application = allocation.application
    if starts_at < now:
        return SKIPPED_PAST
    tree = _facility_tree(space)
    closed = Closure.objects.filter(starts_at__lt=ends_at, ends_at__gt=starts_at).filter(
        Q(space_id__in=related_space_ids(space, tree=tree)) | Q(facility_id=space.facility_id)
    )
    if closed.exists():
        return CLOSED
    atoms = atomic_space_ids(space, tree=tree)
    during = occupied_range(starts_at=starts_at, ends_at=ends_at, buffer_minutes=space.buffer_minutes)
    list(Space.objects.select_for_update().filter(pk__in=atoms).order_by("pk").values_list("pk", flat=True))
    if overlaps(atoms, during):
        return TAKEN
    customer_group = customer_group_for(application.association)
    quote = price_quote(space=space, customer_group=customer_group, starts_at=starts_at, ends_at=ends_at)
    list_price = price_quote(
        space=space, customer_group=CustomerGroup.COMMERCIAL, starts_at=starts_at, ends_at=ends_at
    ).total
    booking = Booking.objects.create(
        space=space,
        starts_at=starts_at,
        ends_at=ends_at,
        booker=application.applicant,
        association=application.association,
        customer_group=customer_group,
        purpose=application.purpose,
        age_group=application.age_group,
        attendees=application.group_size,
        state=Booking.State.CONFIRMED,
        price=quote.total,
        list_price=max(list_price, quote.total),
        terms=terms_snapshot(space, quote, customer_group),
        series=series,
        created_by=series.created_by,
    )
    # No savepoint of its own: on a violation the whole booking is refused and the caller's
    # atomic block (a savepoint itself when nested) rolls back; two round trips less under the lock.
    try:
        Occupancy.objects.bulk_create(
            [Occupancy(booking=booking, space_id=atom, during=during, active=True) for atom in atoms]
        )
    except IntegrityError as exc:
        if not _is_overlap_violation(exc):
            raise
        booking.delete()
        return TAKEN
    return ""


@transaction.atomic
def series_cancel(*, series, user, now=None):
    """Cancel a whole series at once: every coming booking of it frees its time."""
    from facilities.models import BookingSeries

    now = now or timezone.now()
    series = BookingSeries.objects.select_for_update().get(pk=series.pk)
    if series.cancelled_at is not None:
        raise ValidationError(SERIES_CANCELLED)
    coming = Booking.objects.select_for_update().filter(
        series=series, starts_at__gte=now, state__in=Booking.ACTIVE_STATES
    )
    Occupancy.objects.filter(booking__in=coming).update(active=False)
    cancelled = coming.update(state=Booking.State.CANCELLED, cancelled_at=now)
    series.cancelled_at = now
    series.save(update_fields=["cancelled_at", "updated_at"])
    return cancelled


NOT_SKIPPED = _("That date is not among the series' skipped dates.")
STILL_NOT_FREE = _("%(date)s still cannot be booked: %(reason)s")


@transaction.atomic
def series_date_readd(*, series, day, user, now=None):
    """Re-add a date the series skipped (it was closed or taken when the results were
    published) once it has become free. Refused with the reason when it still cannot be booked;
    on success the date leaves the skipped list and the applicant gets the booking with its .ics."""
    from facilities.models import BookingSeries

    now = now or timezone.now()
    series = BookingSeries.objects.select_for_update().get(pk=series.pk)
    if series.cancelled_at is not None:
        raise ValidationError(SERIES_CANCELLED)
    if day.isoformat() not in {entry["date"] for entry in series.skipped}:
        raise ValidationError(NOT_SKIPPED)
    allocation = (
        type(series.allocation)
        .objects.select_related("space", "space__facility", "application__association", "application__applicant")
        .get(pk=series.allocation_id)
    )
    starts_at = timezone.make_aware(dt.datetime.combine(day, allocation.starts))
    ends_at = timezone.make_aware(dt.datetime.combine(day, allocation.ends))
    with transaction.atomic():  # a refused date leaves nothing behind
        reason = _book_series_date(series=series, allocation=allocation, starts_at=starts_at, ends_at=ends_at, now=now)
    if reason:
        raise ValidationError(
            STILL_NOT_FREE % {"date": formats.date_format(day, "SHORT_DATE_FORMAT"), "reason": reason}
        )
    series.skipped = [entry for entry in series.skipped if entry["date"] != day.isoformat()]
    series.save(update_fields=["skipped", "updated_at"])
    booking = Booking.objects.select_related("space", "space__facility", "booker").get(
        series=series, starts_at=starts_at, state=Booking.State.CONFIRMED
    )
    _notify_booker(booking, "booking-confirmed")
    return booking


ROUND_NOT_OPEN = _("This round is not open for applications now.")
NO_SLOTS = _("Give at least one weekly slot you could use.")


@transaction.atomic
def season_apply(*, round, applicant, association, purpose, age_group, group_size, slots_wanted, slots, now=None):
    """An association applies for weekly slots in an open round. ``slots`` are the ranked
    alternatives: dicts with space, weekday, starts, ends (rank by order)."""
    from facilities.models import SeasonApplication, SeasonRound, SeasonSlotRequest

    now = now or timezone.now()
    round = SeasonRound.objects.select_for_update().get(pk=round.pk)
    if round.state != SeasonRound.State.OPEN or not (round.applications_open <= now < round.applications_close):
        raise ValidationError(ROUND_NOT_OPEN)
    if association is None or not Association.objects.represented_by(applicant).filter(pk=association.pk).exists():
        _fail("association", NOT_REPRESENTATIVE)
    purpose = (purpose or "").strip()
    if not purpose:
        _fail("purpose", PURPOSE_REQUIRED)
    if not slots:
        raise ValidationError(NO_SLOTS)
    round_spaces = set(round.spaces.values_list("pk", flat=True))
    for slot in slots:
        if slot["space"].pk not in round_spaces:
            raise ValidationError(NOT_IN_ROUND)
        if slot["ends"] <= slot["starts"]:
            raise ValidationError(END_BEFORE_START)
    application = SeasonApplication(
        round=round,
        association=association,
        applicant=applicant,
        purpose=purpose,
        age_group=age_group,
        group_size=group_size,
        slots_wanted=slots_wanted,
        created_by=applicant,
    )
    application._history_user = applicant
    application.save()
    SeasonSlotRequest.objects.bulk_create(
        [
            SeasonSlotRequest(
                application=application,
                rank=rank,
                space=slot["space"],
                weekday=slot["weekday"],
                starts=slot["starts"],
                ends=slot["ends"],
            )
            for rank, slot in enumerate(slots, start=1)
        ]
    )
    return application


# --- "Tell me if this time frees up" -------------------------------------------------------------
WATCH_NOT_TAKEN = _("That time is free: you can book it now.")


@transaction.atomic
def slot_watch_create(*, user, space, starts_at, ends_at, now=None):
    """Ask to be e-mailed when a taken time of the space frees up. Watching twice is one watch."""
    from facilities.models import SlotWatch

    now = now or timezone.now()
    if ends_at <= starts_at:
        _fail("ends_at", END_BEFORE_START)
    if starts_at < now:
        _fail("starts_at", IN_THE_PAST)
    atoms = atomic_space_ids(space)
    if not overlaps(atoms, occupied_range(starts_at=starts_at, ends_at=ends_at, buffer_minutes=0)):
        raise ValidationError(WATCH_NOT_TAKEN)
    watch, _created = SlotWatch.objects.get_or_create(user=user, space=space, starts_at=starts_at, ends_at=ends_at)
    return watch


def _notify_watchers(booking, *, freed_starts_at=None, freed_ends_at=None):
    """After a booking frees its time (or, moved, its old time ``freed_*``): e-mail everyone
    watching a now wholly free time that shares an atomic space with it. Each watch is told once."""
    from facilities.models import SlotWatch

    freed_starts_at = freed_starts_at or booking.starts_at
    freed_ends_at = freed_ends_at or booking.ends_at
    space = booking.space
    tree = _facility_tree(space)
    watches = (
        SlotWatch.objects.select_for_update()
        .filter(
            space_id__in=related_space_ids(space, tree=tree),
            notified_at__isnull=True,
            starts_at__lt=freed_ends_at,
            ends_at__gt=freed_starts_at,
            starts_at__gt=timezone.now(),
        )
        .select_related("space", "space__facility", "user")
    )
    for watch in watches:
        atoms = atomic_space_ids(watch.space, tree=tree)
        if overlaps(atoms, occupied_range(starts_at=watch.starts_at, ends_at=watch.ends_at, buffer_minutes=0)):
            continue  # another booking still holds part of the watched time
        local = timezone.localtime(watch.starts_at)
        query = urlencode({"date": local.date().isoformat(), "starts": local.strftime("%H:%M")})
        book_url = absolute_url("facilities:booking-create", args=[watch.space.slug], language=site_language())
        notify(
            key=f"slot-watch-{watch.pk}-freed",
            to=watch.user.email,
            template="slot-freed",
            context={
                "watch": watch,
                "space": watch.space,
                "facility": watch.space.facility,
                "book_url": f"{book_url}?{query}",
            },
            language=site_language(),
        )
        watch.notified_at = timezone.now()
        watch.save(update_fields=["notified_at"])


# --- Feedback after use ------------------------------------------------------------------------
FEEDBACK_TOO_EARLY = _("You can give feedback once the booking has ended.")
FEEDBACK_GIVEN = _("You have already given feedback on this booking. Thank you!")
FEEDBACK_RATING = _("Choose a rating from 1 to 5.")


@transaction.atomic
def feedback_give(*, booking, user, rating, text="", now=None):
    """The booker rates a confirmed booking after it has ended, once."""
    from facilities.models import BookingFeedback

    now = now or timezone.now()
    booking = _lock_booking(booking)
    if booking.booker_id != user.pk:
        raise ValidationError(NOT_YOURS)
    if booking.state != Booking.State.CONFIRMED or booking.ends_at > now:
        raise ValidationError(FEEDBACK_TOO_EARLY)
    if rating not in range(1, 6):
        _fail("rating", FEEDBACK_RATING)
    if BookingFeedback.objects.filter(booking=booking).exists():
        raise ValidationError(FEEDBACK_GIVEN)
    return BookingFeedback.objects.create(booking=booking, rating=rating, text=(text or "").strip()[:4000])


# --- The booker's own calendar feed --------------------------------------------------------------
@transaction.atomic
def booker_feed_renew(*, user):
    """Make (or remake) the user's private feed link: a new token, so a link shared by mistake
    stops working."""
    from facilities.models import BookerFeed, new_feed_token

    feed, created = BookerFeed.objects.select_for_update().get_or_create(user=user)
    if not created:
        feed.token = new_feed_token()
        feed.save(update_fields=["token", "created_at"])
    return feed
