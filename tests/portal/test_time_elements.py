"""Every ``<time datetime>`` the portal writes is a valid HTML date or date-time: whole seconds.

HTML allows at most three fraction digits; Django's ``date:'c'`` wrote the database's six
(``2026-11-27T19:03:12.123456+02:00``), which the validator rejects.
"""

import datetime as dt
import re

import pytest
from django.utils import timezone, translation

from tests.annualclock.factories import MeetingFactory
from tests.associations.factories import EventFactory
from tests.factories import PageFactory
from tests.newsletter.factories import sent_issue

DATETIME_ATTR = re.compile(r'<time[^>]*\sdatetime="([^"]*)"')
VALID = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}([+-]\d{2}:\d{2}|Z))?$")


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def time_values(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return DATETIME_ATTR.findall(response.content.decode())


@pytest.mark.django_db
def test_every_time_element_carries_a_valid_datetime_without_microseconds(client, association):
    with_micros = (timezone.now() + dt.timedelta(days=10)).replace(microsecond=123456)
    meeting = MeetingFactory(starts_at=with_micros, ends_at=with_micros + dt.timedelta(hours=2))
    issue = sent_issue(sent_at=timezone.now().replace(microsecond=654321), language="en")
    page = PageFactory(language="en", slug="accessibility")
    event = EventFactory(association=association, start_date=timezone.localdate() + dt.timedelta(days=3))
    urls = [
        meeting.get_absolute_url(),
        "/en/clock/meetings/",
        issue.get_absolute_url(),
        "/en/newsletter/",
        page.get_absolute_url(),
        event.get_absolute_url(),
    ]

    values = {url: time_values(client, url) for url in urls}

    assert all(values.values()), f"every page shows a <time>: {values}"
    invalid = {url: [v for v in found if not VALID.match(v)] for url, found in values.items()}
    assert not any(invalid.values()), invalid
