import pytest
import redis
from django.conf import settings

from portal.celery import app as celery_app


@pytest.fixture(autouse=True)
def _newsletter_settings(settings):
    """Known URLs in messages, and no request limit unless a test sets one."""
    settings.SITE_URL = "https://portal.example"
    settings.NEWSLETTER_SUBSCRIBE_LIMIT_PER_HOUR = 10_000


@pytest.fixture
def real_broker():
    """The test's Redis as a real broker: tasks leave this process; stale ones are cleared first."""
    celery_app.control.purge()
    redis.Redis.from_url(settings.REDIS_URL).delete("unacked", "unacked_index", "unacked_mutex")
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    yield
    celery_app.conf.task_always_eager = eager
    celery_app.control.purge()
