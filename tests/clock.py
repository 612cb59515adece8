"""Run a Python module in a subprocess on the test run's clock: ``python -m tests.clock celery -A portal worker``.

``TEST_NOW`` (tests/conftest.py) moves the clock of the test process only. A real Celery worker
that a test starts would otherwise live in the present while the rows it reads were stamped in
the moved time. The test process leaves the offset in ``TEST_CLOCK_OFFSET``; this applies it
and runs the module as ``python -m`` would. Forked pool processes inherit the moved clock.
"""

import os
import runpy
import sys
import time

import time_machine

TEST_CLOCK_OFFSET = "TEST_CLOCK_OFFSET"


def command(module, *args):
    """The argv that runs ``python -m module args…`` on the test run's clock."""
    return [sys.executable, "-m", "tests.clock", module, *args]


def main():
    offset = os.environ.get(TEST_CLOCK_OFFSET)
    if offset:
        time_machine.travel(time.time() + float(offset), tick=True).start()
    module, *args = sys.argv[1:]
    sys.argv = [module, *args]
    runpy.run_module(module, run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
