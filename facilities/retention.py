"""The facilities app's retention jobs (registry: ``portal.retention``)."""

from django.db.models import Q

from facilities.models import Booking, BookingFeedback, SlotWatch
from portal.retention import retention_job

# The free-text fields of a booking that may say who booked or why (the booker's words, or the
# staff's reason for declining, which often names the booker).
FREE_TEXT = ("purpose", "decision_reason")


def bookings_with_personal_data(cutoff):
    has_text = Q()
    for field in FREE_TEXT:
        has_text |= ~Q(**{field: ""})
    has_text |= Q(feedback__text__gt="")
    return Booking.objects.filter(ends_at__lt=cutoff).filter(has_text).distinct()


@retention_job(
    "facilities.booking_personal_data",
    setting="BOOKING_PERSONAL_DATA",
    description="Bookings that ended long ago: the purpose, the reason for declining and the feedback text "
    "blanked, in the bookings and their history; times, space, association, age group, attendees, state "
    "and prices stay for the statistics and the in-kind support figures.",
)
def anonymise_old_bookings(*, cutoff, dry_run):
    """Blank the free texts of bookings that ended before ``cutoff`` (and of their history rows).

    The link to the booker's account stays for now: ``Booking.booker`` is required and protects
    the account, so clearing it needs a schema change (nullable booker) and every view that shows
    a booker to cope with none. The account itself holds the contact details, and deleting it is
    a separate request. The feedback's rating stays, its text goes. Counts bookings.
    """
    ids = list(bookings_with_personal_data(cutoff).values_list("pk", flat=True))
    if dry_run or not ids:
        return len(ids)
    blank = dict.fromkeys(FREE_TEXT, "")
    Booking.objects.filter(pk__in=ids).update(**blank)  # update() writes no history row of its own
    Booking.history.model.objects.filter(id__in=ids).update(**blank)
    BookingFeedback.objects.filter(booking_id__in=ids).exclude(text="").update(text="")
    return len(ids)


@retention_job(
    "facilities.past_slot_watches",
    setting="SLOT_WATCHES",
    description="Requests to be told when a taken time frees up, once that time is over (deleted).",
)
def delete_past_slot_watches(*, cutoff, dry_run):
    rows = SlotWatch.objects.filter(ends_at__lt=cutoff)
    count = rows.count()
    if not dry_run:
        rows.delete()
    return count
