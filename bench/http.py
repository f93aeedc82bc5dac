"""HTTP benchmarks: gunicorn as production runs it, wrk against each page, the ceiling view first.

Every target is probed once before the load; a page that answers with an error (or is not built
yet) is recorded as skipped with the status, never measured as if it worked.
"""

import contextlib
import dataclasses
import json
import os
import secrets
import string
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from . import environment
from .environment import ROOT
from .reports import report_path
from .seed import REPORT_CHAPTER_SLUG

LUA = Path(__file__).resolve().parent / "wrk" / "report.lua"
PROFILE_DIR = ROOT / "var" / "bench" / "profiles"
WARMUP_SECONDS = 2
# A slow answer is still an answer: it shows in p99. Only no answer in 10 s counts as an error.
WRK_TIMEOUT_SECONDS = 10
# Members who belong to no chapter that meets (the forming one) RSVP during the POST benchmark, so
# their RSVPs can be removed afterwards and the seeded data stays as it was.
RSVP_MEMBERS = 200


@dataclasses.dataclass
class Target:
    name: str
    kind: str  # anonymous, logged_in, post or ceiling
    lines: list  # (method, path, cookie, csrf, body)
    cleanup: object = None
    # Return a reason if the requests did not do what they should (a redirect can hide a refusal).
    verify: object = None

    @property
    def first_path(self):
        return self.lines[0][1]


@contextlib.contextmanager
def gunicorn(port):
    log = tempfile.NamedTemporaryFile("w+", prefix="bench-gunicorn-", suffix=".log", delete=False)  # noqa: SIM115
    process = subprocess.Popen(
        [
            str(Path(environment.PYTHON).with_name("gunicorn")),
            "bench.wsgi:application",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "--timeout",
            "60",
        ],  # fmt: skip
        cwd=ROOT,
        env=environment.subprocess_env(SITE_URL=f"http://127.0.0.1:{port}"),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        environment.wait_for_port(port)
        yield process
    finally:
        environment.stop(process)
        log.close()
        os.unlink(log.name)


def csrf_token():
    return "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(32))


def session_cookie(member, token):
    """Return a Cookie header for a logged-in session of `member` (created as a login would)."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(member.pk)
    # The backend an email login through allauth records (the first in the list only answers
    # permissions and cannot load a user).
    store[BACKEND_SESSION_KEY] = "allauth.account.auth_backends.AuthenticationBackend"
    store[HASH_SESSION_KEY] = member.get_session_auth_hash()
    store.create()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}; {settings.CSRF_COOKIE_NAME}={token}"


def build_targets():
    """Return the targets in the order they run, with concrete URLs from the seeded data."""
    from django.db.models import Count
    from django.urls import NoReverseMatch
    from django.utils import timezone

    from chapters.models import Chapter
    from meetings.models import RSVP, Meeting, Topic
    from members.models import Member

    chapter = Chapter.objects.get(slug="it-pro-toronto")
    upcoming = list(
        Meeting.objects.filter(chapter=chapter, starts_at__gt=timezone.now(), status="scheduled").order_by(
            "starts_at"
        )[:6]
    )
    meeting = upcoming[0]
    topic = Topic.objects.get(slug="powershell")
    # /me/ for a member with several chapters and a long RSVP history.
    regular = (
        Member.objects.filter(is_staff=False, memberships__chapter=chapter)
        .annotate(rsvp_count=Count("rsvps"))
        .order_by("-rsvp_count", "pk")
        .first()
    )
    liaison = Member.objects.get(email="liaison@example.org")
    report_chapter = Chapter.objects.get(slug=REPORT_CHAPTER_SLUG)

    def get(name, kind, path, cookie=""):
        return Target(name, kind, [("GET", path, cookie, "", "")])

    token = csrf_token()
    targets = [
        get("ceiling", "ceiling", "/bench/ceiling/"),
        get("home", "anonymous", "/"),
        get("chapter", "anonymous", f"/chapters/{chapter.slug}/"),
        get("meeting", "anonymous", f"/chapters/{chapter.slug}/meetings/{meeting.pk}/"),
        get("topic", "anonymous", f"/topics/{topic.slug}/"),
        get("chapter_ical", "anonymous", f"/chapters/{chapter.slug}/calendar.ics"),
        get("me", "logged_in", "/me/", session_cookie(regular, token)),
    ]

    forming = Chapter.objects.get(status="forming")
    posters = Member.objects.filter(memberships__chapter=forming, is_staff=False).order_by("pk")
    posters = list(posters[:RSVP_MEMBERS])
    lines = []
    for index, member in enumerate(posters):
        cookie = session_cookie(member, token)
        # Going, then not going, to the same meeting: every POST changes the RSVP (and sends an email),
        # round after round, instead of repeating an answer already given.
        path = f"/chapters/{chapter.slug}/meetings/{upcoming[index % len(upcoming)].pk}/rsvp/"
        for status in ("going", "not_going"):
            lines.append(("POST", path, cookie, token, f"csrfmiddlewaretoken={token}&answer={status}"))
    poster_ids = [member.pk for member in posters]
    meeting_ids = [m.pk for m in upcoming]

    def remove_benchmark_rsvps():
        RSVP.objects.filter(member_id__in=poster_ids, meeting_id__in=meeting_ids).delete()

    def rsvps_were_written():
        written = RSVP.objects.filter(member_id__in=poster_ids, meeting_id__in=meeting_ids).count()
        return None if written else "the POSTs answered but wrote no RSVP"

    targets.append(
        Target("rsvp_post", "post", lines, cleanup=remove_benchmark_rsvps, verify=rsvps_were_written)
    )
    try:
        liaison_path = report_path(report_chapter)
    except NoReverseMatch:
        liaison_path = f"/reports/chapters/{report_chapter.slug}/"  # probed, and skipped if missing
    targets.append(
        get(
            "liaison_report",
            "logged_in",
            liaison_path,
            session_cookie(liaison, token),
        )
    )
    return targets


def probe(port, target):
    """Send the target's first request once; return None if it answers 2xx/3xx, else the reason."""
    method, path, cookie, token, body = target.lines[0]
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        method=method,
        data=body.encode() if body else None,
        headers={
            **({"Cookie": cookie} if cookie else {}),
            **({"X-CSRFToken": token} if token else {}),
            **({"Content-Type": "application/x-www-form-urlencoded"} if body else {}),
        },
    )

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=30) as response:
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    except OSError as error:
        return f"no answer: {error}"
    return None if 200 <= status < 400 else f"HTTP {status} on {method} {path}"


def wrk(port, target, *, duration, connections, threads):
    with tempfile.NamedTemporaryFile("w", prefix="bench-plan-", suffix=".tsv", delete=False) as plan:
        for line in target.lines:
            plan.write("\t".join(line) + "\n")
    try:
        completed = subprocess.run(
            ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s",
             "--timeout", f"{WRK_TIMEOUT_SECONDS}s", "--latency", "-s", str(LUA),
             f"http://127.0.0.1:{port}{target.first_path}"],
            env={**os.environ, "BENCH_PLAN": plan.name},
            capture_output=True, text=True, check=True, timeout=duration + 60,
        )  # fmt: skip
    finally:
        os.unlink(plan.name)
    return json.loads(completed.stdout.strip().splitlines()[-1])


def worker_cpu_seconds(server):
    """Return the user + system CPU seconds the gunicorn workers have used so far."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in environment.child_pids(server.pid):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / ticks


def wait_until_idle(server, *, timeout=60):
    """Wait for the workers to finish what the warm-up left queued.

    wrk closes its connections when it stops, but sync workers still answer every request already
    accepted; on a slow page that backlog would eat into the measured run.
    """
    deadline = time.monotonic() + timeout
    before = worker_cpu_seconds(server)
    while time.monotonic() < deadline:
        time.sleep(0.5)
        now = worker_cpu_seconds(server)
        if now - before < 0.05:
            return
        before = now


PROFILE_SUFFIX = {"flamegraph": "svg", "raw": "txt", "speedscope": "json"}


def start_profilers(server, name, duration, profile_format="flamegraph"):
    """Sample every gunicorn worker with py-spy during the measured load; write one profile each."""
    py_spy = Path(environment.PYTHON).with_name("py-spy")
    PROFILE_DIR.mkdir(parents=True, exist_ok=True)
    return [
        subprocess.Popen(
            [
                str(py_spy),
                "record",
                "--pid",
                str(pid),
                "--duration",
                str(duration),
                "--rate",
                "200",
                "--nonblocking",
                "--format",
                profile_format,
                "--output",
                str(PROFILE_DIR / f"{name}-{pid}.{PROFILE_SUFFIX[profile_format]}"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        for pid in environment.child_pids(server.pid)
    ]


def run(
    *, duration, connections, threads, only=frozenset(), profile=frozenset(), profile_format="flamegraph"
):
    """Measure every target; return (http results, gunicorn worker peak memory)."""
    port = environment.free_port()
    targets = [t for t in build_targets() if not only or t.name in only or t.name == "ceiling"]
    results = []
    with gunicorn(port) as server:
        ceiling_rps = ceiling_cpu_ms = None
        for target in targets:
            reason = probe(port, target) or (target.verify() if target.verify else None)
            if reason:
                results.append({"name": target.name, "kind": target.kind, "skipped": reason})
                print(f"{target.name:15} skipped: {reason}", flush=True)
                continue
            # Warm the workers, connections and caches as a site in production would be.
            wrk(port, target, duration=WARMUP_SECONDS, connections=connections, threads=threads)
            wait_until_idle(server)
            load = os.getloadavg()[0]
            profilers = []
            if target.name in profile:
                profilers = start_profilers(server, target.name, duration, profile_format)
            cpu_before = worker_cpu_seconds(server)
            measured = wrk(port, target, duration=duration, connections=connections, threads=threads)
            cpu_after = worker_cpu_seconds(server)
            # Requests still queued when wrk stopped are answered now: let them finish before the
            # database is checked and cleaned (their CPU is not counted against the run).
            wait_until_idle(server)
            for profiler in profilers:
                profiler.wait(timeout=60)
            failed = target.verify() if target.verify else None
            if target.cleanup:
                target.cleanup()
            # CPU the workers spent per request: unlike requests/s, barely moved by other load.
            cpu_ms = (cpu_after - cpu_before) * 1000 / max(measured["requests"], 1)
            if target.name == "ceiling":
                ceiling_rps, ceiling_cpu_ms = measured["rps"], cpu_ms
            entry = {
                "name": target.name,
                "kind": target.kind,
                "path": target.first_path,
                "rps": measured["rps"],
                "p50_ms": measured["p50_ms"],
                "p90_ms": measured["p90_ms"],
                "p99_ms": measured["p99_ms"],
                "max_ms": measured["max_ms"],
                "requests": measured["requests"],
                "errors": measured["errors"] + (1 if failed else 0),
                **({"failure": failed} if failed else {}),
                "ratio_to_ceiling": round(measured["rps"] / ceiling_rps, 3) if ceiling_rps else None,
                "worker_cpu_ms": round(cpu_ms, 3),
                "cpu_ratio_to_ceiling": round(ceiling_cpu_ms / cpu_ms, 3) if ceiling_rps and cpu_ms else None,
                "load_1m_before": round(load, 2),
            }
            results.append(entry)
            print(
                f"{target.name:15} {entry['rps']:8.1f} rps  p50 {entry['p50_ms']:6.1f} ms  "
                f"p99 {entry['p99_ms']:6.1f} ms  errors {entry['errors']}  ratio {entry['ratio_to_ceiling']}",
                flush=True,
            )
            time.sleep(1)
        workers = environment.child_pids(server.pid)
        peaks = [environment.peak_rss_mb(pid) for pid in workers]
    memory = {"gunicorn_worker": max((p for p in peaks if p is not None), default=None)}
    return results, memory
