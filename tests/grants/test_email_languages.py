"""Every grants e-mail is in the site's language, its links too: users and associations have no
language of their own, so the page (or worker) language must not leak into an e-mail."""

from decimal import Decimal

import pytest
from django.conf import settings
from django.utils import translation

from grants import services
from portal.models import Notification

pytestmark = pytest.mark.django_db


def test_every_grants_email_is_in_the_sites_language(draft, association_admin, staff):
    with translation.override("pl"):
        application = services.application_submit(application=draft, user=association_admin)
        services.message_post(application=application, user=association_admin, body="Kysymys budjetista")
        application = services.application_start_review(application=application, user=staff)
        services.decision_make(application=application, user=staff, amount=Decimal("100.00"), grounds="Hyvä hanke")

    rows = list(Notification.objects.filter(template__startswith="grant"))
    assert len({row.template for row in rows}) >= 3
    for row in rows:
        assert row.language == settings.LANGUAGE_CODE, row.template
        links = [word for word in row.body_text.split() if word.startswith(settings.SITE_URL + "/")]
        assert all(f"{settings.SITE_URL}/{settings.LANGUAGE_CODE}/" in link or "/admin/" in link for link in links)
