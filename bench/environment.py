"""The benchmark's surroundings: its database and schemas, subprocess environment, machine facts."""

import os
import platform
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
# Report scaling reads the same chapter in smaller copies of the network, one schema each.
SCALE_SCHEMAS = {"10k": "bench_10k", "100k": "bench_100k", "full": "public"}


def database_url():
    return os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/itprosig_bench")


def subprocess_env(**extra):
    """Return the environment for a process of the app under benchmark settings."""
    env = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "CACHE_URL"}}
    env.update(DJANGO_SETTINGS_MODULE="bench.settings", PYTHONPATH=str(ROOT), PYTHONUNBUFFERED="1")
    env.update({key: str(value) for key, value in extra.items()})
    return env


def manage(*arguments, schema=None, quiet=True):
    env = subprocess_env(**({"BENCH_SCHEMA": schema} if schema else {}))
    subprocess.run(
        [PYTHON, "manage.py", *arguments, *(["-v0"] if quiet else [])], cwd=ROOT, env=env, check=True
    )


def require_tools():
    missing = [tool for tool in ("wrk",) if shutil.which(tool) is None]
    if missing:
        sys.exit(f"missing {', '.join(missing)}: apt-get install -y {' '.join(missing)}")


def _psql(sql, database="postgres"):
    url = database_url().rsplit("/", 1)[0] + "/" + database
    return subprocess.run(
        ["psql", url, "-v", "ON_ERROR_STOP=1", "-qtAc", sql], check=True, capture_output=True, text=True
    ).stdout.strip()


def prepare_database(*, reseed=False):
    """Create the database and schemas, migrate them, and seed what is missing (or all, on reseed)."""
    name = database_url().rsplit("/", 1)[1]
    if not _psql(f"SELECT 1 FROM pg_database WHERE datname = '{name}'"):
        _psql(f'CREATE DATABASE "{name}"')
    for scale, schema in SCALE_SCHEMAS.items():
        _psql(f"CREATE SCHEMA IF NOT EXISTS {schema}", database=name)
        schema_arg = None if schema == "public" else schema
        manage("migrate", "--noinput", schema=schema_arg)
        seed = [PYTHON, "-m", "bench.seed", "--scale", scale, *(["--force"] if reseed else [])]
        env = subprocess_env(**({"BENCH_SCHEMA": schema_arg} if schema_arg else {}))
        subprocess.run(seed, cwd=ROOT, env=env, check=True)


def collectstatic():
    manage("collectstatic", "--noinput")


def setup_django():
    os.environ.update(subprocess_env())
    os.environ.pop("BENCH_SCHEMA", None)
    import django

    django.setup()


def data_counts():
    from .seed import seeded_counts

    counts = seeded_counts() or {}
    return {
        key.split(".")[-1].lower(): value
        for key, value in counts.items()
        if key.split(".")[-1] in {"Chapter", "Meeting", "Member", "RSVP", "Membership"}
    }


def machine():
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        memory_kb = int(Path("/proc/meminfo").read_text().split()[1])
    except OSError:
        memory_kb = 0
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": round(memory_kb / 1024 / 1024, 1),
        "os": platform.platform(),
        "python": platform.python_version(),
        "postgresql": _psql("SHOW server_version"),
        "load_before": os.getloadavg(),
    }


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port, *, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise TimeoutError(f"nothing listening on 127.0.0.1:{port} after {timeout} s")


def peak_rss_mb(pid):
    """Return a process's peak resident memory (VmHWM) in MB, or None if it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


def child_pids(pid):
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(child) for child in text.split()]


def stop(process, *, timeout=10):
    """Stop a process we started: TERM, then KILL if it does not go."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
