"""The pages the load test asks for, on the bench data set, and their SQL query counts.

``pages()`` names each page people use (with the bench data's own slugs and ids); ``plan()``
counts each page's SQL queries once through the test client (``CaptureQueriesContext``) and
makes the signed-in sessions the load generator sends as cookies: the steering group's member
(the programme's dashboard) and a grants officer (a round's ledger in the admin), both staff with
a verified authenticator, as ``portal.permissions`` requires. Sessions are stored in the
database, so gunicorn (same database, same SECRET_KEY) accepts them.
"""

import datetime as dt
import time
from urllib.parse import urlencode

from allauth.mfa.models import Authenticator
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

CONTACTS = "contacts"
SESSIONS_PER_USER = 16  # one per concurrent client: a session row is rewritten on every request
GRANTS_OFFICER = "grants-officer@bench.invalid"


def _url(path, query=None):
    return f"{path}?{urlencode(query)}" if query else path


def directory_area():
    """A service area the generated registry uses ("Keskusta"): not one of the facilities'
    bench areas, which no association serves (a search would then fall through to the typo
    search and measure that instead)."""
    from portal.models import ServiceArea

    area = ServiceArea.objects.filter(name="Keskusta").values_list("pk", flat=True).first()
    return area or ServiceArea.objects.order_by("order", "pk").values_list("pk", flat=True)[1]


def pages():
    """[(name, url, who)]: who is None (anonymous), "steering" or "grants"."""
    from annualclock.models import Meeting
    from associations.models import Association
    from facilities.models import Space
    from grants.models import GrantRound

    today = timezone.localdate()
    area = directory_area()
    association = (
        Association.objects.filter(is_public=True, moderation_state="approved", events__isnull=False)
        .order_by("pk")
        .first()
    )
    meeting = Meeting.objects.filter(starts_at__lt=timezone.now()).order_by("-starts_at").first()
    grant_round = GrantRound.objects.filter(slug__startswith="bench-").order_by("-opens_at").first()
    hall = Space.objects.filter(slug__startswith="bench-", slug__endswith="-hall").order_by("pk").first()
    next_week = today + dt.timedelta(days=7)
    tuesday = next_week + dt.timedelta(days=(1 - next_week.weekday()) % 7)
    return [
        (CONTACTS, "/fi/contacts/", None),
        ("home", "/fi/", None),
        ("directory_first_page", "/fi/associations/", None),
        (
            "directory_word_two_filters",
            _url("/fi/associations/", {"q": "palloseura", "prh_class": "sports", "service_area": area}),
            None,
        ),
        ("directory_misspelt", _url("/fi/associations/", {"q": "Porin Palloseuar"}), None),
        ("association_profile", f"/fi/associations/{association.slug}/", None),
        ("events_list", "/fi/associations/events/", None),
        ("events_feed", "/fi/associations/events.ics", None),
        ("clock_wheel", "/fi/clock/", None),
        ("meeting_page", f"/fi/clock/meetings/{meeting.pk}/", None),
        ("newsletter_archive", "/fi/newsletter/", None),
        ("grant_call", f"/fi/grants/calls/{grant_round.slug}/", None),
        ("grant_decisions", "/fi/grants/decisions/", None),
        ("round_ledger", f"/admin/grants/grantround/{grant_round.pk}/summary/", "grants"),
        ("space_week", _url(f"/fi/facilities/spaces/{hall.slug}/", {"week": next_week.isoformat()}), None),
        (
            "free_at_a_time",
            _url("/fi/facilities/", {"date": tuesday.isoformat(), "starts": "18:00", "ends": "20:00", "capacity": 30}),
            None,
        ),
        ("steering_dashboard", "/fi/programme/", "steering"),
    ]


def _staff(username, *, superuser=False):
    from portal.bench.dataset import steering_user

    if username != GRANTS_OFFICER:
        return steering_user()
    user, _ = get_user_model().objects.get_or_create(
        username=username,
        defaults={"email": username, "is_staff": True, "is_superuser": superuser, "is_active": True},
    )
    Authenticator.objects.get_or_create(user=user, type=Authenticator.Type.TOTP, defaults={"data": {"secret": "x"}})
    return user


def users():
    from portal.bench.dataset import STEERING_EMAIL

    return {"steering": _staff(STEERING_EMAIL), "grants": _staff(GRANTS_OFFICER, superuser=True)}


def session_keys(user, count=SESSIONS_PER_USER):
    from django.conf import settings

    keys = []
    for _ in range(count):
        client = Client()
        client.force_login(user)
        keys.append(client.cookies[settings.SESSION_COOKIE_NAME].value)
    return keys


def _timed_get(client, url):
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        elapsed = (time.perf_counter() - started) * 1000
    return response.status_code, len(queries), len(body), round(elapsed, 1)


def count_queries(client, url, *, slow_ms=3000):
    """(status, SQL queries, bytes, milliseconds) of one request after a warm-up request (a page
    slower than ``slow_ms`` is asked once: its first request's figures)."""
    first = _timed_get(client, url)
    return first if first[3] > slow_ms else _timed_get(client, url)


def plan(*, sessions=SESSIONS_PER_USER):
    """Every page with its query count, and the sessions for the signed-in ones."""
    who = users()
    clients = {None: Client()}
    for key, user in who.items():
        clients[key] = Client()
        clients[key].force_login(user)
    rows = []
    for name, url, auth in pages():
        status, queries, size, ms = count_queries(clients[auth], url)
        row = {"name": name, "url": url, "auth": auth, "status": status, "queries": queries}
        rows.append({**row, "bytes": size, "client_ms": ms})
    return {"pages": rows, "sessions": {key: session_keys(user, sessions) for key, user in who.items()}}
