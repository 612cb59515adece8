"""``make bench`` at small scale: the COPY writer, the data set (idempotent, within every
constraint), the pages' query counts as rows grow, the ratios and the results table."""

import datetime as dt
import io
import json
import subprocess

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Sum
from django.utils import timezone

from portal.bench import dataset, load, pages, report
from portal.bench.copy import copy_objects


@pytest.fixture
def no_marker():
    dataset.drop_marker()
    yield
    dataset.drop_marker()  # not a model: the test database's flush would leave it


def _counts():
    from annualclock.models import ClockEntry, Meeting
    from associations.models import Association, Event
    from facilities.models import Booking
    from grants.models import Application, GrantReport, Review, Score
    from newsletter.models import Delivery, Issue, Subscriber
    from portal.programme.models import Indicator

    return {
        model.__name__: model.objects.count()
        for model in (
            Association,
            Event,
            Booking,
            Application,
            Review,
            Score,
            GrantReport,
            Subscriber,
            Issue,
            Delivery,
            Meeting,
            ClockEntry,
            Indicator,
        )
    }


@pytest.mark.django_db
def test_copy_writes_instances_with_their_defaults_and_keys():
    from newsletter.models import Issue

    issues = copy_objects(
        Issue,
        [Issue(subject=f"S{n}", body="b", language="fi", year=2027, quarter=1, topics=["grants"]) for n in range(3)],
    )
    assert all(issue.pk for issue in issues)
    stored = Issue.objects.get(pk=issues[1].pk)
    assert stored.subject == "S1" and stored.topics == ["grants"] and stored.state == Issue.State.DRAFT
    assert stored.created_at is not None


@pytest.mark.django_db
def test_copy_is_refused_by_the_occupancy_exclusion_constraint(department, outsider):
    from facilities.models import Booking, Occupancy
    from tests.facilities.factories import FacilityFactory, SpaceFactory

    room = SpaceFactory(facility=FacilityFactory(department=department), capacity=12)

    starts = timezone.now().replace(microsecond=0) + dt.timedelta(days=3)
    bookings = copy_objects(
        Booking,
        [
            Booking(
                space=room,
                starts_at=starts,
                ends_at=starts + dt.timedelta(hours=2),
                booker=outsider,
                customer_group="association",
                purpose="x",
                attendees=1,
                state=Booking.State.CONFIRMED,
            )
            for _ in range(2)
        ],
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        copy_objects(
            Occupancy, [Occupancy(booking=b, space_id=room.pk, during=(b.starts_at, b.ends_at)) for b in bookings]
        )


@pytest.mark.django_db(transaction=True)
def test_the_generator_refuses_a_database_that_is_not_for_benchmarks(monkeypatch):
    monkeypatch.setitem(connection.settings_dict, "NAME", "yhdistysportaali")
    with pytest.raises(CommandError, match="bench"):
        call_command("generate_bench_data", "--scale", "0.001")


def _assert_constraints_hold():
    from facilities.models import Occupancy
    from grants.models import Decision, GrantRound

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM facilities_occupancy a JOIN facilities_occupancy b "
            "ON a.space_id = b.space_id AND a.id < b.id AND a.during && b.during WHERE a.active AND b.active"
        )
        assert cursor.fetchone()[0] == 0
    assert Occupancy.objects.exists()
    assert not GrantRound.objects.filter(committed__gt=F("appropriation")).exists()
    for round_ in GrantRound.objects.filter(slug__startswith="bench-"):
        decided = Decision.objects.filter(application__round=round_).aggregate(t=Sum("amount"))["t"] or 0
        assert round_.committed == min(decided, round_.appropriation)


@pytest.mark.django_db(transaction=True)
def test_the_data_set_at_a_thousandth_is_complete_constrained_and_generated_once(no_marker):
    call_command("generate_bench_data", "--scale", "0.001", "--force")
    first = _counts()
    assert all(first.values()), first
    assert first["Association"] >= 100 and first["Subscriber"] == 10
    assert first["Indicator"] >= 20  # Pori's programme, every indicator
    assert dataset.marker() == (dataset.VERSION, 0.001)
    _assert_constraints_hold()

    call_command("generate_bench_data", "--scale", "0.001", "--force")
    assert _counts() == first  # the marker: not generated again

    # The grants bench inside ``make bench`` measures the data set as it is: it does not wipe
    # the bench rounds and make its own 50,000 applications (nor analyse again).
    out = io.StringIO()
    call_command("bench_grants", "--measure-only", "--requests", "1", stdout=out)
    assert json.loads(out.getvalue().strip().splitlines()[-1])["generate_seconds"] is None
    assert _counts() == first
    _assert_constraints_hold()

    plan = pages.plan(sessions=2)
    names = [p["name"] for p in plan["pages"]]
    assert names[0] == pages.CONTACTS and "steering_dashboard" in names and "round_ledger" in names
    assert {p["name"]: p["status"] for p in plan["pages"]} == dict.fromkeys(names, 200)
    assert len(plan["sessions"]["steering"]) == 2


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_every_benchmarked_page_takes_as_many_queries_at_ten_times_the_rows(no_marker):
    call_command("generate_bench_data", "--scale", "0.001", "--force")
    small = {p["name"]: p["queries"] for p in pages.plan(sessions=1)["pages"]}
    call_command("flush", "--no-input")
    dataset.drop_marker()
    call_command("generate_bench_data", "--scale", "0.01", "--force")
    large = {p["name"]: p["queries"] for p in pages.plan(sessions=1)["pages"]}
    # The steering group's dashboard too: its second request reads the computed figures and the
    # rendered focus areas from the cache (portal/programme/figures.py).
    assert large == small


def _run(median, p95, rps):
    return {"median_ms": median, "p95_ms": p95, "requests_per_second": rps}


def test_ratios_are_to_the_mean_of_the_contacts_page_first_and_last_run():
    results = [
        {"name": "contacts", "runs": {"1": _run(10, 20, 100), "16": _run(40, 80, 400)}},
        {"name": "directory", "runs": {"1": _run(30, 60, 30), "16": _run(120, 400, 130)}},
        {"name": "contacts", "runs": {"1": _run(14, 20, 100), "16": _run(40, 80, 400)}},
    ]
    rows, base = load.ratios(results)
    assert [r["name"] for r in rows] == ["contacts", "directory"]
    assert base["1"]["median_ms"] == 12
    directory = rows[1]["runs"]
    assert directory["1"]["median_ratio"] == 2.5
    assert directory["16"]["p95_ratio"] == 5.0
    assert directory["16"]["throughput_ratio"] == 0.33


def _results(started, directory_median_ratio):
    return {
        "started": started,
        "seconds": 600,
        "machine": {"cores": 2, "ram_gib": 23.4, "postgresql": "16.4", "python": "3.11.2", "load_average": [1, 1, 1]},
        "dataset": {"seconds": 200},
        "pages": {
            "server": {"gunicorn_workers": 5},
            "load_generator": "locust",
            "seconds_per_run": 5,
            "contacts_baseline": {"1": _run(10, 20, 100), "16": _run(40, 80, 400)},
            "pages": [
                {
                    "name": "contacts",
                    "queries": 2,
                    "runs": {"1": {**_run(10, 20, 100), "median_ratio": 1.0}, "16": _run(40, 80, 400)},
                },
                {
                    "name": "directory_word_two_filters",
                    "queries": 5,
                    "runs": {
                        "1": {**_run(10 * directory_median_ratio, 40, 50), "median_ratio": directory_median_ratio},
                        "16": {**_run(90, 200, 150), "p95_ratio": 2.5, "throughput_ratio": 0.38},
                    },
                },
            ],
        },
        "apps": {"newsletter": {"messages_per_second": 170.2, "sink_repeated_recipients": 0}},
        "jobs": {"report_pdf": {"seconds": 4.2}, "decision_contention": {"attempts_per_second": 250, "overcommits": 0}},
    }


def test_the_results_keep_the_previous_run_and_the_table_shows_both(tmp_path):
    assert report.save(_results("2026-11-01T10:00:00", 3.1), tmp_path) is None
    previous = report.save(_results("2026-11-02T10:00:00", 1.8), tmp_path)
    assert previous["started"] == "2026-11-01T10:00:00"
    assert json.loads((tmp_path / "bench" / "previous.json").read_text())["started"] == "2026-11-01T10:00:00"
    assert json.loads((tmp_path / "bench" / "results.json").read_text())["started"] == "2026-11-02T10:00:00"

    docs = tmp_path / "benchmarks.md"
    docs.write_text(f"# Benchmarks\n\nNotes before.\n\n{report.START}\nold\n{report.END}\n\nNotes after.\n")
    report.write_markdown(docs, _results("2026-11-02T10:00:00", 1.8), previous)
    text = docs.read_text()
    assert "Notes before." in text and "Notes after." in text and "\nold\n" not in text
    assert "2 cores, 23.4 GiB RAM, PostgreSQL 16.4, Python 3.11.2" in text
    row = next(line for line in text.splitlines() if line.startswith("| directory_word_two_filters"))
    assert "1.8× (3.1×)" in row and "met" in row
    assert "| Newsletter to 10,000 (one worker), messages/s | 170.2 | 170.2 | ≥ 150 |" in text


def test_a_page_over_its_target_is_marked_missed():
    row = {"runs": {"1": {"median_ratio": 2.4}, "16": {"p95_ratio": 3.0}}}
    assert report.page_verdict("directory_word_two_filters", row) == (False, True)
    assert report.page_verdict("home", row) == (True, True)


@pytest.mark.parametrize("app", ["associations", "grants", "facilities", "newsletter"])
def test_inside_make_bench_the_app_benches_neither_migrate_nor_generate(app, monkeypatch):
    """``manage.py bench`` has migrated the database and made the data set (at any scale): the
    apps' benches only measure. Standalone they still migrate and generate what they need."""
    from importlib import import_module

    module = import_module(f"{app}.bench")
    commands = []
    answer = {
        "associations": {"search_and_two_filters": {"median_ms": 1}},
        "grants": {"call_page": {"median_ms": 1, "queries": 2}},
        "facilities": {
            "week_view": {"median_ms": 1},
            "free_at_a_time": {"median_ms": 1},
            "contention": {"attempts_per_second": 300, "overlapping_active_occupancies": 0},
        },
        "newsletter": {"messages_per_second": 160},
    }[app]

    def manage(url, *args):
        commands.append(args[0])
        return json.dumps(answer) + "\n"

    def run(argv, **kwargs):
        commands.append(argv[2])
        return subprocess.CompletedProcess(argv, 0, stdout=json.dumps(answer) + "\n")

    def create_database(url):
        commands.append("create database")

    if app == "newsletter":
        monkeypatch.setattr(module.subprocess, "run", run)
        monkeypatch.setattr(module, "_ensure_database", create_database)
    else:
        monkeypatch.setattr(module, "_manage", manage)
        monkeypatch.setattr(module, "_ensure_database", create_database)
    if app == "associations":
        monkeypatch.setattr(module, "_count", lambda url: 0)

    module.run(stdout=io.StringIO(), prepared=True)
    assert commands == [
        {
            "associations": "bench_directory",
            "grants": "bench_grants",
            "facilities": "bench_facilities",
            "newsletter": "newsletter_bench",
        }[app]
    ]

    commands.clear()
    module.run(stdout=io.StringIO())
    assert commands[:2] == ["create database", "migrate"]


def test_make_bench_times_each_step_and_tells_the_app_benches_the_data_set_is_there(monkeypatch, settings, tmp_path):
    from associations import bench as associations_bench
    from portal.management.commands import bench

    settings.VAR_DIR = tmp_path
    settings.BENCH_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/yp_bench_unit"
    calls = []
    monkeypatch.setattr(bench, "ensure_dataset", lambda url, *, scale, stdout: {"generated": False, "seconds": None})
    monkeypatch.setattr(bench, "_server_version", lambda url: "15.0")
    monkeypatch.setattr(
        associations_bench, "run", lambda *, stdout, prepared=False: calls.append(prepared) or {"prepared": prepared}
    )
    out = io.StringIO()
    call_command("bench", "--only", "associations", "--no-docs", stdout=out)

    assert calls == [True]
    results = json.loads((tmp_path / "bench" / "results.json").read_text())
    assert set(results["steps"]) == {"dataset", "associations"}
    assert all(seconds >= 0 for seconds in results["steps"].values())
    assert "(associations: " in out.getvalue()


def test_a_fresh_clone_shows_the_run_published_with_the_docs_as_the_previous_one(tmp_path):
    docs = tmp_path / "docs" / "benchmarks.md"
    docs.parent.mkdir()
    report.write_markdown(docs, _results("2026-11-01T10:00:00", 3.1))
    published = docs.with_suffix(".json")
    assert json.loads(published.read_text())["started"] == "2026-11-01T10:00:00"

    fresh_var = tmp_path / "var"  # a new clone: no var/bench yet
    previous = report.save(_results("2026-11-02T10:00:00", 1.8), fresh_var, published=published)
    assert previous["started"] == "2026-11-01T10:00:00"
    report.write_markdown(docs, _results("2026-11-02T10:00:00", 1.8), previous)
    row = next(line for line in docs.read_text().splitlines() if line.startswith("| directory_word_two_filters"))
    assert "1.8× (3.1×)" in row
