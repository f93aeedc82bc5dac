"""Newsletter fan-out: a real Celery worker on Redis sending into aiosmtpd, against plain smtplib."""


def run(*, recipients):
    """Return (fan-out record, Celery worker peak MB)."""
    try:
        from members.models import Newsletter  # noqa: F401
    except ImportError:
        return {"skipped": "newsletters are not built yet"}, None
    return {"skipped": "newsletter sending is not wired into the benchmark yet"}, None
