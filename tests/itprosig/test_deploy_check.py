"""The production configuration passes Django's deployment checks with nothing to report.

A half configuration (any service left on its embedded default) is reported as an error.
"""

import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings

PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "itprosig.settings",
    "DEBUG": "false",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "itprosig.example.org",
    "EMAIL_URL": "smtp+tls://itprosig:secret@smtp.example.org:587",
    "DATABASE_URL": "postgres://itprosig:secret@db.example.org:5432/itprosig",
    "CACHE_URL": "redis://redis.example.org:6379/1",
    "CELERY_BROKER_URL": "redis://redis.example.org:6379/0",
}


# Test-only switches that production never sets, and the variables each test sets itself.
_NOT_IN_PRODUCTION = {
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "PAGE_CACHE_SECONDS",
    "MEMBER_PAGE_CACHE_SECONDS",
    "ACCOUNT_RATE_LIMITS_ENABLED",
    *PRODUCTION,
}


def _check(*, without=(), fail_level="WARNING", **extra):
    env = {k: v for k, v in os.environ.items() if k not in _NOT_IN_PRODUCTION}
    env.update({k: v for k, v in PRODUCTION.items() if k not in without})
    env.update(extra)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", fail_level],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_production_configuration_reports_nothing():
    result = _check()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.slow  # runs manage.py check in a subprocess
def test_check_deploy_catches_the_embedded_default_key():
    # The check is not toothless: the development key left in production is reported.
    result = _check(without=["SECRET_KEY"])
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stdout + result.stderr


@pytest.mark.slow  # runs manage.py check in a subprocess
def test_check_deploy_catches_email_left_in_files():
    # Without EMAIL_URL, email is written to files under var/mail/: fine for make run, not for members.
    result = _check(without=["EMAIL_URL"])
    assert result.returncode != 0
    assert "MAILERS" in result.stdout + result.stderr


def _errors(result):
    """Return the ERRORS section of the check's report (warnings come after it)."""
    report = result.stdout + result.stderr
    return report.partition("ERRORS:")[2].partition("WARNINGS:")[0]


@pytest.mark.slow  # runs manage.py check in a subprocess
def test_check_deploy_refuses_the_embedded_sqlite_database():
    result = _check(without=["DATABASE_URL"], fail_level="ERROR")
    assert result.returncode != 0
    assert "itprosig.E001" in _errors(result) and "DATABASE_URL" in _errors(result)


@pytest.mark.slow  # runs manage.py check in a subprocess
def test_check_deploy_refuses_a_process_local_cache_while_pages_are_cached():
    # Each gunicorn worker would keep its own copies: a change seen by one never retires another's.
    result = _check(without=["CACHE_URL"], fail_level="ERROR")
    assert result.returncode != 0
    assert "itprosig.E002" in _errors(result) and "CACHE_URL" in _errors(result)
    result = _check(CACHE_URL="locmemcache://", fail_level="ERROR")
    assert "itprosig.E002" in _errors(result)


@pytest.mark.slow  # runs manage.py check in a subprocess
def test_check_deploy_accepts_a_local_cache_when_nothing_depends_on_sharing_it():
    result = _check(
        without=["CACHE_URL"],
        PAGE_CACHE_SECONDS="0",
        MEMBER_PAGE_CACHE_SECONDS="0",
        ACCOUNT_RATE_LIMITS_ENABLED="false",
    )
    assert "itprosig.E002" not in result.stdout + result.stderr


@pytest.mark.slow  # runs manage.py check in a subprocess
def test_check_deploy_refuses_tasks_run_inside_requests_without_a_broker():
    result = _check(without=["CELERY_BROKER_URL"], fail_level="ERROR")
    assert result.returncode != 0
    assert "itprosig.E003" in _errors(result) and "CELERY_BROKER_URL" in _errors(result)


@pytest.mark.slow  # runs manage.py check in a subprocess
def test_check_deploy_refuses_email_left_in_files_as_an_error():
    result = _check(without=["EMAIL_URL"], fail_level="ERROR")
    assert result.returncode != 0
    assert "MAILERS" in _errors(result)
