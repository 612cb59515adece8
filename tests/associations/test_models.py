import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from associations.models import Association, Event, PartnershipAgreement
from tests.associations.factories import EventFactory, PartnershipAgreementFactory
from tests.factories import AssociationFactory


@pytest.mark.django_db
def test_two_associations_cannot_share_a_register_number_in_the_database():
    AssociationFactory(register_number="123.456")
    with pytest.raises(IntegrityError), transaction.atomic():
        AssociationFactory(register_number="123.456")


@pytest.mark.django_db
def test_many_associations_may_have_no_register_number_or_business_id():
    AssociationFactory(register_number="", business_id="")
    AssociationFactory(register_number="", business_id="")
    assert Association.objects.filter(register_number="", business_id="").count() == 2


@pytest.mark.django_db
def test_the_database_refuses_a_malformed_business_id():
    with pytest.raises(IntegrityError), transaction.atomic():
        AssociationFactory(business_id="12-3")


@pytest.mark.django_db
def test_the_database_refuses_an_unknown_prh_class():
    with pytest.raises(IntegrityError), transaction.atomic():
        AssociationFactory(prh_class="astrology")


@pytest.mark.django_db
def test_an_event_cannot_end_before_it_starts():
    with pytest.raises(IntegrityError), transaction.atomic():
        EventFactory(start_date=dt.date(2026, 12, 12), end_date=dt.date(2026, 12, 11))
    with pytest.raises(IntegrityError), transaction.atomic():
        EventFactory(start_date=dt.date(2026, 12, 12), start_time=dt.time(18), end_time=dt.time(17))


@pytest.mark.django_db
def test_a_poster_needs_an_alt_text_in_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        EventFactory(poster="associations/posters/x.png", poster_alt="")


@pytest.mark.django_db
def test_a_date_only_event_is_all_day_and_ends_the_next_day_in_icalendar_terms():
    event = EventFactory(start_date=dt.date(2026, 12, 12), start_time=None, end_date=dt.date(2026, 12, 13))
    assert event.is_all_day
    assert event.starts == dt.date(2026, 12, 12)
    assert event.ends == dt.date(2026, 12, 14)


@pytest.mark.django_db
def test_a_timed_event_is_in_the_city_time_zone():
    event = EventFactory(start_date=dt.date(2026, 12, 12), start_time=dt.time(18), end_time=dt.time(20))
    assert event.starts.isoformat() == "2026-12-12T18:00:00+02:00"
    assert event.ends.isoformat() == "2026-12-12T20:00:00+02:00"


@pytest.mark.django_db
def test_agreement_validity_and_the_review_due_date():
    agreement = PartnershipAgreementFactory(valid_from=dt.date(2026, 1, 1), valid_until=dt.date(2026, 12, 31))
    assert PartnershipAgreement.objects.valid_on(dt.date(2026, 6, 1)).filter(pk=agreement.pk).exists()
    assert not PartnershipAgreement.objects.valid_on(dt.date(2027, 1, 1)).filter(pk=agreement.pk).exists()
    assert PartnershipAgreement.review_due_date(
        valid_from=dt.date(2024, 2, 29), latest_review_on=None, latest_review_next_due=None
    ) == dt.date(2025, 2, 28)
    assert PartnershipAgreement.review_due_date(
        valid_from=dt.date(2026, 1, 1), latest_review_on=dt.date(2026, 3, 1), latest_review_next_due=None
    ) == dt.date(2027, 3, 1)


@pytest.mark.django_db
def test_published_events_need_a_public_approved_association():
    hidden = AssociationFactory(is_public=False)
    EventFactory(association=hidden)
    shown = EventFactory()
    EventFactory(moderation_state=Event.ModerationState.PENDING)
    assert list(Event.objects.published()) == [shown]
