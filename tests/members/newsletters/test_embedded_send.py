"""A newsletter sent with the app as `make run` configures it: SQLite, eager tasks, email as files.

The suite runs on PostgreSQL, so this runs the app in a subprocess with DATABASE_URL pointing at a
fresh SQLite file, no broker (tasks run in the request) and the file email backend in a temp folder.
It drives the admin's "Send now" as an organizer would.
"""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings

SCRIPT = r"""
import json
import django

django.setup()
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chapters.models import Chapter
from members.models import Member, Membership
from members.newsletters.models import Newsletter

chapter = Chapter.objects.create(name="OPCUG IT Pro SIG", slug="opcug", time_zone="America/Toronto")
for i in range(3):
    member = Member.objects.create_user(email=f"reader{i}@example.org", password="x")
    Membership.objects.create(
        member=member, chapter=chapter, joined_at=timezone.now(), newsletter_subscribed=True,
        newsletter_consent_at=timezone.now(), newsletter_consent_source=Membership.Source.WEBSITE,
    )
silent = Member.objects.create_user(email="silent@example.org", password="x")
Membership.objects.create(member=silent, chapter=chapter, joined_at=timezone.now())
admin = Member.objects.create_superuser(email="admin@example.org", password="x")
newsletter = Newsletter.objects.create(chapter=chapter, subject="October at OPCUG", body="**Hello**")

client = Client(HTTP_HOST="127.0.0.1")
client.force_login(admin)
response = client.post(reverse("admin:members_newsletter_send_now", args=[newsletter.pk]))
newsletter.refresh_from_db()
print(json.dumps({
    "response": response.status_code,
    "status": newsletter.status,
    "recipients": newsletter.recipient_count,
}))
"""


def run(command, env):
    return subprocess.run(
        command, cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=300, check=False
    )


@pytest.mark.slow  # migrates a SQLite database in a subprocess
@pytest.mark.integration
def test_newsletter_sent_in_embedded_mode_gives_each_subscriber_one_file(tmp_path):
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "CELERY_BROKER_URL", "CACHE_URL", "EMAIL_URL", "DEBUG"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="itprosig.settings",
        DEBUG="true",
        DATABASE_URL=f"sqlite:///{tmp_path / 'itprosig.sqlite3'}",
        EMAIL_URL=f"filemail:///{mail_dir}",  # the URL's path loses one slash
    )
    migrate = run([sys.executable, "manage.py", "migrate", "--noinput"], env)
    assert migrate.returncode == 0, migrate.stderr[-3000:]

    send = run([sys.executable, "-c", SCRIPT], env)
    assert send.returncode == 0, send.stderr[-3000:]
    outcome = json.loads(send.stdout.strip().splitlines()[-1])
    assert outcome == {"response": 302, "status": "sent", "recipients": 3}, send.stderr[-3000:]

    recipients = [
        [line[3:].strip() for line in path.read_text().splitlines() if line.startswith("To:")]
        for path in mail_dir.iterdir()
    ]
    assert sorted(recipients) == [[f"reader{i}@example.org"] for i in range(3)]
