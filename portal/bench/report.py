"""``make bench``'s output: the machine's facts, var/bench/results.json (the previous run kept as
previous.json) and the Markdown tables in docs/benchmarks.md (between the ``results`` markers,
so the notes written around them stay), with the previous run beside the new one."""

import json
import os
import platform
from pathlib import Path

START = "<!-- bench:results:start (written by make bench) -->"
END = "<!-- bench:results:end -->"

# (page, median target at 1 client, p95 target at 16 clients) as ratios to the contacts page.
MEDIAN_TARGETS = {"directory_word_two_filters": 2.0}
DEFAULT_MEDIAN_TARGET = 3.0
P95_TARGET = 4.0
JOB_TARGETS = {
    "newsletter_messages_per_second": 150,
    "report_pdf_seconds": 10,
    "booking_attempts_per_second": 200,
    "decision_attempts_per_second": 200,
}


def machine_facts(postgres_version=None):
    meminfo = {}
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            key, value = line.split(":", 1)
            meminfo[key] = int(value.split()[0])
    except OSError:
        pass
    return {
        "cores": os.cpu_count(),
        "ram_gib": round(meminfo.get("MemTotal", 0) / 1024 / 1024, 1),
        "postgresql": postgres_version,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }


def save(results, var_dir, *, published=None):
    """Write results.json; the one it replaces becomes previous.json. Returns the previous run: on
    a fresh clone (no var/bench yet), the run last published with the docs (``published``)."""
    out = Path(var_dir) / "bench"
    out.mkdir(parents=True, exist_ok=True)
    current, previous_path = out / "results.json", out / "previous.json"
    previous = None
    if current.exists():
        try:
            previous = json.loads(current.read_text())
        except ValueError:
            previous = None
        current.replace(previous_path)
    elif previous_path.exists():
        previous = json.loads(previous_path.read_text())
    elif published is not None and Path(published).exists():
        previous = json.loads(Path(published).read_text())
    current.write_text(json.dumps(results, indent=2, default=str))
    return previous


def _page_rows(results):
    return {row["name"]: row for row in ((results or {}).get("pages") or {}).get("pages", [])}


def _run(row, users):
    return (row or {}).get("runs", {}).get(str(users)) or {}


def _fmt(value, suffix=""):
    if value is None or value == "":
        return "–"
    if isinstance(value, float):
        value = f"{value:g}"
    return f"{value}{suffix}"


def page_verdict(name, row):
    """(median ok, p95 ok) for a page, or Nones when not measured."""
    one, many = _run(row, 1), _run(row, 16)
    median_target = MEDIAN_TARGETS.get(name, DEFAULT_MEDIAN_TARGET)
    median_ok = one.get("median_ratio") is not None and one["median_ratio"] <= median_target
    p95_ok = many.get("p95_ratio") is not None and many["p95_ratio"] <= P95_TARGET
    return median_ok, p95_ok


def jobs_summary(results):
    apps = (results or {}).get("apps", {})
    jobs = (results or {}).get("jobs", {})
    newsletter = apps.get("newsletter", {})
    contention = apps.get("facilities", {}).get("contention", {})
    decisions = jobs.get("decision_contention", {})
    pdf = jobs.get("report_pdf", {})
    return {
        "newsletter_messages_per_second": newsletter.get("messages_per_second"),
        "newsletter_worker_rss_kib": (
            f"{newsletter.get('worker_rss_kib_ready')} → {newsletter.get('worker_rss_kib_end')} "
            f"(peak {newsletter.get('worker_rss_kib_peak')})"
            if newsletter.get("worker_rss_kib_ready")
            else None
        ),
        "newsletter_repeats": newsletter.get("sink_repeated_recipients"),
        "report_pdf_seconds": pdf.get("seconds"),
        "booking_attempts_per_second": contention.get("attempts_per_second"),
        "booking_overlaps": contention.get("overlapping_active_occupancies"),
        "decision_attempts_per_second": decisions.get("attempts_per_second"),
        "decision_overcommits": decisions.get("overcommits"),
    }


def markdown(results, previous=None):
    facts = results.get("machine", {})
    pages = results.get("pages", {})
    generated = (results.get("dataset") or {}).get("seconds")
    lines = [
        f"Run started {results.get('started')}, took {_fmt(results.get('seconds'))} s "
        f"(data set: {f'generated in {generated} s' if generated else 'already there'}).",
        "",
        f"Machine: {facts.get('cores')} cores, {facts.get('ram_gib')} GiB RAM, PostgreSQL {facts.get('postgresql')}, "
        f"Python {facts.get('python')}; load average at the start {facts.get('load_average')}, "
        f"at the end {results.get('load_average_end')}.",
    ]
    if previous:
        lines.append(f"Previous run: {previous.get('started')} (in brackets below).")
    if pages.get("pages"):
        base = pages.get("contacts_baseline", {})
        lines += [
            "",
            f"Served by gunicorn ({pages['server']['gunicorn_workers']} sync workers, DJANGO_ENV=production), "
            f"driven by {pages['load_generator']}, {pages['seconds_per_run']} s per page and concurrency. "
            f"Contacts page (the baseline, mean of its first and last run): median "
            f"{_fmt(round(base.get('1', {}).get('median_ms', 0), 1))} ms at 1 client, p95 "
            f"{_fmt(round(base.get('16', {}).get('p95_ms', 0), 1))} ms at 16 clients.",
            "",
            "| Page | SQL | median, 1 client | × contacts | p95, 16 clients | × contacts "
            "| req/s, 16 clients | × contacts | target |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
        ]
        old_rows = _page_rows(previous)
        for name, row in _page_rows(results).items():
            one, many = _run(row, 1), _run(row, 16)
            old_one, old_many = _run(old_rows.get(name), 1), _run(old_rows.get(name), 16)

            def with_old(value, old_value, suffix=""):
                text = _fmt(value, suffix)
                return f"{text} ({_fmt(old_value, suffix)})" if old_rows else text

            if name == "contacts":
                # The baseline: its first and last run (the ratios are to their mean).
                again_one, again_many = (
                    _run({"runs": row.get("runs_again", {})}, 1),
                    _run({"runs": row.get("runs_again", {})}, 16),
                )
                lines.append(
                    f"| {name} (first / last run) | {row.get('queries')} "
                    f"| {_fmt(one.get('median_ms'), ' ms')} / {_fmt(again_one.get('median_ms'), ' ms')} | 1× "
                    f"| {_fmt(many.get('p95_ms'), ' ms')} / {_fmt(again_many.get('p95_ms'), ' ms')} | 1× "
                    f"| {_fmt(many.get('requests_per_second'))} / {_fmt(again_many.get('requests_per_second'))} "
                    "| 1× | baseline |"
                )
                continue
            else:
                median_ok, p95_ok = page_verdict(name, row)
                target = MEDIAN_TARGETS.get(name, DEFAULT_MEDIAN_TARGET)
                verdict = ("met" if median_ok and p95_ok else "**missed**") + f" (≤{target:g}× / ≤{P95_TARGET:g}×)"
                if many.get("skipped"):
                    verdict += f"; 16 clients not run: {many['skipped']}"
            lines.append(
                f"| {name} | {row.get('queries')} | {with_old(one.get('median_ms'), old_one.get('median_ms'), ' ms')} "
                f"| {with_old(one.get('median_ratio'), old_one.get('median_ratio'), '×')} "
                f"| {with_old(many.get('p95_ms'), old_many.get('p95_ms'), ' ms')} "
                f"| {with_old(many.get('p95_ratio'), old_many.get('p95_ratio'), '×')} "
                f"| {with_old(many.get('requests_per_second'), old_many.get('requests_per_second'))} "
                f"| {with_old(many.get('throughput_ratio'), old_many.get('throughput_ratio'), '×')} | {verdict} |"
            )
    jobs, old_jobs = jobs_summary(results), jobs_summary(previous) if previous else {}
    labels = {
        "newsletter_messages_per_second": ("Newsletter to 10,000 (one worker), messages/s", "≥ 150"),
        "newsletter_worker_rss_kib": ("Newsletter worker RSS, KiB (ready → end)", "flat"),
        "newsletter_repeats": ("Newsletter repeated recipients", "0"),
        "report_pdf_seconds": ("Yearly report PDF, seconds", "< 10"),
        "booking_attempts_per_second": ("Booking contention, attempts/s", "≥ 200"),
        "booking_overlaps": ("Booking contention, overlapping occupancies", "0"),
        "decision_attempts_per_second": ("Decision contention, attempts/s", "≥ 200"),
        "decision_overcommits": ("Decision contention, overcommits", "0"),
    }
    lines += ["", "| Job | now | previous | target |", "| --- | ---: | ---: | --- |"]
    for key, (label, target) in labels.items():
        lines.append(f"| {label} | {_fmt(jobs.get(key))} | {_fmt(old_jobs.get(key))} | {target} |")
    return "\n".join(lines) + "\n"


def write_markdown(path, results, previous=None):
    """The tables between the markers of ``path``; the run itself beside it as JSON (the next run
    on a fresh clone shows it as the previous one)."""
    path = Path(path)
    path.with_suffix(".json").write_text(json.dumps(results, indent=2, default=str) + "\n")
    block = f"{START}\n{markdown(results, previous)}{END}"
    text = path.read_text() if path.exists() else f"# Benchmarks\n\n{START}\n{END}\n"
    if START in text and END in text:
        head, rest = text.split(START, 1)
        _old, tail = rest.split(END, 1)
        text = head + block + tail
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    path.write_text(text)
    return path
