import io

import pytest

from newsletter import demo
from newsletter.models import Issue, Subscriber, SubscriberTopic
from portal.registries import get_indicator

pytestmark = pytest.mark.django_db


def test_the_demo_data_loads_twice_without_changing_and_feeds_the_indicators():
    demo.load(stdout=io.StringIO())
    counts = (Issue.objects.count(), Subscriber.objects.count(), SubscriberTopic.objects.count())

    demo.load(stdout=io.StringIO())

    assert (Issue.objects.count(), Subscriber.objects.count(), SubscriberTopic.objects.count()) == counts
    assert get_indicator("newsletter.issues_per_year").value_for(2026) == 3
    assert get_indicator("newsletter.subscriber_change").value_for(2026) > 0
    assert Issue.objects.filter(state=Issue.State.SCHEDULED).count() == 1
