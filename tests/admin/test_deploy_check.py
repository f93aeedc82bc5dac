"""The production configuration passes Django's deployment checks with nothing to report."""

import os
import secrets
import subprocess
import sys

from django.conf import settings

PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "itprosig.settings",
    "DEBUG": "false",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "itprosig.example.org",
    "EMAIL_URL": "smtp+tls://itprosig:secret@smtp.example.org:587",
}


# Test-only switches that production never sets.
_NOT_IN_PRODUCTION = {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "EMAIL_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}


def _check(*, without=()):
    env = {k: v for k, v in os.environ.items() if k not in _NOT_IN_PRODUCTION}
    env.update({k: v for k, v in PRODUCTION.items() if k not in without})
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
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


def test_check_deploy_catches_the_embedded_default_key():
    # The check is not toothless: the development key left in production is reported.
    result = _check(without=["SECRET_KEY"])
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stdout + result.stderr


def test_check_deploy_catches_email_left_in_files():
    # Without EMAIL_URL, email is written to files under var/mail/: fine for make run, not for members.
    result = _check(without=["EMAIL_URL"])
    assert result.returncode != 0
    assert "MAILERS" in result.stdout + result.stderr
