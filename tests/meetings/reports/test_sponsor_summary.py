"""Reports a sponsor reads at a glance: topics with feedback, every month, the previous period, a PDF."""

import csv
import datetime
import io
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from community.models import FeedbackResponse, MeetingNote, TalkRating
from meetings.models import Meeting, ReportAccessLog
from tests.factories import (
    AgendaItemFactory,
    MeetingFactory,
    MemberFactory,
    RSVPFactory,
    SponsorLiaisonFactory,
    SponsorshipFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db
TORONTO = zoneinfo.ZoneInfo("America/Toronto")
PERIOD = "?from=2025-07-01&to=2025-12-31"
COMMENT = "The room was too cold and Bob talked too long"


def _meeting(chapter, day, topic, *, attendees, guests):
    start = datetime.datetime.combine(day, datetime.time(18), tzinfo=TORONTO)
    meeting = MeetingFactory(chapter=chapter, starts_at=start, guest_count=guests, title=f"Meeting {day}")
    if topic:
        meeting.topics.add(topic)
    for member in attendees:
        RSVPFactory(meeting=meeting, member=member, checked_in_at=start)
    return meeting


def _rate(meeting, member, rating, comment=""):
    talk = meeting.agenda_items.first() or AgendaItemFactory(meeting=meeting)
    response = FeedbackResponse.objects.create(meeting=meeting, member=member, comment=comment)
    TalkRating.objects.create(response=response, agenda_item=talk, rating=rating)


@pytest.fixture
def history(chapter):
    """March 2025 (the previous period): 2 members and 1 guest. September: 3 members and 2 guests on
    PowerShell, rated 4 and 5 (with a comment); November: 1 member on Cloud. Sponsored all along."""
    ada, bob, cy, di = (MemberFactory(display_name=name) for name in ("Ada", "Bob", "Cy", "Di"))
    powershell = TopicFactory(name="PowerShell", slug="powershell")
    cloud = TopicFactory(name="Cloud", slug="cloud")
    _meeting(chapter, datetime.date(2025, 3, 15), cloud, attendees=[ada, bob], guests=1)
    september = _meeting(chapter, datetime.date(2025, 9, 10), powershell, attendees=[ada, cy, di], guests=2)
    _meeting(chapter, datetime.date(2025, 11, 12), cloud, attendees=[cy], guests=0)
    _rate(september, ada, 4, comment=COMMENT)
    _rate(september, cy, 5)
    sponsorship = SponsorshipFactory(
        chapter=chapter, starts_on=datetime.date(2024, 1, 1), ends_on=datetime.date(2025, 12, 31)
    )
    return {"september": september, "sponsor": sponsorship.sponsor}


@pytest.fixture
def liaison(history):
    return SponsorLiaisonFactory(sponsor=history["sponsor"]).user


def _csv(client, chapter, table, query=PERIOD):
    url = reverse("reports:chapter_csv", kwargs={"slug": chapter.slug, "table": table}) + query
    response = client.get(url)
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def _pdf(client, chapter, query=PERIOD):
    response = client.get(reverse("reports:chapter_pdf", kwargs={"slug": chapter.slug}) + query)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return reader, " ".join(page.extract_text() for page in reader.pages)


def test_liaison_report_shows_feedback_by_topic_without_comments(client, chapter, liaison):
    client.force_login(liaison)
    page = client.get(reverse("reports:chapter", kwargs={"slug": chapter.slug}) + PERIOD).text
    assert "Attendance and feedback by topic" in page
    assert '<td class="text-end" data-label="Average rating (1 to 5)">4.5</td>' in page
    assert COMMENT not in page

    rows = _csv(client, chapter, "topics")
    assert rows[0][-2:] == ["Members who rated talks", "Average rating (1 to 5)"]
    by_topic = {row[0]: row[1:] for row in rows[1:]}
    # PowerShell: one meeting, 3 members and 2 guests, 2 members rated it 4 and 5.
    assert by_topic["PowerShell"] == ["1", "5", "5.0", "2", "4.5"]
    assert by_topic["Cloud"] == ["1", "1", "1.0", "0", ""]
    assert COMMENT not in str(rows)

    reader, text = _pdf(client, chapter)
    assert len(reader.pages) == 1
    assert "PowerShell" in text and "4.5" in text
    # Key figures with their definitions, and the previous period it is compared with.
    assert "Attendance\n6\nMembers checked in at the door" in text
    assert "Returning attendees\n1\nHad come to the chapter before the period." in text
    assert "Dec. 29, 2024 to June 30, 2025" in text
    assert "Attendance (members checked in and guests)\n6\n3\n+3" in text
    assert COMMENT not in text and "Bob" not in text


def test_report_has_every_month_of_the_period_with_zeros(client, chapter, organizer, history):
    client.force_login(organizer)
    rows = _csv(client, chapter, "months")
    assert rows[1:] == [
        ["2025-07", "0", "0"],
        ["2025-08", "0", "0"],
        ["2025-09", "1", "5"],
        ["2025-10", "0", "0"],
        ["2025-11", "1", "1"],
        ["2025-12", "0", "0"],
    ]
    membership = _csv(client, chapter, "membership")
    assert [row[0] for row in membership[1:]] == [f"2025-{m:02}" for m in range(7, 13)]
    page = client.get(reverse("reports:chapter", kwargs={"slug": chapter.slug}) + PERIOD).text
    # The table and its chart write the months the same way.
    assert page.count(">Oct 2025<") == 0 and "October 2025" in page


def test_previous_period_comparison_counts_the_period_just_before(client, chapter, liaison):
    client.force_login(liaison)
    rows = {row[0]: row[1:] for row in _csv(client, chapter, "comparison")[1:]}
    # This period: September and November. The previous 184 days (2024-12-29 to 2025-06-30): March.
    assert rows["Meetings held"] == ["2", "1", "1"]
    assert rows["Attendance (members checked in and guests)"] == ["6", "3", "3"]
    assert rows["Average attendance per meeting"] == ["3.0", "3.0", "0.0"]
    # Ada came in March and September: returning; Cy and Di were first-timers in the period.
    assert rows["Unique attendees"] == ["3", "2", "1"]
    assert rows["First-time attendees"] == ["2", "2", "0"]
    assert rows["Returning attendees"] == ["1", "0", "1"]
    page = client.get(reverse("reports:chapter", kwargs={"slug": chapter.slug}) + PERIOD).text
    assert "Compared with the previous period" in page
    assert "Dec. 29, 2024" in page
    # Changes read with their sign on the page; the CSV keeps plain numbers.
    assert 'data-label="Change">+3<' in page
    assert 'data-label="Change">0.0<' in page


def test_liaison_gets_no_comparison_before_the_sponsorship(client, chapter, liaison):
    client.force_login(liaison)
    first_half = "?from=2024-01-01&to=2024-06-30"
    page = client.get(reverse("reports:chapter", kwargs={"slug": chapter.slug}) + first_half)
    assert page.status_code == 200
    assert "Compared with the previous period" not in page.text
    assert "No comparison with the previous period: it lies outside your sponsorship." in page.text
    url = reverse("reports:chapter_csv", kwargs={"slug": chapter.slug, "table": "comparison"})
    assert client.get(url + first_half).status_code == 404


def test_report_explains_each_key_figure_beside_it(client, chapter, liaison):
    client.force_login(liaison)
    page = client.get(reverse("reports:chapter", kwargs={"slug": chapter.slug}) + PERIOD).text
    figure = page.index('data-figure="returning"')
    assert "Had come to the chapter before the period." in page[figure : figure + 300]


def test_pdf_summary_is_one_page_with_key_figures_in_french(client, chapter, organizer, history):
    client.force_login(organizer)
    with translation.override("fr"):
        client.cookies["django_language"] = "fr"
        reader, text = _pdf(client, chapter, query=PERIOD)
    assert len(reader.pages) == 1
    assert "PowerShell" in text
    assert "4,5" in text


def test_pdf_stays_one_page_over_ten_years_and_many_topics(client, chapter, organizer):
    topics = [TopicFactory(name=f"Topic number {n}", slug=f"topic-number-{n}") for n in range(25)]
    for n in range(120):
        day = datetime.date(2015 + n // 12, n % 12 + 1, 10)
        meeting = _meeting(chapter, day, topics[n % 25], attendees=[], guests=n % 7)
        meeting.topics.add(topics[(n + 1) % 25])
    client.force_login(organizer)
    reader, text = _pdf(client, chapter, query="?from=2015-01-01&to=2024-12-31")
    assert len(reader.pages) == 1
    assert "15 more topics in the report on the web." in text


def test_meeting_report_shows_published_note_to_liaison_not_drafts(client, chapter, liaison, history):
    meeting = history["september"]
    MeetingNote.objects.create(meeting=meeting, body="Full room, great demo of **DSC**.", state="published")
    MeetingNote.objects.create(meeting=meeting, body="Draft: mention the pizza budget", state="draft")
    client.force_login(liaison)
    page = client.get(reverse("reports:meeting", kwargs={"pk": meeting.pk})).text
    assert "Notes for sponsors" in page
    assert "great demo of <strong>DSC</strong>" in page
    assert "pizza budget" not in page
    assert COMMENT not in page


def test_liaison_pdf_read_is_logged(client, chapter, liaison):
    client.force_login(liaison)
    _pdf(client, chapter)
    assert ReportAccessLog.objects.filter(user=liaison, format="pdf", chapter=chapter).count() == 1
    assert Meeting.objects.count() == 3


def test_network_report_merges_feedback_by_topic_across_chapters(client, chapter, liaison, other_chapter):
    # The same sponsor also sponsors TWSUG, where PowerShell was rated 1 by one member.
    SponsorshipFactory(chapter=other_chapter, sponsor=liaison.sponsor_liaisons.get().sponsor)
    powershell = TopicFactory(slug="powershell")
    elsewhere = _meeting(
        other_chapter, datetime.date(2025, 10, 1), powershell, attendees=[MemberFactory()], guests=0
    )
    _rate(elsewhere, MemberFactory(), 1, comment="TWSUG comment")
    client.force_login(liaison)
    url = reverse("reports:network_csv", kwargs={"table": "topics"}) + PERIOD
    rows = list(csv.reader(io.StringIO(client.get(url).content.decode("utf-8-sig"))))
    by_topic = {row[0]: row[1:] for row in rows[1:]}
    # Ratings 4 and 5 in Toronto, 1 at TWSUG: three members, an average of 10 / 3.
    assert by_topic["PowerShell"][-2:] == ["3", "3.33"]
    page = client.get(reverse("reports:network") + PERIOD).text
    assert "TWSUG comment" not in page and COMMENT not in page


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("?from=2025-13-01&to=2025-12-31", 400),
        ("?from=2025-12-31&to=2025-01-01", 400),
        ("?from=2019-01-01&to=2019-12-31", 403),
    ],
)
def test_pdf_summary_refuses_bad_or_unsponsored_periods(client, chapter, liaison, query, status):
    client.force_login(liaison)
    response = client.get(reverse("reports:chapter_pdf", kwargs={"slug": chapter.slug}) + query)
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")
    assert not ReportAccessLog.objects.filter(format="pdf").exists()
