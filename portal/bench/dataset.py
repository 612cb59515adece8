"""The benchmark's one national-scale data set (``manage.py generate_bench_data``).

At ``scale=1``: 100,000 associations (``generate_associations``, COPY) with 20,000 events over
five years; 2,000 spaces with a year of bookings (``generate_facilities``) and a season's booking
series; five years of grant rounds with 50,000 applications, two reviews each with their scores,
decisions, payments and reports (``bench_grants.generate``); 10,000 newsletter subscribers and 20
sent issues with their deliveries; five years of meetings and clock entries; Pori's programme
with every indicator (``portal.programme.demo.load_pori``). Rows are written with COPY
(``portal.bench.copy.copy_objects``), and the database's constraints (the occupancy exclusion
constraint, the grants ledger CHECKs) hold for every row.

Idempotent: a marker table (``bench_dataset``) records the version and scale when everything is
written; with the marker in place the generator does nothing. ``manage.py bench`` recreates the
bench database when it holds data without the marker (an interrupted run or an older version).
"""

import datetime as dt
import os
import random
import time
from decimal import Decimal
from pathlib import Path

from allauth.mfa.models import Authenticator
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from portal.bench.copy import copy_objects

VERSION = "2026-11-27.1"
MARKER_TABLE = "bench_dataset"
STEERING_EMAIL = "steering@bench.invalid"
SUBSCRIBER_DOMAIN = "readers.bench.invalid"  # not @bench.invalid: the newsletter job removes its own
FULL = {
    "associations": 100_000,
    "events": 20_000,
    "spaces": 2_000,
    "applications": 50_000,
    "subscribers": 10_000,
    "issues": 20,
    "meetings_per_year": 40,
    "entries_per_year": 60,
}
MINIMUM = {
    "associations": 100,
    "events": 20,
    "spaces": 5,
    "applications": 40,
    "subscribers": 10,
    "issues": 2,
    "meetings_per_year": 2,
    "entries_per_year": 3,
}
# Counts of a few dozen shrink more slowly, so that a small scale still has several and a test
# at two small scales sees them grow.
SUBLINEAR = {"issues", "meetings_per_year", "entries_per_year"}
YEARS = 5


def sizes(scale):
    return {
        key: max(MINIMUM[key], int(round(value * (scale**0.3 if key in SUBLINEAR else scale))))
        for key, value in FULL.items()
    }


def marker():
    """(version, scale) of the data set in the current database, or None."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s)", [MARKER_TABLE])
        if cursor.fetchone()[0] is None:
            return None
        cursor.execute(f"SELECT version, scale FROM {MARKER_TABLE} ORDER BY generated_at DESC LIMIT 1")  # noqa: S608
        row = cursor.fetchone()
    return (row[0], float(row[1])) if row else None


def _write_marker(scale, seconds):
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {MARKER_TABLE} "
            "(version text NOT NULL, scale double precision NOT NULL, seconds double precision, "
            "generated_at timestamptz NOT NULL DEFAULT now())"
        )
        cursor.execute(f"DELETE FROM {MARKER_TABLE}")  # noqa: S608 - constant name
        cursor.execute(
            f"INSERT INTO {MARKER_TABLE} (version, scale, seconds) VALUES (%s, %s, %s)",  # noqa: S608
            [VERSION, scale, seconds],
        )


def drop_marker():
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {MARKER_TABLE}")


def _backend_cpu_seconds():
    """CPU seconds (user + system) of this connection's PostgreSQL backend so far, when the server
    runs on this machine and its /proc is readable; else None. With the generator's own CPU time
    it tells where a step's time goes: Python building rows, PostgreSQL storing and checking them
    (constraints, indexes), or neither (waiting for a core on a loaded machine)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None


def _bulk_load_session():
    """Session settings for a bulk load; every row is still checked by every constraint.

    ``synchronous_commit`` off: a commit does not wait for its WAL to reach the disk (a crash
    loses at most the last moments of a load that is redone anyway: no marker, no data set).
    ``maintenance_work_mem``: the closing VACUUM ANALYZE (and any index build) in memory."""
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO OFF")
        cursor.execute("SET maintenance_work_mem TO '256MB'")


def generate(*, scale=1.0, stdout=None, seed=2026):
    """Generate the whole data set unless the marker says it is there. Returns the seconds taken
    (None when skipped)."""
    say = stdout.write if stdout else (lambda *_: None)
    if marker() == (VERSION, float(scale)):
        say("  the data set is already there (marker found): skipped")
        return None
    n = sizes(scale)
    rng = random.Random(seed)
    _bulk_load_session()
    started = time.perf_counter()
    last = {"python": time.process_time(), "postgresql": _backend_cpu_seconds()}

    def step(text):
        python, postgresql = time.process_time(), _backend_cpu_seconds()
        cpu = f"previous step's CPU: Python {python - last['python']:.1f} s"
        if postgresql is not None and last["postgresql"] is not None:
            cpu += f", PostgreSQL {postgresql - last['postgresql']:.1f} s"
        last.update(python=python, postgresql=postgresql)
        say(f"  [{time.perf_counter() - started:6.1f} s] {text} … ({cpu})")

    step(f"{n['associations']:,} associations (COPY)")
    # --no-vacuum, --no-analyze: the VACUUM ANALYZE at the end covers every table once.
    call_command("generate_associations", "--count", str(n["associations"]), "--force", "--no-vacuum", stdout=_Null())
    with transaction.atomic():
        step(f"{n['events']:,} events over {YEARS} years")
        _events(rng, n["events"])
    step(f"{n['spaces']:,} spaces and a year of bookings")
    call_command("generate_facilities", "--spaces", str(n["spaces"]), "--no-analyze", stdout=_Null())
    with transaction.atomic():
        step("a season's booking series")
        _season_series(rng)
    step(f"{YEARS} years of grant rounds with {n['applications']:,} applications, decisions, payments")
    from grants.management.commands.bench_grants import generate as generate_grants

    generate_grants(n["applications"], seed=seed)
    with transaction.atomic():
        step("two reviews per application with scores, and reports")
        _reviews_and_reports(rng)
    with transaction.atomic():
        step(f"{n['subscribers']:,} subscribers and {n['issues']} sent issues")
        _newsletter(rng, n["subscribers"], n["issues"])
    with transaction.atomic():
        step(f"{YEARS} years of meetings and clock entries")
        _clock(rng, n["meetings_per_year"], n["entries_per_year"])
    with transaction.atomic():
        step("the programme with every indicator, and the steering group's member")
        from portal.programme import demo as programme_demo

        programme_demo._steering_group()
        programme_demo.load_pori()
        steering_user()
    step("VACUUM ANALYZE")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    seconds = round(time.perf_counter() - started, 1)
    _write_marker(scale, seconds)
    step("done")
    return seconds


class _Null:
    def write(self, *args, **kwargs):
        pass

    def flush(self):
        pass


def _years():
    this_year = timezone.localdate().year
    return list(range(this_year - YEARS + 1, this_year + 1))


def _events(rng, count):
    from associations.models import Association, Event

    ids = list(Association.objects.filter(is_public=True, moderation_state="approved").values_list("pk", flat=True))
    today = timezone.localdate()
    first = today - dt.timedelta(days=365 * YEARS - 180)
    span = (today + dt.timedelta(days=180) - first).days
    titles = ["Kevätkokous", "Avoimet ovet", "Konsertti", "Talkoot", "Retki", "Turnaus", "Kurssi", "Näyttely"]
    events = []
    for n in range(count):
        day = first + dt.timedelta(days=rng.randrange(span))
        hour = rng.choice([10, 12, 17, 18, 19])
        events.append(
            Event(
                association_id=rng.choice(ids),
                title=f"{rng.choice(titles)} {n}",
                description="Tervetuloa mukaan! Tapahtuma on maksuton.",
                start_date=day,
                start_time=dt.time(hour),
                end_time=dt.time(hour + 2),
                end_date=day,
                place="Yhdistystalo",
                moderation_state="approved",
            )
        )
    copy_objects(Event, events)


def _season_series(rng):
    """The coming season's weekly series: every atomic room on Saturdays 10–12 for 20 weeks,
    through an application, a published allocation and a series (no overlap with the evening
    bookings of ``generate_facilities``, which are on weekdays)."""
    from associations.models import Association
    from facilities.models import (
        Booking,
        BookingSeries,
        Occupancy,
        SeasonAllocation,
        SeasonApplication,
        SeasonRound,
        Space,
    )
    from portal.models import Department

    user = get_user_model().objects.get(username="bench@bench.invalid")
    department = Department.objects.get(name="Bench department")
    today = timezone.localdate()
    season_starts = today - dt.timedelta(days=today.weekday()) + dt.timedelta(days=5)  # a Saturday
    season_round = SeasonRound.objects.create(
        name="Bench season",
        department=department,
        season_starts=season_starts,
        season_ends=season_starts + dt.timedelta(weeks=20),
        applications_open=timezone.now() - dt.timedelta(days=90),
        applications_close=timezone.now() - dt.timedelta(days=60),
        principles="Bench",
    )
    rooms = list(Space.objects.filter(slug__startswith="bench-", parent__isnull=True).exclude(slug__endswith="-hall"))
    associations = list(Association.objects.values_list("pk", flat=True)[: len(rooms)])
    applications = copy_objects(
        SeasonApplication,
        [
            SeasonApplication(
                round=season_round,
                association_id=associations[i % len(associations)],
                applicant=user,
                purpose="Viikkoharjoitukset",
                group_size=10,
                slots_wanted=1,
            )
            for i in range(len(rooms))
        ],
    )
    allocations = copy_objects(
        SeasonAllocation,
        [
            SeasonAllocation(
                round=season_round,
                application=application,
                space=room,
                weekday=5,
                starts=dt.time(10),
                ends=dt.time(12),
                state="published",
            )
            for application, room in zip(applications, rooms, strict=True)
        ],
    )
    series = copy_objects(BookingSeries, [BookingSeries(allocation=a) for a in allocations])
    bookings = []
    for one, allocation, application in zip(series, allocations, applications, strict=True):
        for week in range(20):
            starts = timezone.make_aware(dt.datetime.combine(season_starts + dt.timedelta(weeks=week), dt.time(10)))
            bookings.append(
                Booking(
                    space_id=allocation.space_id,
                    association_id=application.association_id,
                    series=one,
                    starts_at=starts,
                    ends_at=starts + dt.timedelta(hours=2),
                    booker=user,
                    customer_group="association",
                    purpose="Bench series",
                    attendees=10,
                    state=Booking.State.CONFIRMED,
                )
            )
    bookings = copy_objects(Booking, bookings)
    copy_objects(
        Occupancy,
        [Occupancy(booking=b, space_id=b.space_id, during=(b.starts_at, b.ends_at)) for b in bookings],
    )


def _reviews_and_reports(rng):
    from grants.models import Application, Criterion, GrantReport, Panel, Review, Score

    User = get_user_model()
    reviewers = []
    for i in range(2):
        reviewer, _ = User.objects.get_or_create(
            username=f"bench-reviewer-{i}", defaults={"email": f"reviewer{i}@bench.invalid"}
        )
        reviewers.append(reviewer)
    rounds = {}
    for criterion in Criterion.objects.filter(round__slug__startswith="bench-").order_by("order"):
        rounds.setdefault(criterion.round_id, []).append(criterion)
    panels = {
        p.round_id: p
        for p in copy_objects(Panel, [Panel(round_id=round_id, name="Arviointiryhmä") for round_id in rounds])
    }
    applications = list(
        Application.objects.filter(round__slug__startswith="bench-").values_list(
            "pk", "round_id", "submitted_at", "state", "amount_requested"
        )
    )
    reviews = []
    for pk, round_id, submitted_at, _state, _requested in applications:
        for reviewer in reviewers:
            reviews.append(
                Review(
                    application_id=pk,
                    reviewer=reviewer,
                    panel=panels[round_id],
                    conflict="none",
                    declared_at=submitted_at + dt.timedelta(days=3),
                    submitted_at=submitted_at + dt.timedelta(days=5),
                    comment="Selkeä suunnitelma.",
                )
            )
    reviews = copy_objects(Review, reviews)
    round_of = {pk: round_id for pk, round_id, *_ in applications}
    copy_objects(
        Score,
        [
            Score(review=review, criterion=criterion, score=rng.randint(1, criterion.max_score))
            for review in reviews
            for criterion in rounds[round_of[review.application_id]]
        ],
    )
    last_year = timezone.localdate().year
    copy_objects(
        GrantReport,
        [
            GrantReport(
                application_id=pk,
                use_of_funds="Avustus käytettiin viikoittaiseen toimintaan.",
                amount_used=(requested * Decimal("0.5")).quantize(Decimal("1")),
                participants={},
                state="approved",
                submitted_at=submitted_at + dt.timedelta(days=300),
                approved_at=submitted_at + dt.timedelta(days=320),
            )
            for pk, _round_id, submitted_at, state, requested in applications
            if state == "paid" and submitted_at.year < last_year
        ],
    )


def _newsletter(rng, subscribers, issues):
    from newsletter.models import Delivery, Issue, Subscriber, SubscriberTopic

    now = timezone.now()
    readers = copy_objects(
        Subscriber,
        [
            Subscriber(
                email=f"reader{i}@{SUBSCRIBER_DOMAIN}",
                language=rng.choice(["fi", "fi", "fi", "sv", "en"]),
                method=Subscriber.Method.DOUBLE_OPT_IN,
                consent_version="bench",
                requested_at=now - dt.timedelta(days=900),
                confirmed_at=now - dt.timedelta(days=899),
            )
            for i in range(subscribers)
        ],
    )
    # Not the grants topic: the newsletter job sends its own issue to its own grants readers.
    topics = ["events", "facilities", "training", "cooperation"]
    copy_objects(
        SubscriberTopic,
        [SubscriberTopic(subscriber=s, topic=t) for s in readers for t in rng.sample(topics, 2)],
    )
    years = _years()
    sent = []
    for n in range(issues):
        year = years[-1 - (n // 4)] if n // 4 < len(years) else years[0]
        quarter = 4 - n % 4
        sent_at = timezone.make_aware(dt.datetime(year, 3 * quarter - 1, 10, 9))
        if sent_at > now:
            sent_at = now - dt.timedelta(days=n + 1)
        sent.append(
            Issue(
                subject=f"Yhdistysuutiset {quarter}/{year}",
                preheader="Avustukset, tilat ja tapahtumat",
                body="## Ajankohtaista\n\nKevään avustushaku alkaa. **Tervetuloa** yhdistysiltaan.\n",
                language="fi",
                year=year,
                quarter=quarter,
                topics=topics,
                state=Issue.State.SENT,
                scheduled_at=sent_at,
                sent_at=sent_at,
            )
        )
    sent = copy_objects(Issue, sent)
    for issue in sent:
        copy_objects(
            Delivery,
            [Delivery(issue=issue, subscriber=s, status=Delivery.Status.SENT, sent_at=issue.sent_at) for s in readers],
        )


def _clock(rng, meetings_per_year, entries_per_year):
    from annualclock.models import ClockEntry, Meeting
    from portal.models import Forum

    forums = [
        Forum.objects.get_or_create(slug=f"bench-forum-{i}", defaults={"name": f"Bench forum {i}"})[0] for i in range(3)
    ]
    kinds = ["grant_application_period", "association_evening", "workshop", "sports_parliament", "newsletter", "other"]
    entries, meetings = [], []
    for year in _years():
        for n in range(entries_per_year):
            month = 1 + n % 12
            day = dt.date(year, month, 1 + rng.randrange(27))
            entries.append(
                ClockEntry(
                    year=year,
                    month=month,
                    start_date=day,
                    kind=rng.choice(kinds),
                    title=f"Vuosikello {year}/{n}",
                    description="Yhdistysten ja kaupungin yhteinen tapahtuma.",
                    state="published",
                )
            )
        for n in range(meetings_per_year):
            day = dt.date(year, 1 + n % 12, 1 + (n * 7) % 27)
            starts = timezone.make_aware(dt.datetime.combine(day, dt.time(17)))
            meetings.append(
                Meeting(
                    forum=forums[n % len(forums)],
                    title=f"Yhteistyöryhmän kokous {n + 1}/{year}",
                    starts_at=starts,
                    ends_at=starts + dt.timedelta(hours=2),
                    place="Porin kaupungintalo, Hallituskatu 12",
                    agenda="1. Avaus\n2. Ajankohtaiset\n3. Avustukset\n4. Muut asiat",
                    minutes="Kokous avattiin klo 17." if starts < timezone.now() else "",
                )
            )
    copy_objects(ClockEntry, entries)
    copy_objects(Meeting, meetings)


def steering_user():
    """The steering group's member: staff with a verified authenticator (TOTP), in the group that
    holds the programme's permissions (``portal.programme.demo``)."""
    from portal.programme.demo import STEERING_GROUP

    User = get_user_model()
    user, _ = User.objects.get_or_create(
        username=STEERING_EMAIL, defaults={"email": STEERING_EMAIL, "is_staff": True, "is_active": True}
    )
    user.groups.add(Group.objects.get(name=STEERING_GROUP))
    Authenticator.objects.get_or_create(user=user, type=Authenticator.Type.TOTP, defaults={"data": {"secret": "x"}})
    return user
