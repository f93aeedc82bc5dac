"""Report scaling: the same chapter's report with 10,000, 100,000 and 1,000,000 RSVPs in the database.

The reported chapter (OPCUG IT Pro SIG) has the same 240 meetings and 7,200 RSVPs in each copy of
the data; only the rest of the network grows around it. Each copy is timed in its own process (the
schema is chosen per connection), rendering the page a liaison reads through Django's test client
with the production settings and no cache, so every request does the full work.

    BENCH_SCHEMA=bench_10k DJANGO_SETTINGS_MODULE=bench.settings python -m bench.reports --time
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

from . import environment
from .environment import ROOT, SCALE_SCHEMAS
from .seed import REPORT_CHAPTER_SLUG

REPEAT = 7


def report_path(chapter):
    """Return the URL of the chapter's report over its whole history, as a liaison opens it."""
    from django.urls import reverse

    return reverse("reports:chapter", kwargs={"slug": chapter.slug})


def time_report(repeat=REPEAT):
    """Time the report page in this process (its schema); return the measurement."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from chapters.models import Chapter
    from meetings.models import RSVP
    from members.models import Member

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    setup_test_environment()
    chapter = Chapter.objects.get(slug=REPORT_CHAPTER_SLUG)
    path = report_path(chapter)
    client = Client()
    client.force_login(Member.objects.get(email="liaison@example.org"))
    response = client.get(path)
    if response.status_code != 200:
        return {"skipped": f"HTTP {response.status_code} on GET {path}"}
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(path)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM meetings_rsvp")
        total = cursor.fetchone()[0]
    return {
        "rsvps": total,
        "chapter_rsvps": RSVP.objects.filter(meeting__chapter=chapter).count(),
        "path": path,
        "ms": round(statistics.median(timings), 1),
        "min_ms": round(min(timings), 1),
        "repeat": repeat,
    }


def run():
    """Time the report in each copy of the data, smallest first."""
    rows = []
    for scale in ("10k", "100k", "full"):
        schema = SCALE_SCHEMAS[scale]
        env = environment.subprocess_env(**({"BENCH_SCHEMA": schema} if schema != "public" else {}))
        completed = subprocess.run(
            [environment.PYTHON, "-m", "bench.reports", "--time"],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
        )  # fmt: skip
        if completed.returncode != 0:
            rows.append({"scale": scale, "skipped": completed.stderr.strip().splitlines()[-1]})
            continue
        row = {"scale": scale, **json.loads(completed.stdout.strip().splitlines()[-1])}
        rows.append(row)
        print(
            f"report with {row.get('rsvps', '?')} RSVPs: {row.get('ms', row.get('skipped'))} ms", flush=True
        )
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--time", action="store_true", help="time the report in this schema")
    parser.add_argument("--repeat", type=int, default=REPEAT)
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()
    if args.time:
        print(json.dumps(time_report(args.repeat)))
    else:
        print(json.dumps(run(), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
