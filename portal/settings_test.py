"""Settings for pytest: the test run mode of portal/settings.py (PostgreSQL and Redis)."""

import os

os.environ["DJANGO_ENV"] = "test"

from portal.settings import *  # noqa: E402,F403
