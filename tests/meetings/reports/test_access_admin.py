"""Organizers read the liaisons' report access log of their own chapters, and nobody edits it."""

import pytest
from django.urls import reverse

from meetings.models import ReportAccessLog
from tests.factories import ChapterRoleFactory, MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def logs(chapter, other_chapter):
    mine = ReportAccessLog.objects.create(
        user_email="lee.liaison@example.org",
        chapter=chapter,
        report="chapter",
        format="csv",
        table="attendees",
    )
    theirs = ReportAccessLog.objects.create(
        user_email="someone.else@example.org", chapter=other_chapter, report="chapter"
    )
    return mine, theirs


def test_organizer_sees_own_chapters_log_only(client, organizer, logs):
    client.force_login(organizer)
    page = client.get(reverse("admin:meetings_reportaccesslog_changelist"))
    assert page.status_code == 200
    assert "lee.liaison@example.org" in page.text
    assert "someone.else@example.org" not in page.text
    mine, theirs = logs
    assert client.get(reverse("admin:meetings_reportaccesslog_change", args=[mine.pk])).status_code == 200
    response = client.get(reverse("admin:meetings_reportaccesslog_change", args=[theirs.pk]))
    assert response.status_code == 302  # "does not exist", as for any unknown id


def test_log_is_read_only_even_for_superusers(client, logs):
    client.force_login(MemberFactory(is_superuser=True, is_staff=True))
    mine, _ = logs
    change = client.get(reverse("admin:meetings_reportaccesslog_change", args=[mine.pk]))
    assert change.status_code == 200 and 'name="_save"' not in change.text
    assert client.get(reverse("admin:meetings_reportaccesslog_add")).status_code == 403
    assert client.get(reverse("admin:meetings_reportaccesslog_delete", args=[mine.pk])).status_code == 403
    client.post(reverse("admin:meetings_reportaccesslog_delete", args=[mine.pk]), {"post": "yes"})
    assert ReportAccessLog.objects.filter(pk=mine.pk).exists()


def test_volunteer_and_liaison_get_no_log(client, chapter, logs):
    volunteer = ChapterRoleFactory(chapter=chapter, role="volunteer").user
    client.force_login(volunteer)
    response = client.get(reverse("admin:meetings_reportaccesslog_changelist"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
