"""Deployment checks: production refuses a half configuration.

The embedded defaults (SQLite, a cache in each process's memory, tasks run inside the request,
email written to files) make `make run` work with nothing installed. In production, with DEBUG off,
each of them is a fault that shows only under load or across workers, so `check --deploy` reports
each one as an error. Email left in files is reported by Django's own check (mail.E001).
"""

from django.conf import settings
from django.core.checks import Error, Tags, register

# Cache backends whose entries live in one process: every gunicorn worker keeps its own.
PROCESS_LOCAL_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}


@register(Tags.security, deploy=True)
def check_production_services(app_configs=None, **kwargs):
    """Report each service production would leave on its embedded default."""
    if settings.DEBUG:
        return []
    errors = []
    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        errors.append(
            Error(
                "DATABASE_URL is not set: production would run on the embedded SQLite file.",
                hint="Set DATABASE_URL to the PostgreSQL database, e.g. postgres://user:pass@host:5432/itprosig.",
                id="itprosig.E001",
            )
        )
    pages_cached = settings.PAGE_CACHE_SECONDS > 0 or settings.MEMBER_PAGE_CACHE_SECONDS > 0
    if settings.CACHES["default"]["BACKEND"] in PROCESS_LOCAL_CACHES and (
        pages_cached or settings.ACCOUNT_RATE_LIMITS_ENABLED
    ):
        errors.append(
            Error(
                "The cache is local to each process while pages are cached and logins rate-limited: "
                "a change seen by one gunicorn worker never retires another worker's copy of a page, "
                "and each worker counts failed logins on its own.",
                hint="Set CACHE_URL to a cache every process shares, e.g. redis://host:6379/1.",
                id="itprosig.E002",
            )
        )
    if not settings.CELERY_BROKER_URL or settings.CELERY_TASK_ALWAYS_EAGER:
        errors.append(
            Error(
                "CELERY_BROKER_URL is not set: tasks (email, newsletters) would run inside web "
                "requests, so a slow mail server makes pages slow and a newsletter ties up a worker.",
                hint="Set CELERY_BROKER_URL, e.g. redis://host:6379/0, and run the worker processes "
                "listed in the Procfile.",
                id="itprosig.E003",
            )
        )
    return errors
