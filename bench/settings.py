"""Settings for benchmarking: production settings served over plain HTTP on the loopback interface.

Everything comes from itprosig.settings (DEBUG off, the same middleware and templates); only what a
loopback benchmark cannot have (TLS, a proxy) is switched off, and the services are pointed at the
benchmark's own database and Redis database numbers so nothing else is disturbed.
"""

import os

os.environ["DEBUG"] = "false"
os.environ["DATABASE_URL"] = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/itprosig_bench"
)
os.environ["CACHE_URL"] = os.environ.get("BENCH_CACHE_URL", "rediscache://127.0.0.1:6379/12")
os.environ["CELERY_BROKER_URL"] = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/13")
os.environ.setdefault("EMAIL_URL", "smtp://127.0.0.1:2525")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("SECURE_COOKIES", "false")
os.environ.setdefault("SECURE_HSTS_SECONDS", "0")
os.environ.setdefault("SITE_URL", "http://127.0.0.1:8800")
# Every benchmark client comes from 127.0.0.1; allauth's per-IP limits would turn load into 429s.
os.environ.setdefault("ACCOUNT_RATE_LIMITS_ENABLED", "false")

from itprosig.settings import *  # noqa: F403
from itprosig.settings import BASE_DIR, CACHES, DATABASES

ROOT_URLCONF = "bench.urls"
WSGI_APPLICATION = "bench.wsgi.application"
# Production keeps database connections open between requests; so does the benchmark.
DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("CONN_MAX_AGE", "60"))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Report scaling runs the same code against smaller copies of the data held in other schemas.
if os.environ.get("BENCH_SCHEMA"):
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = f"-c search_path={os.environ['BENCH_SCHEMA']}"
CACHES["default"].setdefault("KEY_PREFIX", "itprosig-bench")
STATIC_ROOT = BASE_DIR / "var" / "bench" / "static"
