"""Poznań mode: a small grant's offer is public for 7 days of comments before it can be decided."""

import datetime as dt

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from grants import services
from grants.models import GrantRound, OfferComment

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_grant(in_review):
    GrantRound.objects.filter(pk=in_review.round_id).update(comment_days=7)
    in_review.round.refresh_from_db()
    return in_review


def test_an_offer_must_be_published_and_wait_seven_days_before_a_decision(small_grant, staff):
    with pytest.raises(ValidationError) as exc:
        services.decision_make(application=small_grant, user=staff, amount="500", grounds="ok")
    assert exc.value.code == "not_published_for_comment"
    published = timezone.now()
    services.application_publish_for_comment(application=small_grant, user=staff, now=published)
    small_grant.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        services.decision_make(
            application=small_grant, user=staff, amount="500", grounds="ok", now=published + dt.timedelta(days=6)
        )
    assert exc.value.code == "comment_period_open"
    assert not hasattr(small_grant, "decision")
    services.decision_make(
        application=small_grant, user=staff, amount="500", grounds="ok", now=published + dt.timedelta(days=7)
    )


def test_the_public_comments_during_the_period_only(small_grant, staff, client_for, outsider, client):
    services.application_publish_for_comment(application=small_grant, user=staff)
    page = client.get(f"/en/grants/offers/{small_grant.pk}/")
    assert page.status_code == 200 and "open for public comments" in page.content.decode()
    commenter = client_for(outsider)
    commenter.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    commenter.post(f"/en/grants/offers/{small_grant.pk}/", {"body": "Hyvä hanke"})
    assert OfferComment.objects.get().body == "Hyvä hanke"
    with pytest.raises(ValidationError):
        services.offer_comment_add(
            application=small_grant, user=outsider, body="Late", now=timezone.now() + dt.timedelta(days=8)
        )
    assert OfferComment.objects.count() == 1


def test_an_unpublished_offer_is_not_public(in_review, client):
    assert client.get(f"/en/grants/offers/{in_review.pk}/").status_code == 404
