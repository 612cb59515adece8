"""The load generator: locust, headless, in its own process (no Django here).

``python -m portal.bench.locustrun PLAN.json OUT.json``. The plan names the host, the pages
(url, signed-in sessions), the concurrencies and the seconds per page. For each page and each
concurrency, locust's FastHttpUser clients ask for the page back to back (no think time): a
short warm-up, the statistics reset, then ``seconds`` of measured load. Each request carries
``X-Forwarded-Proto: https`` as the TLS proxy in front of production would (the server trusts
it from 127.0.0.1 only, TRUSTED_PROXY_IPS). Writes per page and concurrency: requests, failures,
median and p95 (ms), throughput (requests/s).
"""

import json
import statistics
import sys
import time

import gevent
from locust import FastHttpUser, constant, events, task
from locust.env import Environment

WARMUP_SECONDS = 1.0
WARM_UP_CLIENTS = 5  # as many as gunicorn's workers
WARM_UP_MAX_MS = 1500
SLOW_MS = 3000  # slower than this at 1 client: not run at 16 (see main)


def _user_class(url, sessions, cookie_name):
    counter = {"n": 0}

    class PageUser(FastHttpUser):
        wait_time = constant(0)
        network_timeout = 180.0
        connection_timeout = 180.0

        def on_start(self):
            self.headers = {"X-Forwarded-Proto": "https"}
            if sessions:
                # One session per client: a session row is rewritten on every request.
                self.headers["Cookie"] = f"{cookie_name}={sessions[counter['n'] % len(sessions)]}"
                counter["n"] += 1

        @task
        def page(self):
            with self.client.get(url, headers=self.headers, name="page", catch_response=True) as response:
                if response.status_code != 200:
                    response.failure(f"HTTP {response.status_code}")

    return PageUser


def drain(host, *, cap=180.0):
    """Wait until the server has worked off what the last run left queued (the clients are gone,
    gunicorn still answers their requests): until /healthz answers within 0.25 s."""
    import urllib.request

    deadline = time.monotonic() + cap
    while time.monotonic() < deadline:
        started = time.monotonic()
        try:
            with urllib.request.urlopen(f"{host}/healthz", timeout=cap) as response:  # noqa: S310 - http loopback
                response.read()
        except OSError:
            gevent.sleep(0.5)
            continue
        if time.monotonic() - started < 0.25:
            return round(time.monotonic() - deadline + cap, 1)
        gevent.sleep(0.2)
    return None


def measure(host, url, *, users, seconds, sessions=(), cookie_name="sessionid", min_requests=1, cap=None):
    """``users`` clients for ``seconds`` after a warm-up; at least ``min_requests`` completed
    responses, however long that takes up to ``cap`` seconds (a page slower than the window)."""
    cap = cap or max(150, seconds * 6)
    user_class = _user_class(url, list(sessions), cookie_name)
    user_class.host = host
    env = Environment(user_classes=[user_class], events=events)
    timings = []  # exact response times (locust's own percentiles are rounded buckets)
    measuring = {"on": False}

    def on_request(name, response_time, exception, **kwargs):
        if measuring["on"] and name == "page" and exception is None:
            timings.append(response_time)

    env.events.request.add_listener(on_request)
    runner = env.create_local_runner()
    runner.start(users, spawn_rate=users)
    gevent.sleep(WARMUP_SECONDS)
    env.stats.reset_all()
    measuring["on"] = True
    started = time.monotonic()
    gevent.sleep(seconds)
    while len(timings) < min_requests and time.monotonic() - started < cap:
        gevent.sleep(0.1)
    elapsed = time.monotonic() - started
    measuring["on"] = False
    entry = env.stats.get("page", "GET")
    failures = entry.num_failures
    runner.quit()
    env.events.request.remove_listener(on_request)
    drained = drain(host)
    timings.sort()
    return {
        "users": users,
        "requests": len(timings),
        "failures": failures,
        "seconds": round(elapsed, 1),
        "median_ms": round(statistics.median(timings), 1) if timings else None,
        "p95_ms": round(timings[max(0, -(-len(timings) * 95 // 100) - 1)], 1) if timings else None,
        "mean_ms": round(statistics.fmean(timings), 1) if timings else None,
        "requests_per_second": round(len(timings) / elapsed, 2),
        "drain_seconds": drained,
    }


def warm_up(host, pages, cookie_name):
    """Every page once by as many clients as workers: each gunicorn worker loads its templates,
    translations and connections before anything is measured."""
    for page in pages:
        if (page.get("client_ms") or 0) > WARM_UP_MAX_MS:
            continue  # seconds per request: five of them would hold every worker for a minute
        measure(
            host,
            page["url"],
            users=WARM_UP_CLIENTS,
            seconds=0.5,
            sessions=page.get("sessions") or (),
            cookie_name=cookie_name,
            min_requests=WARM_UP_CLIENTS,
        )


def main(plan_path, out_path):
    with open(plan_path) as fh:
        plan = json.load(fh)
    print("    warming up every gunicorn worker on every page …", flush=True)
    warm_up(plan["host"], plan["pages"], plan["cookie_name"])
    results = []
    for page in plan["pages"]:
        row = {"name": page["name"], "runs": {}}
        for users in plan["concurrencies"]:
            one = row["runs"].get("1") or {}
            if users > 1 and (one.get("median_ms") or 0) > SLOW_MS:
                # Minutes of queued requests, and every later page measured behind them: skipped.
                row["runs"][str(users)] = {"users": users, "skipped": f"median {one['median_ms']} ms at 1 client"}
                print(f"    {page['name']:<28} {users:>2} clients: skipped (too slow at 1 client)", flush=True)
                continue
            row["runs"][str(users)] = measure(
                plan["host"],
                page["url"],
                users=users,
                seconds=plan["seconds"],
                sessions=page.get("sessions") or (),
                cookie_name=plan["cookie_name"],
            )
            run = row["runs"][str(users)]
            print(
                f"    {page['name']:<28} {users:>2} clients: median {run['median_ms']} ms, p95 {run['p95_ms']} ms, "
                f"{run['requests_per_second']}/s, {run['failures']} failed",
                flush=True,
            )
        results.append(row)
    with open(out_path, "w") as fh:
        json.dump(results, fh, indent=2)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
