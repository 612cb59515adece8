import pytest


@pytest.fixture(autouse=True)
def _newsletter_settings(settings):
    """Known URLs in messages, and no request limit unless a test sets one."""
    settings.SITE_URL = "https://portal.example"
    settings.NEWSLETTER_SUBSCRIBE_LIMIT_PER_HOUR = 10_000
