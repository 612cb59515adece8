"""Writes of the facilities app: booking, approving, declining and cancelling.

The rule the whole app serves: no two active bookings overlap on any atomic space (seed 000,
"Tilat": one clear, accessible service model; equal and transparent decisions). The service
locks the atomic spaces' rows in a stable order and checks first, so the user gets a clear
message; the exclusion constraint on ``Occupancy`` refuses whatever slips past.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.backends.postgresql.psycopg_any import DateTimeTZRange
from django.db.models import Q
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from associations.models import Association
from facilities.models import (
    OCCUPANCY_CONSTRAINT,
    Booking,
    Closure,
    CustomerGroup,
    Occupancy,
    PriceRule,
    Space,
)
from portal.links import absolute_url, absolute_url_of
from portal.outbox import notify, site_language

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


def _validate_times(*, space, starts_at, ends_at, now):
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
    if not within_bookable_hours(bookable_hours(space), starts_local, ends_local):
        _fail("starts_at", OUTSIDE_HOURS)


def _check_closures(*, space, related_ids, starts_at, ends_at):
    closed = Closure.objects.filter(starts_at__lt=ends_at, ends_at__gt=starts_at).filter(
        Q(space_id__in=related_ids) | Q(facility_id=space.facility_id)
    )
    if closed.exists():
        _fail("starts_at", CLOSED)


def occupied_range(*, starts_at, ends_at, buffer_minutes):
    return DateTimeTZRange(starts_at, ends_at + dt.timedelta(minutes=buffer_minutes), "[)")


def overlaps(atom_ids, during) -> bool:
    """Whether an active occupancy of any of these atoms overlaps the range (the friendly check)."""
    return Occupancy.objects.filter(space_id__in=atom_ids, active=True, during__overlap=during).exists()


def _is_overlap_violation(exc):
    diag = getattr(exc.__cause__, "diag", None)
    return getattr(diag, "constraint_name", None) == OCCUPANCY_CONSTRAINT


# --- Booking ---------------------------------------------------------------------------------
@transaction.atomic
def booking_create(
    *, space, booker, association, starts_at, ends_at, purpose, age_group=None, attendees, now=None
) -> Booking:
    """Book a space for an association the booker represents, or for the booker themselves.

    Validates the space's rules, locks the atomic spaces it covers (in id order, so two
    bookings never wait for each other in a circle), checks for overlaps, then writes the
    booking and one occupancy row per atom. Price and terms are frozen on the booking.
    """
    now = now or timezone.now()
    space = Space.objects.select_related("facility", "facility__department", "parent").get(pk=space.pk)
    if not space.is_bookable:
        _fail("space", NOT_BOOKABLE)
    purpose = (purpose or "").strip()
    if not purpose:
        _fail("purpose", PURPOSE_REQUIRED)
    if not attendees or attendees < 1:
        _fail("attendees", NO_ATTENDEES)
    if attendees > space.capacity:
        _fail("attendees", OVER_CAPACITY)
    if association is not None and not Association.objects.represented_by(booker).filter(pk=association.pk).exists():
        _fail("association", NOT_REPRESENTATIVE)
    _validate_times(space=space, starts_at=starts_at, ends_at=ends_at, now=now)
    tree = _facility_tree(space)
    _check_closures(space=space, related_ids=related_space_ids(space, tree=tree), starts_at=starts_at, ends_at=ends_at)

    atoms = atomic_space_ids(space, tree=tree)
    during = occupied_range(starts_at=starts_at, ends_at=ends_at, buffer_minutes=space.buffer_minutes)
    # A time already taken is refused before waiting for any lock (most attempts under contention).
    if overlaps(atoms, during):
        _fail("starts_at", TAKEN)
    # Lock the atoms in a stable order: a whole-hall booking and a half booking queue here;
    # then look again, as the one before us in the queue may have just taken the time.
    list(Space.objects.select_for_update().filter(pk__in=atoms).order_by("pk").values_list("pk", flat=True))
    if overlaps(atoms, during):
        _fail("starts_at", TAKEN)

    customer_group = customer_group_for(association)
    quote = price_quote(space=space, customer_group=customer_group, starts_at=starts_at, ends_at=ends_at)
    list_price = price_quote(
        space=space, customer_group=CustomerGroup.COMMERCIAL, starts_at=starts_at, ends_at=ends_at
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
    try:
        with transaction.atomic():
            Occupancy.objects.bulk_create(
                [Occupancy(booking=booking, space_id=atom, during=during, active=True) for atom in atoms]
            )
    except IntegrityError as exc:
        if _is_overlap_violation(exc):
            _fail("starts_at", TAKEN)
        raise
    _notify_booker(booking, "booking-confirmed" if booking.state == Booking.State.CONFIRMED else "booking-received")
    return booking


def _notify_booker(booking, template, *, extra=None):
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
    notify(
        key=f"booking-{booking.pk}-{template}",
        to=booking.booker.email,
        template=template,
        context=context,
        language=site_language(),
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
    _notify_booker(booking, "booking-cancelled")
    _notify_watchers(booking)
    return booking


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
    try:
        with transaction.atomic():
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


def _notify_watchers(booking):
    """After a booking frees its time: e-mail everyone watching a now wholly free time that
    shares an atomic space with it. Each watch is told once."""
    from facilities.models import SlotWatch

    space = booking.space
    tree = _facility_tree(space)
    watches = (
        SlotWatch.objects.select_for_update()
        .filter(
            space_id__in=related_space_ids(space, tree=tree),
            notified_at__isnull=True,
            starts_at__lt=booking.ends_at,
            ends_at__gt=booking.starts_at,
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
