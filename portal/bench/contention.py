"""Attempts under contention, as ``make bench`` measures them (booking and grant decisions).

``run`` forks ``workers`` children, each with its own database connection (so both cores work
and no GIL is shared). Child ``n`` first calls ``prepare(n)``, which loads its rows and warms up
as a web worker would have, and returns its attempts (zero-argument callables); then all start
together at a barrier. An attempt that returns is counted under ``success``, a ValidationError
as ``refused``, anything else as ``other_errors`` (reported: it must stay 0). The clock runs from
the barrier until the last child reports; process start-up is not counted.
"""

import multiprocessing
import time

from django.core.exceptions import ValidationError
from django.db import connections


def run(*, workers, prepare, success):
    """(totals, seconds) of the workers' attempts made at the same time."""
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(workers + 1)
    results = context.Queue()
    connections.close_all()  # a forked child must open its own connection

    def child(index):
        attempts = prepare(index)
        counts = {success: 0, "refused": 0, "other_errors": 0}
        barrier.wait()
        for attempt in attempts:
            try:
                attempt()
                counts[success] += 1
            except ValidationError:
                counts["refused"] += 1
            except Exception:  # noqa: BLE001 - counted and reported: must be zero
                counts["other_errors"] += 1
        connections.close_all()
        results.put(counts)

    processes = [context.Process(target=child, args=(n,)) for n in range(workers)]
    for process in processes:
        process.start()
    barrier.wait()
    started = time.perf_counter()
    totals = {success: 0, "refused": 0, "other_errors": 0}
    for _ in processes:
        for key, value in results.get().items():
            totals[key] += value
    seconds = time.perf_counter() - started
    for process in processes:
        process.join()
    return totals, seconds
