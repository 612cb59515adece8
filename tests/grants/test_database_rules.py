"""Rules the database itself holds, so that code skipping the services cannot break them."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from grants.models import GrantRound, Review
from tests.factories import MembershipFactory, UserFactory
from tests.grants.factories import ApplicationFactory, GrantRoundFactory

pytestmark = pytest.mark.django_db


def test_a_direct_update_past_the_appropriation_is_refused_by_the_database():
    grant_round = GrantRoundFactory(appropriation=Decimal("1000.00"))
    refused = pytest.raises(IntegrityError, match="grants_round_committed_within_appropriation")
    with refused, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE grants_grantround SET committed = 1000.01 WHERE id = %s", [grant_round.pk])
    grant_round.refresh_from_db()
    assert grant_round.committed == Decimal("0.00")


def test_a_negative_committed_total_is_refused_by_the_database():
    grant_round = GrantRoundFactory()
    with pytest.raises(IntegrityError, match="grants_round_committed_nonnegative"), transaction.atomic():
        GrantRound.objects.filter(pk=grant_round.pk).update(committed=Decimal("-1"))


def test_a_round_closing_before_it_opens_is_refused_by_the_database():
    grant_round = GrantRoundFactory()
    with pytest.raises(IntegrityError, match="grants_round_closes_after_opens"), transaction.atomic():
        GrantRound.objects.filter(pk=grant_round.pk).update(closes_at=grant_round.opens_at)


def test_a_raw_review_by_a_representative_of_the_applicant_is_refused_by_the_database():
    application = ApplicationFactory()
    representative = MembershipFactory(association=application.association).user
    refused = pytest.raises(IntegrityError, match="represents the applicant")
    with refused, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO grants_review (application_id, reviewer_id, conflict, conflict_note, comment, created_at,"
            " updated_at) VALUES (%s, %s, 'none', '', '', now(), now())",
            [application.pk, representative.pk],
        )
    assert not Review.objects.filter(application=application).exists()


def test_a_pending_representative_is_refused_too_but_an_outsider_is_not():
    application = ApplicationFactory()
    pending = MembershipFactory(association=application.association, state="pending", approved_at=None).user
    with pytest.raises(IntegrityError), transaction.atomic():
        Review.objects.create(application=application, reviewer=pending)
    Review.objects.create(application=application, reviewer=UserFactory())
    assert Review.objects.filter(application=application).count() == 1


def test_a_review_cannot_be_moved_to_a_representative_by_an_update():
    application = ApplicationFactory()
    review = Review.objects.create(application=application, reviewer=UserFactory())
    representative = MembershipFactory(association=application.association).user
    with pytest.raises(IntegrityError), transaction.atomic():
        Review.objects.filter(pk=review.pk).update(reviewer=representative)


def test_a_round_with_another_types_form_or_an_unknown_applicant_kind_is_refused_with_a_message():
    from django.core.exceptions import ValidationError

    from tests.grants.factories import FormVersionFactory

    grant_round = GrantRoundFactory()
    grant_round.form_version = FormVersionFactory()
    with pytest.raises(ValidationError) as exc:
        grant_round.full_clean()
    assert "form_version" in exc.value.message_dict
    grant_round = GrantRoundFactory(eligible_kinds=["registered", "company"])
    with pytest.raises(ValidationError) as exc:
        grant_round.full_clean()
    assert "eligible_kinds" in exc.value.message_dict
