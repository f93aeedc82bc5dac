"""Many requests at the same instant, each on its own database connection, for the row-lock tests.

A crowd of 60 threads opens 60 connections. PostgreSQL accepts 100 by default, and pytest-xdist runs
tests side by side, so two crowds at once would be refused ("too many clients already"). Crowds
therefore take turns, across processes, through a lock file beside the other temporary files.
"""

import contextlib
import fcntl
import tempfile
import threading
from pathlib import Path

from django.db import connection

CROWD_LOCK = Path(tempfile.gettempdir()) / "itprosig-tests-one-crowd-at-a-time.lock"


@contextlib.contextmanager
def _one_crowd_at_a_time():
    # Closing the file releases the lock, whatever happens inside.
    with open(CROWD_LOCK, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def run_at_once(jobs):
    """Start every job at the same instant on its own thread and connection.

    Return (results, errors): what the jobs returned, in the order they finished, and the
    exceptions they raised.
    """
    barrier = threading.Barrier(len(jobs))
    results, errors = [], []

    def run(job):
        try:
            barrier.wait(timeout=30)
            results.append(job())
        except Exception as exc:  # the caller asserts on them
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    with _one_crowd_at_a_time():
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    return results, errors
