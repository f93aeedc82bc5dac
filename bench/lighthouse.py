"""Lighthouse on a phone: the home, a chapter and a meeting page as a first visit on a mobile device.

Lighthouse (the npm package pinned in bench/lighthouse/package.json, installed there by `make bench`)
drives Debian's Chromium in its default mobile emulation (a mid-range phone, simulated slow 4G and a
slowed CPU) against gunicorn serving the production settings and the seeded data, the same way the
HTTP step does. Each page is audited several times and the median score of each category kept:
performance moves with the load on the machine. The meeting page's total transfer (Lighthouse's
total-byte-weight: every byte of the first visit, as compressed on the wire) is recorded beside it,
and so is how the page's own static files were served (compression, cache lifetime).

    python -m bench.lighthouse                # audit once more against a running database, print JSON

Full reports land in var/bench/lighthouse/ (JSON and HTML, one per run) for a closer look.
"""

import json
import os
import re
import shutil
import statistics
import subprocess
import time
import urllib.request
from pathlib import Path

from . import environment
from .environment import ROOT

PACKAGE_DIR = Path(__file__).resolve().parent / "lighthouse"
LIGHTHOUSE = PACKAGE_DIR / "node_modules" / ".bin" / "lighthouse"
REPORT_DIR = ROOT / "var" / "bench" / "lighthouse"
CHROME_PATH = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
# Headless, no sandbox (the benchmark runs as root), and nothing that reaches out of the machine.
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-quic --no-first-run "
    "--disable-background-networking --disable-component-update --disable-sync"
)
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
# The HTTP step's targets whose pages are audited, by name.
PAGES = ("home", "chapter", "meeting")
TRANSFER_PAGE = "meeting"
RUNS = 3
RUN_TIMEOUT_SECONDS = 240
SCORE_TARGET = 95
TRANSFER_TARGET_BYTES = 150_000
# Static files are named by their content, so browsers may keep them for a year or more.
LONG_CACHE_SECONDS = 365 * 24 * 3600


def missing():
    """Return why Lighthouse cannot run here, or None."""
    if not LIGHTHOUSE.exists():
        folder = PACKAGE_DIR.relative_to(ROOT)
        return f"Lighthouse is not installed: npm ci --prefix {folder} (make bench does)"
    if not shutil.which(CHROME_PATH):
        return f"no Chromium at {CHROME_PATH}: apt-get install -y chromium (or set CHROME_PATH)"
    if not shutil.which("node"):
        return "no node on PATH"
    return None


def version():
    lock = json.loads((PACKAGE_DIR / "package-lock.json").read_text())
    return lock["packages"]["node_modules/lighthouse"]["version"]


def chromium_version():
    completed = subprocess.run([CHROME_PATH, "--version"], capture_output=True, text=True, check=False)
    found = re.search(r"\d+(\.\d+)+", completed.stdout)
    return found.group(0) if found else completed.stdout.strip()


# Lighthouse sometimes fails to record a page load's trace ("NO_NAVSTART", "Please run Lighthouse
# again"); such a run is tried again, up to this many times, rather than losing the page's scores.
RETRIES = 2


def audit(url, output_base):
    """Run Lighthouse once on `url`; return its report (a dict), JSON and HTML saved under output_base."""
    for _attempt in range(RETRIES):
        try:
            return _audit_once(url, output_base)
        except subprocess.CalledProcessError as error:
            if "run Lighthouse again" not in (error.stderr or ""):
                raise
    return _audit_once(url, output_base)


def _audit_once(url, output_base):
    output_base.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [str(LIGHTHOUSE), url, "--quiet", "--output=json", "--output=html",
         f"--output-path={output_base}", f"--only-categories={','.join(CATEGORIES)}",
         f"--chrome-flags={CHROME_FLAGS}", "--max-wait-for-load=60000"],
        env={**os.environ, "CHROME_PATH": CHROME_PATH},
        cwd=PACKAGE_DIR, capture_output=True, text=True, check=True, timeout=RUN_TIMEOUT_SECONDS,
    )  # fmt: skip
    return json.loads(Path(f"{output_base}.report.json").read_text())


def scores(report):
    return {
        category: round(report["categories"][category]["score"] * 100)
        if report["categories"][category]["score"] is not None
        else None
        for category in CATEGORIES
    }


def failing_audits(report):
    """Return {audit id: title} for the audits that cost a category points in this report."""
    failing = {}
    for category in CATEGORIES:
        for ref in report["categories"][category]["auditRefs"]:
            result = report["audits"][ref["id"]]
            if ref.get("weight") and result.get("score") is not None and result["score"] < 0.9:
                failing[ref["id"]] = result["title"]
    return failing


def static_headers(port, report):
    """Return how the page's own static files were served: encoding, cache lifetime and bytes."""
    served = []
    for item in report["audits"]["network-requests"]["details"]["items"]:
        origin, _, path = item["url"].partition(f"127.0.0.1:{port}")
        if origin != "http://" or not path.startswith("/static/"):
            continue
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}{path}", headers={"Accept-Encoding": "gzip, br"}
        )
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (an http address built above)
            body = response.read()
            cache = response.headers.get("Cache-Control", "")
            max_age = re.search(r"max-age=(\d+)", cache)
            served.append(
                {
                    "path": path,
                    "content_encoding": response.headers.get("Content-Encoding", "identity"),
                    "cache_control": cache,
                    "long_cache": bool(max_age and int(max_age.group(1)) >= LONG_CACHE_SECONDS),
                    "bytes_on_wire": len(body),
                    "transfer_bytes": item.get("transferSize"),
                    "resource_bytes": item.get("resourceSize"),
                }
            )
    return served


def audit_page(port, name, path, runs):
    # Warm the server as a site in production would be (its page cache, the workers' connections):
    # what is measured is the phone's first visit, not the server's first request.
    for _ in range(2):
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30) as response:
            response.read()
    load = os.getloadavg()[0]
    reports = []
    for run in range(1, runs + 1):
        reports.append(audit(f"http://127.0.0.1:{port}{path}", REPORT_DIR / f"{name}-{run}"))
    per_run = [scores(report) for report in reports]
    median = {
        category: statistics.median_low([s[category] for s in per_run if s[category] is not None] or [0])
        for category in CATEGORIES
    }
    transfers = [report["audits"]["total-byte-weight"]["numericValue"] for report in reports]
    failing = {}
    for report in reports:
        failing.update(failing_audits(report))
    entry = {
        "name": name,
        "path": path,
        "scores": median,
        "runs": per_run,
        "total_transfer_bytes": round(statistics.median(transfers)),
        "failing_audits": failing,
        "load_1m_before": round(load, 2),
    }
    if name == TRANSFER_PAGE:
        entry["static"] = static_headers(port, reports[-1])
    print(
        f"{name:15} "
        + "  ".join(f"{category} {median[category]}" for category in CATEGORIES)
        + f"  transfer {entry['total_transfer_bytes'] / 1000:.1f} kB",
        flush=True,
    )
    return entry


def run(*, runs=RUNS, targets=None):
    """Audit each page `runs` times against a gunicorn of the benchmark; return the results."""
    reason = missing()
    if reason:
        print(f"lighthouse      skipped: {reason}", flush=True)
        return {"skipped": reason}
    from . import http

    by_name = {target.name: target for target in (targets or http.build_targets())}
    started = time.monotonic()
    pages = []
    port = environment.free_port()
    with http.gunicorn(port):
        for name in PAGES:
            target = by_name.get(name)
            if target is None:
                pages.append({"name": name, "skipped": "no such HTTP target"})
                continue
            reason = http.probe(port, target)
            if reason:
                pages.append({"name": name, "path": target.first_path, "skipped": reason})
                continue
            try:
                pages.append(audit_page(port, name, target.first_path, runs))
            except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as error:
                output = (getattr(error, "stderr", "") or "")[-500:]
                pages.append(
                    {"name": name, "path": target.first_path, "skipped": f"lighthouse failed: {output}"}
                )
    return {
        "lighthouse": version(),
        "chromium": chromium_version(),
        "form_factor": "mobile (Lighthouse's default emulation and simulated throttling)",
        "runs_per_page": runs,
        "score_target": SCORE_TARGET,
        "transfer_target_bytes": TRANSFER_TARGET_BYTES,
        "transfer_page": TRANSFER_PAGE,
        "pages": pages,
        "seconds": round(time.monotonic() - started, 1),
    }


def main():
    import sys

    environment.setup_django()
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else RUNS
    print(json.dumps(run(runs=runs), indent=2))


if __name__ == "__main__":
    main()
