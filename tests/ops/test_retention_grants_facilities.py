"""Retention of grants' attachments and of bookings' personal data: each job removes what is past
its period and keeps what is not; a dry run counts the same and changes nothing."""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from facilities.models import Booking, BookingFeedback, SlotWatch
from grants.models import Application, Attachment, Clawback, Message, Transition
from portal.retention import all_retention_jobs, run_retention
from tests.facilities.factories import SpaceFactory
from tests.factories import AssociationFactory, UserFactory
from tests.grants.factories import ApplicationFactory

DAY = timedelta(days=1)
S = Application.State


@pytest.fixture
def now():
    return timezone.now()


def test_grants_and_facilities_register_their_jobs():
    assert {
        "grants.closed_application_attachments",
        "facilities.booking_personal_data",
        "facilities.past_slot_watches",
    } <= set(all_retention_jobs())


# --- Grants ---------------------------------------------------------------------------------


def application(state, *, closed_at, title):
    app = ApplicationFactory(state=state, title=title)
    Transition.objects.create(application=app, from_state=S.IN_REVIEW, to_state=state, at=closed_at)
    attachment = Attachment(application=app, name=f"{title}.pdf", size=9)
    attachment.file.save(f"{title}.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
    Message.objects.create(application=app, body="Kysymys budjetista.")
    return app, attachment


def test_attachments_of_long_closed_applications_go_and_the_record_stays(
    db, now, settings, django_capture_on_commit_callbacks
):
    days = settings.RETENTION_DAYS["GRANT_ATTACHMENTS"]
    past, within = now - days * DAY - DAY, now - days * DAY + DAY
    rejected_old, rejected_old_file = application(S.REJECTED, closed_at=past, title="rejected-old")
    withdrawn_old, withdrawn_old_file = application(S.WITHDRAWN, closed_at=past, title="withdrawn-old")
    approved_old, approved_old_file = application(S.REPORT_APPROVED, closed_at=past, title="approved-old")
    rejected_recent, rejected_recent_file = application(S.REJECTED, closed_at=within, title="rejected-recent")
    paid_old, paid_old_file = application(S.PAID, closed_at=past, title="paid-old")  # still open: report due
    settled, settled_file = application(S.CLAWBACK, closed_at=past, title="settled")
    Clawback.objects.create(
        application=settled, amount=100, reason="Ei käytetty.", due_on=(past - DAY).date(), returned_on=past.date()
    )
    unsettled, unsettled_file = application(S.CLAWBACK, closed_at=past, title="unsettled")
    Clawback.objects.create(application=unsettled, amount=100, reason="Ei käytetty.", due_on=past.date())

    assert run_retention(only=["grants.closed_application_attachments"], now=now, dry_run=True)[0].count == 4
    assert Attachment.objects.count() == 7

    with django_capture_on_commit_callbacks(execute=True):
        (result,) = run_retention(only=["grants.closed_application_attachments"], now=now)

    assert result.count == 4
    gone = [rejected_old_file, withdrawn_old_file, approved_old_file, settled_file]
    kept = [rejected_recent_file, paid_old_file, unsettled_file]
    assert set(Attachment.objects.values_list("pk", flat=True)) == {a.pk for a in kept}
    assert not any(default_storage.exists(a.file.name) for a in gone)
    assert all(default_storage.exists(a.file.name) for a in kept)
    # The public record and the advice messages stay.
    assert Application.objects.filter(pk=rejected_old.pk, state=S.REJECTED).exists()
    assert Message.objects.filter(application=rejected_old).exists()
    assert Transition.objects.filter(application=rejected_old).exists()
    assert run_retention(only=["grants.closed_application_attachments"], now=now)[0].count == 0  # idempotent


# --- Facilities -----------------------------------------------------------------------------


def booking(space, *, ends_at, purpose, **fields):
    return Booking.objects.create(
        space=space,
        starts_at=ends_at - 2 * timedelta(hours=1),
        ends_at=ends_at,
        booker=fields.pop("booker", None) or UserFactory(),
        association=fields.pop("association", None),
        customer_group="association",
        purpose=purpose,
        attendees=12,
        state=fields.pop("state", Booking.State.CONFIRMED),
        price=20,
        list_price=80,
        **fields,
    )


def test_personal_texts_of_long_ended_bookings_are_blanked_and_the_figures_stay(db, now, settings):
    days = settings.RETENTION_DAYS["BOOKING_PERSONAL_DATA"]
    space = SpaceFactory()
    association = AssociationFactory()
    old = booking(space, ends_at=now - days * DAY - DAY, purpose="Mikon synttärit", association=association)
    old.purpose = "Mikon 40-vuotissynttärit"
    old.save()  # a second history row with the text
    BookingFeedback.objects.create(booking=old, rating=4, text="Mikko: avain hukassa.")
    declined = booking(
        space,
        ends_at=now - days * DAY - 2 * DAY,
        purpose="Kokous",
        state=Booking.State.DECLINED,
        decision_reason="Maija Meikäläisellä on maksamattomia laskuja.",
    )
    recent = booking(space, ends_at=now - days * DAY + DAY, purpose="Treenit")
    HistoricalBooking = Booking.history.model

    assert run_retention(only=["facilities.booking_personal_data"], now=now, dry_run=True)[0].count == 2
    assert Booking.objects.get(pk=old.pk).purpose == "Mikon 40-vuotissynttärit"

    (result,) = run_retention(only=["facilities.booking_personal_data"], now=now)

    assert result.count == 2
    old.refresh_from_db()
    assert (old.purpose, old.decision_reason) == ("", "")
    assert (old.space, old.association, old.attendees, old.state) == (space, association, 12, "confirmed")
    assert (old.price, old.list_price, old.ends_at - old.starts_at) == (20, 80, 2 * timedelta(hours=1))
    assert BookingFeedback.objects.get(booking=old).text == "" and old.feedback.rating == 4
    assert Booking.objects.get(pk=declined.pk).decision_reason == ""
    assert not HistoricalBooking.objects.filter(id__in=[old.pk, declined.pk]).exclude(purpose="", decision_reason="")
    assert HistoricalBooking.objects.filter(id=old.pk).count() == 2  # the history of states stays
    assert Booking.objects.get(pk=recent.pk).purpose == "Treenit"
    assert HistoricalBooking.objects.filter(id=recent.pk, purpose="Treenit").exists()
    assert run_retention(only=["facilities.booking_personal_data"], now=now)[0].count == 0  # idempotent


def test_watches_for_times_already_over_are_deleted(db, now, settings):
    days = settings.RETENTION_DAYS["SLOT_WATCHES"]
    space = SpaceFactory()
    user = UserFactory()

    def watch(ends_at):
        return SlotWatch.objects.create(user=user, space=space, starts_at=ends_at - timedelta(hours=1), ends_at=ends_at)

    past = watch(now - days * DAY - timedelta(minutes=5))
    just_over = watch(now - days * DAY + timedelta(minutes=5))
    coming = watch(now + 3 * DAY)

    assert run_retention(only=["facilities.past_slot_watches"], now=now, dry_run=True)[0].count == 1
    assert SlotWatch.objects.filter(pk=past.pk).exists()

    (result,) = run_retention(only=["facilities.past_slot_watches"], now=now)

    assert result.count == 1
    assert set(SlotWatch.objects.values_list("pk", flat=True)) == {just_over.pk, coming.pk}
