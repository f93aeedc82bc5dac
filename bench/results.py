"""Write a run's record as bench/results/<date>.json and its summary table into BENCHMARKS.md."""

import datetime
import json
from pathlib import Path

from .environment import ROOT

RESULTS_DIR = Path(__file__).resolve().parent / "results"
MARKDOWN = ROOT / "BENCHMARKS.md"
START, END = "<!-- bench:latest:start -->", "<!-- bench:latest:end -->"
# The targets: anonymous pages, logged-in pages and POSTs, as a share of the ceiling.
RATIO_TARGETS = {"anonymous": 0.6, "logged_in": 0.25, "post": 0.25}
P99_TARGET_MS = 100
SUMMARY_KEYS = ("name", "rps", "p50_ms", "p99_ms", "errors", "ratio_to_ceiling", "skipped")


def write(record, path=None):
    RESULTS_DIR.mkdir(exist_ok=True)
    day = datetime.date.fromisoformat(record["date"][:10])
    path = Path(path) if path else RESULTS_DIR / f"{day.isoformat()}.json"
    path.write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n")
    return path


def verdict(entry):
    if "skipped" in entry:
        return "skipped"
    if not entry.get("requests"):
        return "miss: no request answered within the run"
    misses = []
    target = RATIO_TARGETS.get(entry["kind"])
    if target and (entry["ratio_to_ceiling"] or 0) < target:
        misses.append(f"ratio < {target}")
    if entry["p99_ms"] >= P99_TARGET_MS:
        misses.append(f"p99 ≥ {P99_TARGET_MS} ms")
    if entry["errors"]:
        misses.append("errors")
    return "miss: " + ", ".join(misses) if misses else "met"


def summary(record):
    return {
        "http": [{key: entry.get(key) for key in SUMMARY_KEYS} for entry in record.get("http", [])],
        "fanout": record.get("fanout"),
        "report_scaling": record.get("report_scaling"),
        "memory_mb": record.get("memory_mb"),
        "lighthouse": [
            {key: page.get(key) for key in ("name", "scores", "total_transfer_bytes", "skipped")}
            for page in (record.get("lighthouse") or {}).get("pages", [])
        ],
    }


def _figure(entry, key):
    value = entry.get(key)
    return f"{value:.2f}" if entry.get("requests") and value is not None else "n/a"


LIGHTHOUSE_LABELS = {
    "performance": "performance",
    "accessibility": "accessibility",
    "best-practices": "best practices",
    "seo": "SEO",
}


def lighthouse_verdict(page, lighthouse):
    if "skipped" in page:
        return f"skipped: {page['skipped']}"
    misses = [
        f"{LIGHTHOUSE_LABELS[category]} < {lighthouse['score_target']}"
        for category, score in page["scores"].items()
        if score is None or score < lighthouse["score_target"]
    ]
    if page["name"] == lighthouse["transfer_page"] and (
        page["total_transfer_bytes"] >= lighthouse["transfer_target_bytes"]
    ):
        misses.append(f"transfer ≥ {lighthouse['transfer_target_bytes'] / 1000:.0f} kB")
    if not misses:
        return "met"
    failing = ", ".join(f"`{audit}`" for audit in page.get("failing_audits", {}))
    return "miss: " + ", ".join(misses) + (f" (failing audits: {failing})" if failing else "")


def lighthouse_lines(lighthouse):
    if "skipped" in lighthouse:
        return [f"Lighthouse: skipped: {lighthouse['skipped']}."]
    target, transfer_kb = lighthouse["score_target"], lighthouse["transfer_target_bytes"] / 1000
    lines = [
        f"Lighthouse {lighthouse['lighthouse']} on Chromium {lighthouse['chromium']}, "
        f"{lighthouse['form_factor']}, first visit; median of {lighthouse['runs_per_page']} runs per page. "
        f"Targets: every category at least {target}; the {lighthouse['transfer_page']} page's total "
        f"transfer under {transfer_kb:.0f} kB.",
        "",
        "| page | " + " | ".join(LIGHTHOUSE_LABELS.values()) + " | total transfer kB | target |",
        "|---|" + "---:|" * len(LIGHTHOUSE_LABELS) + "---:|---|",
    ]
    for page in lighthouse["pages"]:
        verdict = lighthouse_verdict(page, lighthouse)
        if "skipped" in page:
            lines.append(f"| {page['name']} |" + " |" * (len(LIGHTHOUSE_LABELS) + 1) + f" {verdict} |")
            continue
        scores = " | ".join(str(page["scores"].get(category, "n/a")) for category in LIGHTHOUSE_LABELS)
        lines.append(f"| {page['name']} | {scores} | {page['total_transfer_bytes'] / 1000:.1f} | {verdict} |")
    for page in lighthouse["pages"]:
        static = page.get("static")
        if not static:
            continue
        compressed = sum(1 for item in static if item["content_encoding"] in {"gzip", "br"})
        cached = sum(1 for item in static if item["long_cache"])
        lines.append("")
        lines.append(
            f"The {page['name']} page's {len(static)} static files: {compressed} served compressed, "
            f"{cached} with a cache lifetime of a year or more (`{static[0]['cache_control']}`), "
            f"{sum(item['bytes_on_wire'] for item in static) / 1000:.1f} kB on the wire for "
            f"{sum(item['resource_bytes'] or 0 for item in static) / 1000:.1f} kB of files."
        )
    return lines


def table(record):
    lines = [
        "| target | kind | req/s | p50 ms | p99 ms | errors | ratio to ceiling | worker CPU ms/req "
        "| CPU ratio | target |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for entry in record.get("http", []):
        if "skipped" in entry:
            lines.append(f"| {entry['name']} | {entry['kind']} | | | | | | | | skipped: {entry['skipped']} |")
            continue
        lines.append(
            f"| {entry['name']} | {entry['kind']} | {entry['rps']:.0f} | {entry['p50_ms']:.1f} | "
            f"{entry['p99_ms']:.1f} | {entry['errors']} | {entry['ratio_to_ceiling']:.2f} | "
            f"{_figure(entry, 'worker_cpu_ms')} | {_figure(entry, 'cpu_ratio_to_ceiling')} | "
            f"{verdict(entry)} |"
        )
    if record.get("lighthouse"):
        lines.append("")
        lines.extend(lighthouse_lines(record["lighthouse"]))
    fanout = record.get("fanout") or {}
    lines.append("")
    if "msgs_per_s" in fanout:
        met = "met" if fanout["ratio"] >= 0.5 else "miss: ratio < 0.5"
        if not fanout.get("completed", True):
            lines.append(
                f"The fan-out had delivered {fanout['delivered']:,} of {fanout['recipients']:,} messages "
                f"when the benchmark stopped waiting ({fanout['seconds']:.0f} s); the rate is over those."
            )
        like_for_like = ""
        if "parallel_ceiling_msgs_per_s" in fanout:
            like_for_like = (
                f" The worker sends over {fanout['connections']} connections at once; smtplib over as many "
                f"pushes {fanout['parallel_ceiling_msgs_per_s']:.0f} msg/s: "
                f"ratio {fanout['ratio_to_parallel']:.2f}."
            )
        lines.append(
            f"Newsletter fan-out to {fanout['recipients']:,} subscribers: {fanout['msgs_per_s']:.0f} msg/s "
            f"through Celery, against {fanout['ceiling_msgs_per_s']:.0f} msg/s from plain smtplib over one "
            f"connection: ratio {fanout['ratio']:.2f} ({met}).{like_for_like}"
        )
    elif fanout:
        lines.append(f"Newsletter fan-out: skipped: {fanout.get('skipped')}.")
    scaling = record.get("report_scaling") or []
    measured = [row for row in scaling if "ms" in row]
    if measured:
        lines.append("")
        lines.append("| RSVPs in the database | chapter report ms |")
        lines.append("|---:|---:|")
        lines.extend(f"| {row['rsvps']:,} | {row['ms']:.1f} |" for row in measured)
        if len(measured) >= 2:
            growth = measured[-1]["ms"] / measured[0]["ms"]
            lines.append("")
            lines.append(f"Growth from the smallest to the largest: {growth:.2f}× (target ≤ 2×).")
    elif scaling:
        lines.append(f"Report scaling: skipped: {scaling[0].get('skipped')}.")
    memory = record.get("memory_mb") or {}
    lines.append("")
    lines.append(
        "Peak memory (VmHWM): gunicorn worker {} MB, Celery worker {} MB.".format(
            memory.get("gunicorn_worker", "n/a"), memory.get("celery_worker", "n/a")
        )
    )
    return "\n".join(lines)


def update_markdown(record, path):
    machine = record["machine"]
    block = "\n".join(
        [
            START,
            f"Run of {record['date']} (`{path.relative_to(ROOT)}`), command `{record['command']}`, "
            f"on {machine['cores']} cores ({machine['cpu']}), {machine['memory_gb']} GB, "
            f"PostgreSQL {machine['postgresql']}, Python {machine['python']}; "
            f"load average before {machine['load_before'][0]:.2f}, after {record['load_after'][0]:.2f}.",
            "",
            table(record),
            END,
        ]
    )
    text = MARKDOWN.read_text() if MARKDOWN.exists() else f"# Benchmarks\n\n{START}\n{END}\n"
    head, _, rest = text.partition(START)
    _, _, tail = rest.partition(END)
    MARKDOWN.write_text(head + block + tail)


def main(argv=None):
    """Rewrite the BENCHMARKS.md section from a results file: python -m bench.results FILE."""
    import sys

    path = Path((argv or sys.argv[1:])[0]).resolve()
    update_markdown(json.loads(path.read_text()), path)


if __name__ == "__main__":
    main()
