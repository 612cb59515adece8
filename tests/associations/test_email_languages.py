"""Every e-mail of the registry is in the site's default language, its links too, whatever page caused it.

Associations and their people have no language of their own in the portal, so their e-mails use
the site's default (``settings.LANGUAGE_CODE``), not the language of the request that happened
to cause them (an English page must not send a Finnish association English links).
"""

import datetime as dt

import pytest
from django.conf import settings
from django.utils import timezone, translation

from associations.models import Membership
from associations.services import agreements, events, memberships, registry
from portal.models import Notification
from tests.associations.factories import PartnershipAgreementFactory
from tests.factories import AssociationFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

ALL_TEMPLATES = {
    "association-submitted",
    "association-approved",
    "association-rejected",
    "association-confirm-reminder",
    "membership-requested",
    "membership-approved",
    "membership-rejected",
    "event-submitted",
    "event-approved",
    "event-rejected",
    "partnership-review-due",
}


def cause_every_registry_email(staff):
    creator = UserFactory(email="perustaja@example.org")
    approved = registry.association_create(user=creator, data={"name": "Hyväksytty ry", "kind": "registered"})
    registry.association_approve(association=approved, user=staff)
    refused = registry.association_create(user=creator, data={"name": "Hylätty ry", "kind": "registered"})
    registry.association_reject(association=refused, user=staff, reason="Kaksoiskappale.")

    association = AssociationFactory(name="Porin Laulu ry", slug="porin-laulu")
    admin = MembershipFactory(association=association, role="admin", user__email="admin@laulu.example").user
    for email, decide in (("jasen@example.org", "approve"), ("vieras@example.org", "reject")):
        memberships.membership_claim(user=UserFactory(email=email), association=association, message="")
        claim = Membership.objects.get(user__email=email)
        if decide == "approve":
            memberships.membership_approve(membership=claim, user=admin)
        else:
            memberships.membership_reject(membership=claim, user=admin, reason="Ei tunneta.")

    start = timezone.localdate() + dt.timedelta(days=20)
    for title, decide in (("Konsertti", events.event_approve), ("Harjoitus", None)):
        event = events.event_create(
            association=association, user=admin, data={"kind": "event", "title": title, "start_date": start}
        )
        if decide:
            decide(event=event, user=staff)
        else:
            events.event_reject(event=event, user=staff, reason="Puuttuu paikka.")

    registry.association_send_confirmation_reminders(today=timezone.localdate() + dt.timedelta(days=400))
    valid_from = timezone.localdate().replace(day=1)
    PartnershipAgreementFactory(association=association, valid_from=valid_from, valid_until=None)
    due = valid_from.replace(year=valid_from.year + 1)
    agreements.agreement_send_review_reminders(today=due - dt.timedelta(days=5))


@pytest.mark.parametrize("page_language", ["en", "sv"])
def test_every_registry_email_is_in_the_site_language_with_links_in_it(staff, page_language):
    with translation.override(page_language):
        cause_every_registry_email(staff)
    rows = list(Notification.objects.all())
    assert {row.template for row in rows} == ALL_TEMPLATES
    for row in rows:
        assert row.language == settings.LANGUAGE_CODE, row.template
        for body in (row.body_text, row.body_html):
            assert f"{settings.SITE_URL}/{page_language}/" not in body, row.template
    links = " ".join(row.body_text for row in rows)
    assert f"{settings.SITE_URL}/{settings.LANGUAGE_CODE}/associations/" in links
