import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from itprosig.csv import neutralize
from meetings.reports.tables import Table, csv_response
from tests.factories import MeetingFactory, RSVPFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("text", ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\tx", "\r=1"])
def test_neutralize_formula_cells(text):
    assert neutralize(text) == "'" + text


@pytest.mark.parametrize("value", ["PowerShell", "", 12, 3.5, datetime.date(2025, 1, 2)])
def test_neutralize_leaves_plain_cells(value):
    assert neutralize(value) == value


def test_csv_response_neutralizes_headers_and_cells():
    table = Table("t", "T", ["Name", "=cmd"], [["=1+2", 3], ["Ada", None]])
    response = csv_response(table, "t.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows == [["Name", "'=cmd"], ["'=1+2", "3"], ["Ada", ""]]
    assert response["Content-Disposition"] == 'attachment; filename="t.csv"'


def test_meeting_title_and_member_name_starting_with_formula_are_neutralized_in_download(
    client, chapter, organizer
):
    start = timezone.now() - datetime.timedelta(days=3)
    meeting = MeetingFactory(chapter=chapter, title='=WEBSERVICE("http://evil")', starts_at=start)
    RSVPFactory(meeting=meeting, member__display_name="@attacker", checked_in_at=start)
    client.force_login(organizer)
    slug = chapter.slug
    meetings = client.get(reverse("reports:chapter_csv", kwargs={"slug": slug, "table": "meetings"}))
    rows = list(csv.reader(io.StringIO(meetings.content.decode("utf-8-sig"))))
    assert rows[1][1] == '\'=WEBSERVICE("http://evil")'
    attendees = client.get(reverse("reports:chapter_csv", kwargs={"slug": slug, "table": "attendees"}))
    rows = list(csv.reader(io.StringIO(attendees.content.decode("utf-8-sig"))))
    assert rows[1][0] == "'@attacker"
