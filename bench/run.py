"""Run the itprosig benchmarks and write bench/results/<date>.json and the table in BENCHMARKS.md.

    make bench                      # everything, reusing a seeded database
    python -m bench.run --reseed    # seed the data again first
    python -m bench.run --only ceiling,home --duration 5

Each step is in its own module: seeding (bench.seed), HTTP under wrk (bench.http), newsletter
fan-out (bench.fanout), report scaling (bench.reports), Lighthouse on a phone (bench.lighthouse); this
one runs them in order and records.
"""

import argparse
import datetime
import json
import os
import sys
import time

from . import environment, results


def parse_args(argv):
    parser = argparse.ArgumentParser(description="itprosig benchmarks")
    parser.add_argument("--reseed", action="store_true", help="seed the data again even if present")
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per HTTP target")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--only", default="", help="comma-separated HTTP targets (default: all)")
    parser.add_argument("--profile", default="", help="comma-separated HTTP targets to sample with py-spy")
    parser.add_argument(
        "--profile-format",
        default="flamegraph",
        choices=["flamegraph", "raw", "speedscope"],
        help="py-spy output: flame graph (SVG), collapsed stacks (raw, for scripts) or speedscope JSON",
    )
    parser.add_argument(
        "--skip", default="", help="comma-separated steps to skip: http,lighthouse,fanout,reports"
    )
    parser.add_argument("--lighthouse-runs", type=int, default=3, help="Lighthouse runs per page (median)")
    parser.add_argument("--recipients", type=int, default=10_000, help="newsletter fan-out size")
    parser.add_argument("--fanout-seconds", type=int, default=180, help="longest wait for the fan-out")
    parser.add_argument("--output", default="", help="results file (default bench/results/<date>.json)")
    parser.add_argument("--no-markdown", action="store_true", help="do not rewrite BENCHMARKS.md")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    skip = set(filter(None, args.skip.split(",")))
    started = time.monotonic()
    environment.require_tools()
    environment.prepare_database(reseed=args.reseed)
    environment.collectstatic()
    environment.setup_django()

    record = {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "command": "make bench"
        if not argv and len(sys.argv) == 1
        else "python -m bench.run " + " ".join(argv if argv is not None else sys.argv[1:]),
        "machine": environment.machine(),
        "data": environment.data_counts(),
        "settings": {
            "wrk": f"-t{args.threads} -c{args.connections} -d{args.duration}s",
            "gunicorn": "2 sync workers, DEBUG off, Redis cache, persistent database connections",
        },
    }
    if "http" not in skip:
        from . import http

        only = set(filter(None, args.only.split(",")))
        record["http"], record["memory_mb"] = http.run(
            duration=args.duration,
            connections=args.connections,
            threads=args.threads,
            only=only,
            profile=set(filter(None, args.profile.split(","))),
            profile_format=args.profile_format,
        )
    else:
        record["memory_mb"] = {}
    if "lighthouse" not in skip:
        from . import lighthouse

        record["lighthouse"] = lighthouse.run(runs=args.lighthouse_runs)
    if "fanout" not in skip:
        from . import fanout

        record["fanout"], celery_peak = fanout.run(
            recipients=args.recipients, max_seconds=args.fanout_seconds
        )
        record["memory_mb"]["celery_worker"] = celery_peak
    if "reports" not in skip:
        from . import reports

        record["report_scaling"] = reports.run()
    record["load_after"] = os.getloadavg()
    record["seconds"] = round(time.monotonic() - started, 1)

    path = results.write(record, args.output or None)
    print(f"results: {path}", file=sys.stderr)
    if not args.no_markdown:
        results.update_markdown(record, path)
    print(json.dumps(results.summary(record), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
