"""Newsletter fan-out: a real Celery worker on Redis sending into aiosmtpd, against plain smtplib.

The newsletter goes to the seeded chapter with 10,000 consenting subscribers, through the app's own
service (`newsletter_send_now`) and a Celery worker started here with the production queues. The
SMTP server, in its own process, keeps every message it receives; the ceiling is the same messages
pushed again by plain smtplib over one connection to the same server.
"""

import json
import pickle
import signal
import smtplib
import subprocess
import tempfile
import threading
import time
from pathlib import Path

from . import environment
from .environment import ROOT
from .seed import FANOUT_CHAPTER_SLUG

WORKER_CONCURRENCY = 2
# `make bench` must finish in 15 minutes: a fan-out still running after this is measured on what
# arrived by then (and the record says it did not complete).
MAX_SECONDS = 180


def read_state(path):
    try:
        return json.loads(Path(path).read_text())
    except (OSError, ValueError):
        return {"count": 0, "first": None, "last": None}


def wait_for_count(path, count, *, timeout, stalled_after=60):
    """Wait until the sink has `count` messages; give up early if nothing arrives for a while."""
    deadline = time.monotonic() + timeout
    seen, seen_at = -1, time.monotonic()
    while time.monotonic() < deadline:
        state = read_state(path)
        if state["count"] >= count:
            return state
        if state["count"] != seen:
            seen, seen_at = state["count"], time.monotonic()
        elif time.monotonic() - seen_at > stalled_after:
            break
        time.sleep(0.05)
    return read_state(path)


def start_worker(smtp_port, log):
    celery = str(Path(environment.PYTHON).with_name("celery"))
    env = environment.subprocess_env(EMAIL_URL=f"smtp://127.0.0.1:{smtp_port}")
    subprocess.run(
        [celery, "-A", "itprosig", "purge", "-f", "-Q", "default,mail,bulk"],
        cwd=ROOT, env=env, check=True, capture_output=True,
    )  # fmt: skip
    process = subprocess.Popen(
        [celery, "-A", "itprosig", "worker", "-Q", "default,mail,bulk", "--concurrency",
         str(WORKER_CONCURRENCY), "--loglevel", "INFO", "--without-gossip", "--without-mingle"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if " ready." in Path(log.name).read_text():
            return process
        if process.poll() is not None:
            break
        time.sleep(0.2)
    environment.stop(process)
    raise RuntimeError("the Celery worker did not start:\n" + Path(log.name).read_text()[-2000:])


def worker_peak_mb(process):
    pids = [process.pid, *environment.child_pids(process.pid)]
    peaks = [environment.peak_rss_mb(pid) for pid in pids]
    return max((peak for peak in peaks if peak is not None), default=None)


def push_with_smtplib(port, messages):
    """Send the messages over one plain smtplib connection; return the seconds it took."""
    started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as client:
        for mail_from, rcpt_tos, data in messages:
            client.sendmail(mail_from, rcpt_tos, data)
    return time.perf_counter() - started


def push_in_parallel(port, messages, connections):
    """Send the messages over `connections` smtplib connections at once, one thread each.

    The app's fan-out sends over one connection per prefork process, so this is the like-for-like
    ceiling beside the one-connection one. Return the seconds it took.
    """
    lanes = [messages[i::connections] for i in range(connections)]
    errors = []

    def push(lane):
        try:
            with smtplib.SMTP("127.0.0.1", port) as client:
                for mail_from, rcpt_tos, data in lane:
                    client.sendmail(mail_from, rcpt_tos, data)
        except Exception as exc:  # reported after every thread has stopped
            errors.append(exc)

    threads = [threading.Thread(target=push, args=(lane,)) for lane in lanes]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return time.perf_counter() - started


def run(*, recipients, max_seconds=MAX_SECONDS):
    """Return (fan-out record, Celery worker peak MB)."""
    try:
        from members.newsletters.models import Newsletter
        from members.newsletters.sending import newsletter_send_now, subscribers
    except ImportError:
        return {"skipped": "newsletter sending is not built yet"}, None
    from chapters.models import Chapter

    chapter = Chapter.objects.get(slug=FANOUT_CHAPTER_SLUG)
    expected = subscribers(chapter).count()
    if expected < recipients:
        return {"skipped": f"{chapter.name} has {expected} subscribers, fewer than {recipients}"}, None
    port = environment.free_port()
    workdir = Path(tempfile.mkdtemp(prefix="bench-fanout-"))
    state = workdir / "sink.json"
    sink = subprocess.Popen(
        [environment.PYTHON, "-m", "bench.smtp_sink", "--port", str(port), "--state", str(state), "--keep"],
        cwd=ROOT, env=environment.subprocess_env(),
    )  # fmt: skip
    log = (workdir / "worker.log").open("w+")
    worker = None
    newsletter = None
    try:
        environment.wait_for_port(port)
        worker = start_worker(port, log)
        newsletter = Newsletter.objects.create(
            chapter=chapter,
            subject="What is on this season",
            body="## Upcoming\n\n- **PowerShell Snacks**: fifteen minutes each\n- Virtualization night\n\n"
            "Thank you to our volunteers at the door, and see you at the next meeting.",
        )
        started = time.time()
        newsletter_send_now(newsletter=newsletter)
        reached = wait_for_count(state, expected, timeout=max_seconds)
        peak = worker_peak_mb(worker)
        environment.stop(worker)
        worker = None
        delivered = reached["count"]
        if not delivered:
            return {"skipped": "no message arrived"}, peak
        fanout_seconds = reached["last"] - started

        sink.send_signal(signal.SIGUSR1)
        messages_file = Path(f"{state}.messages")
        deadline = time.monotonic() + 60
        while not messages_file.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        messages = pickle.loads(messages_file.read_bytes())  # noqa: S301 (written by our own sink)
        ceiling_seconds = push_with_smtplib(port, messages)
        replayed = wait_for_count(state, len(messages), timeout=60)
        if replayed["count"] != len(messages):
            return {"skipped": f"the smtplib ceiling delivered {replayed['count']} of {len(messages)}"}, peak
        connections = WORKER_CONCURRENCY  # one SMTP connection per batch, one batch per process
        parallel_seconds = push_in_parallel(port, messages, connections)
        replayed = wait_for_count(state, 2 * len(messages), timeout=60)
        if replayed["count"] != 2 * len(messages):
            parallel = replayed["count"] - len(messages)
            return {"skipped": f"the parallel smtplib ceiling delivered {parallel} of {len(messages)}"}, peak
        size = sum(len(data) for _, _, data in messages) / len(messages)
        record = {
            "recipients": expected,
            "delivered": delivered,
            "completed": delivered >= expected,
            "seconds": round(fanout_seconds, 2),
            "msgs_per_s": round(delivered / fanout_seconds, 1),
            "ceiling_msgs_per_s": round(len(messages) / ceiling_seconds, 1),
            "ratio": round((delivered / fanout_seconds) / (len(messages) / ceiling_seconds), 3),
            "mean_message_bytes": round(size),
            "worker": f"celery prefork, concurrency {WORKER_CONCURRENCY}, queues default,mail,bulk",
            "connections": connections,
            "parallel_ceiling_msgs_per_s": round(len(messages) / parallel_seconds, 1),
            "ratio_to_parallel": round((delivered / fanout_seconds) / (len(messages) / parallel_seconds), 3),
        }
        print(
            f"fan-out {record['msgs_per_s']} msg/s, smtplib ceiling {record['ceiling_msgs_per_s']} msg/s, "
            f"ratio {record['ratio']}; smtplib over {connections} connections "
            f"{record['parallel_ceiling_msgs_per_s']} msg/s, ratio {record['ratio_to_parallel']}",
            flush=True,
        )
        return record, peak
    finally:
        if worker is not None:
            environment.stop(worker)
        environment.stop(sink)
        log.close()
        if newsletter is not None:
            newsletter.delete()
