"""Real services for the integration tests: Redis, Celery workers, an SMTP server, the app under gunicorn.

Each test starts its own instances on free ports and stops only those, so tests run side by side
(pytest-xdist) and the machine's shared PostgreSQL and Redis are never touched.
"""

import email
import email.parser
import email.policy
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from aiosmtpd.controller import Controller
from django.conf import settings
from django.db import connection

ROOT = Path(settings.BASE_DIR)


def database_url():
    """Return the address of the test's own database, for processes started beside the test."""
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(predicate, *, timeout, interval=0.05, message="condition"):
    """Poll `predicate` until it returns something true; fail the test after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {message}")


class RedisServer:
    """A redis-server of our own, in memory only, on a free port; can be stopped and restarted."""

    def __init__(self):
        self.port = free_port()
        self.process = None

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(self._answers, timeout=10, message="redis-server to accept connections")
        return self

    def _answers(self):
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None


class Inbox:
    """An aiosmtpd handler that keeps every message it accepts.

    It answers 250 as soon as the bytes are stored and parses only when a test reads them, so the
    server is never what a sender waits on.
    """

    def __init__(self):
        self.raw = []
        self.parsed = {}
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.raw.append((list(envelope.rcpt_tos), envelope.content))
        return "250 OK"

    def __len__(self):
        with self.lock:
            return len(self.raw)

    def _parsed(self, index, content):
        if index not in self.parsed:
            self.parsed[index] = email.message_from_bytes(content, policy=email.policy.default)
        return self.parsed[index]

    @property
    def messages(self):
        """Return [(recipients, parsed message)] for everything received so far."""
        with self.lock:
            raw = list(self.raw)
        return [(rcpts, self._parsed(index, content)) for index, (rcpts, content) in enumerate(raw)]

    def headers(self):
        """Return [(recipients, headers)] for everything received, parsing headers only (fast)."""
        with self.lock:
            raw = list(self.raw)
        parser = email.parser.BytesHeaderParser()
        return [(rcpts, parser.parsebytes(content)) for rcpts, content in raw]

    def recipients(self):
        with self.lock:
            return [rcpt for rcpts, _ in self.raw for rcpt in rcpts]

    def to(self, address):
        """Return the parsed messages sent to `address` (parsing only those)."""
        with self.lock:
            raw = list(enumerate(self.raw))
        return [self._parsed(index, content) for index, (rcpts, content) in raw if address in rcpts]


class SMTPServer:
    """aiosmtpd on a free port; until start() the port refuses connections."""

    def __init__(self):
        self.port = free_port()
        self.inbox = Inbox()
        self.controller = None

    def start(self):
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


class _ProcessGroup:
    """A child process in its own session, logging to a file in its own folder, stopped with its
    whole process group (and nothing else)."""

    log_name = "process.log"
    # The signal that ends it at teardown, before SIGKILL if it takes too long.
    stop_signal = signal.SIGTERM

    def __init__(self, name):
        self.name = name
        self.process = None
        self.folder = tempfile.mkdtemp(prefix=f"itprosig-{name}-")
        self.log_path = Path(self.folder) / self.log_name

    def _spawn(self, command, env):
        self.log = open(self.log_path, "wb")  # noqa: SIM115
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True
        )

    def output(self):
        if not self.log_path.exists():
            return getattr(self, "final_output", "")
        return self.log_path.read_bytes().decode(errors="replace")[-4000:]

    def stop(self):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, self.stop_signal)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        if self.process:
            self.log.close()
        self.final_output = self.output()
        shutil.rmtree(self.folder, ignore_errors=True)


class Worker(_ProcessGroup):
    """A Celery worker process (and optionally beat) for the app, against our Redis and SMTP."""

    log_name = "worker.log"
    # A test is over when it stops its worker, so nothing in flight needs finishing; Celery's own
    # cold shutdown (SIGQUIT) still spends one to three seconds stopping beat and the pool.
    stop_signal = signal.SIGKILL

    def __init__(self, *, redis, smtp, queues, name, beat=False, concurrency=2, env=None):
        super().__init__(name)
        self.redis, self.smtp = redis, smtp
        self.queues, self.beat, self.concurrency = queues, beat, concurrency
        self.extra_env = env or {}

    def env(self):
        return {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "itprosig.settings",
            "DATABASE_URL": database_url(),
            "CELERY_BROKER_URL": self.redis.url,
            "EMAIL_URL": f"smtp://127.0.0.1:{self.smtp.port}",
            "SITE_URL": settings.SITE_URL,
            "SECRET_KEY": settings.SECRET_KEY,
            "DEBUG": "false",
            "EMAIL_TIMEOUT": "5",
            "MAIL_RETRY_BASE_SECONDS": "0.25",
            "MAIL_RETRY_MAX_SECONDS": "1",
            "MAIL_MAX_ATTEMPTS": "30",
            "MAIL_SWEEP_INTERVAL_SECONDS": "0.5",
            "MAIL_SWEEP_GRACE_SECONDS": "2",
            "MAIL_BATCH_LEASE_SECONDS": "10",
            "MAIL_BATCH_QUEUE_TIMEOUT_SECONDS": "60",
            "MAIL_MARK_SENT_EVERY": "10",
            "REMINDER_INTERVAL_SECONDS": "3600",
            "PYTHONUNBUFFERED": "1",
            **self.extra_env,
        }

    def start(self):
        command = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "itprosig",
            "worker",
            "-Q",
            ",".join(self.queues),
            "-n",
            f"{self.name}@%h",
            "-c",
            str(self.concurrency),
            "-P",
            "threads",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel",
            "INFO",
        ]
        if self.beat:
            command += ["-B"]
        self._spawn(command, self.env())
        wait_for(self._ready, timeout=30, interval=0.2, message=f"worker {self.name} to start")
        return self

    def _ready(self):
        if self.process.poll() is not None:
            raise AssertionError(f"worker {self.name} exited:\n{self.output()}")
        return b"ready." in self.log_path.read_bytes()

    def kill(self):
        """SIGKILL the worker's whole process group: no shutdown, no acknowledgements."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)


class WebServer(_ProcessGroup):
    """The app under gunicorn with one sync worker, with production settings, on a free loopback port.

    DEBUG is off and the settings module is production's; only what plain HTTP on 127.0.0.1 cannot
    have is switched off (the TLS redirect, secure-only cookies, HSTS), static files are linked
    without a collected manifest, and tasks run in the request (no broker) with email written to the
    log. It serves the test's own database, so the test's data must be committed
    (`django_db(transaction=True)`).
    """

    log_name = "gunicorn.log"

    def __init__(self, *, name, cache_url, env=None):
        super().__init__(name)
        self.cache_url = cache_url
        self.port = free_port()
        self.extra_env = env or {}

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def env(self):
        return {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "itprosig.settings",
            "DATABASE_URL": database_url(),
            "CACHE_URL": self.cache_url,
            "CELERY_BROKER_URL": "",
            "EMAIL_URL": "consolemail://",
            "SECRET_KEY": settings.SECRET_KEY,
            "DEBUG": "false",
            "ALLOWED_HOSTS": "127.0.0.1",
            "SITE_URL": self.url,
            "SECURE_SSL_REDIRECT": "false",
            "SECURE_COOKIES": "false",
            "SECURE_HSTS_SECONDS": "0",
            "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
            "PYTHONUNBUFFERED": "1",
            **self.extra_env,
        }

    def start(self):
        """Start gunicorn; the app is loaded before it listens (--preload). Call wait_until_ready()."""
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "itprosig.wsgi:application",
            "--preload",
            "--workers",
            "1",
            "--worker-class",
            "sync",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--timeout",
            "30",
            "--log-level",
            "warning",
        ]
        self._spawn(command, self.env())
        return self

    def wait_until_ready(self):
        wait_for(self._listening, timeout=60, interval=0.1, message=f"gunicorn {self.name} to listen")
        return self

    def _listening(self):
        if self.process.poll() is not None:
            raise AssertionError(f"gunicorn {self.name} exited:\n{self.output()}")
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                return True
        except OSError:
            return False


class BrokerForTests:
    """Point this process's Celery app at a real broker (the suite otherwise runs tasks eagerly)."""

    def __init__(self, url):
        from itprosig.celery import app

        self.app, self.url = app, url

    def _reset_pools(self):
        if self.app._pool is not None:
            self.app._pool.force_close_all()
        self.app._pool = None
        self.app.amqp._producer_pool = None

    def __enter__(self):
        conf = self.app.conf
        self.saved = conf.broker_url, conf.task_always_eager
        conf.broker_url, conf.task_always_eager = self.url, False
        self._reset_pools()
        return self

    def __exit__(self, *exc):
        self._reset_pools()
        self.app.conf.broker_url, self.app.conf.task_always_eager = self.saved
