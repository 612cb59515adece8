"""A subscriber who lost the link manages the subscription by asking for a new one by e-mail."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from portal.models import Notification
from tests.newsletter.factories import SubscriberFactory

pytestmark = pytest.mark.django_db


def test_subscribe_page_and_broken_link_page_say_how_to_get_a_new_link(client):
    with translation.override("en"):  # the test reads the English pages
        subscribe, preferences = reverse("newsletter:subscribe"), reverse("newsletter:preferences", args=["forged"])
    assert "we e-mail it a new link" in client.get(subscribe).content.decode()
    broken = client.get(preferences)
    assert broken.status_code == 400
    assert "we e-mail it a new link" in broken.content.decode()


def test_entering_a_subscribed_address_mails_a_working_preferences_link(client):
    SubscriberFactory(email="lukija@example.org", language="fi")
    client.post(reverse("newsletter:subscribe"), {"email": "lukija@example.org", "language": "fi"})
    row = Notification.objects.get(template="newsletter-already-subscribed", to="lukija@example.org")
    link = re.search(r"https?://\S+?(/fi/newsletter/preferences/\S+/)", row.body_text).group(1)
    assert client.get(link).status_code == 200


def test_one_rule_about_topics_on_the_subscribe_page_and_in_the_admin():
    from newsletter.forms import TOPIC_RULE, IssueAdminForm, SubscribeForm

    assert SubscribeForm.base_fields["topics"].help_text == TOPIC_RULE
    assert IssueAdminForm.base_fields["topics"].help_text == TOPIC_RULE
