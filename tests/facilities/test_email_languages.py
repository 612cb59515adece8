"""Every facilities e-mail is in the site's language, its links too: users and associations have
no language of their own, so the page (or worker) language must not leak into an e-mail."""

import pytest
from django.conf import settings
from django.utils import translation

from facilities import services
from portal.models import Notification
from tests.facilities.conftest import at

pytestmark = pytest.mark.django_db


def test_every_booking_email_is_in_the_sites_language(room, association, association_admin, tuesday, staff):
    room.requires_approval = True
    room.save()
    with translation.override("sv"):
        booking = services.booking_create(
            space=room,
            booker=association_admin,
            association=association,
            starts_at=at(tuesday, 18),
            ends_at=at(tuesday, 20),
            purpose="Hallituksen kokous",
            attendees=6,
        )
        services.booking_approve(booking=booking, user=staff)
        services.booking_cancel(booking=booking, user=association_admin)

    rows = list(Notification.objects.all())
    assert len({row.template for row in rows}) >= 2
    for row in rows:
        assert row.language == settings.LANGUAGE_CODE, row.template
        links = [word for word in row.body_text.split() if word.startswith(settings.SITE_URL + "/")]
        assert links and all(f"{settings.SITE_URL}/{settings.LANGUAGE_CODE}/" in link for link in links)
