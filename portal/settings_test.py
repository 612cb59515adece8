"""Settings for pytest: the test run mode of portal/settings.py (PostgreSQL and Redis)."""

import os

os.environ["DJANGO_ENV"] = "test"

from portal.settings import *  # noqa: E402,F403

# Under pytest-xdist each worker gets its own Redis database for the cache: a test's
# cache.clear() (FLUSHDB) must not wipe another worker's rate-limit counters mid-test.
_worker = os.environ.get("PYTEST_XDIST_WORKER", "")  # "gw0", "gw1", … or "" without xdist
if _worker and REDIS_URL:  # noqa: F405
    from urllib.parse import urlsplit

    _parts = urlsplit(REDIS_URL)  # noqa: F405
    _db = (int(_parts.path.strip("/") or 0) + 1 + int(_worker.removeprefix("gw"))) % 16
    CACHES["default"]["LOCATION"] = _parts._replace(path=f"/{_db}").geturl()  # noqa: F405
