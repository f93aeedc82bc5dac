"""The app served as `make run` serves it, for the embedded-mode lane.

A copy of the source tree in a temporary folder runs the steps of `make run` with its environment:
DEBUG=true and nothing else (no DATABASE_URL, CELERY_BROKER_URL, CACHE_URL or EMAIL_URL), so the app
uses SQLite, runs tasks eagerly and writes mail to files under var/. The copy gives it a var/ of its
own (database, mail, uploads) without any setting made for the test, and leaves a developer's var/
alone. The server runs without the autoreloader so that it is one process, stopped by its PID.
"""

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from .web import Mailbox

ROOT = Path(__file__).resolve().parents[2]
# Top-level entries `make run` does not need: tooling, caches, data of other runs, the tests.
NOT_COPIED = {".git", ".venv", "node_modules", "var", "bench", "tests", "test-results", ".ruff_cache"}
SETUP_TIMEOUT = 120
START_TIMEOUT = 60
DEMO_PASSWORD = "itpro-demo-2026"  # printed by seed_demo for every demo account


@dataclass
class EmbeddedApp:
    base_url: str
    root: Path
    mailbox: Mailbox
    log: Path


def _make_run_environment(**extra):
    """Return the environment `make run` gives the app on a fresh machine."""
    kept = {name: os.environ[name] for name in ("PATH", "HOME", "LANG", "TMPDIR") if name in os.environ}
    return {
        **kept,
        "DEBUG": "true",
        "DJANGO_SETTINGS_MODULE": "itprosig.settings",
        "PYTHONDONTWRITEBYTECODE": "1",
        **extra,
    }


def _copy_source(destination):
    def ignore(directory, names):
        if Path(directory) == ROOT:
            return [name for name in names if name in NOT_COPIED]
        return [name for name in names if name == "__pycache__"]

    shutil.copytree(ROOT, destination, ignore=ignore)


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _manage(root, env, log, *args, timeout=SETUP_TIMEOUT):
    with log.open("ab") as out:
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=root,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            timeout=timeout,
            check=False,
        )
    if done.returncode != 0:
        pytest.fail(f"manage.py {' '.join(args)} exited with {done.returncode}:\n{log.read_text()[-4000:]}")


def _wait_until_serving(server, base_url, log):
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"runserver exited with {server.returncode}:\n{log.read_text()[-4000:]}")
        with contextlib.suppress(httpx.TransportError):
            if httpx.get(base_url + "/", timeout=5).status_code == 200:
                return
        time.sleep(0.2)
    pytest.fail(f"runserver did not answer within {START_TIMEOUT} s:\n{log.read_text()[-4000:]}")


def _stop(server):
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)


@pytest.fixture(scope="module")
def embedded_app(tmp_path_factory):
    """Serve a fresh copy of the app as `make run` does; yield where it answers and writes its mail."""
    root = tmp_path_factory.mktemp("embedded") / "itprosig"
    _copy_source(root)
    env = _make_run_environment()
    log = root.parent / "server.log"
    # The steps of `make run`: mkdir var/mail, migrate, seed_demo, runserver.
    (root / "var" / "mail").mkdir(parents=True)
    _manage(root, env, log, "migrate", "--noinput")
    _manage(root, env, log, "seed_demo")
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    with log.open("ab") as out:
        server = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=root,
            # As `make run PORT=<port>` does, so that links in email point at this server.
            env=_make_run_environment(SITE_URL=base_url),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_serving(server, base_url, log)
        yield EmbeddedApp(base_url=base_url, root=root, mailbox=Mailbox(root / "var" / "mail"), log=log)
    finally:
        _stop(server)


@pytest.fixture
def app_log(embedded_app):
    """Attach the server's log to a failing test's report."""
    start = embedded_app.log.stat().st_size
    yield
    text = embedded_app.log.read_bytes()[start:].decode(errors="replace")
    if "Traceback" in text:
        print(f"--- server log during the test ---\n{text[-6000:]}")
