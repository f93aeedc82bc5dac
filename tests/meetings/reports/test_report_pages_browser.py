"""The liaison's report pages on a phone (390x844), English and French: no sideways scrolling of the
page or of any table, valid HTML (Nu checker) and axe's WCAG 2.1 AA rules."""

import datetime
import json
import pathlib
import subprocess

import pytest
from django.conf import settings
from django.test import Client

from community.models import MeetingNote
from tests.factories import MemberFactory, SponsorLiaisonFactory, SponsorshipFactory, TopicFactory
from tests.meetings.reports.test_sponsor_summary import COMMENT, PERIOD, _meeting, _rate
from tests.support.page_checks import AXE_JS, VNU_JAR, axe_violations

SHOTS = pathlib.Path(settings.BASE_DIR) / "test-results" / "reports"

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not (VNU_JAR.exists() and AXE_JS.exists()), reason="npm test tools not installed"),
]


@pytest.fixture
def liaison_world(chapter):
    topic = TopicFactory(name="Windows Server 2025: what changed for Hyper-V administrators", slug="ws2025")
    ada, cy = MemberFactory(display_name="Ada"), MemberFactory(display_name="Cy")
    meeting = _meeting(chapter, datetime.date(2025, 9, 10), topic, attendees=[ada, cy], guests=2)
    _rate(meeting, ada, 4, comment=COMMENT)
    MeetingNote.objects.create(meeting=meeting, body="Full room, **great** demo.", state="published")
    sponsorship = SponsorshipFactory(
        chapter=chapter, starts_on=datetime.date(2024, 1, 1), ends_on=datetime.date(2025, 12, 31)
    )
    liaison = SponsorLiaisonFactory(sponsor=sponsorship.sponsor).user
    client = Client()
    client.force_login(liaison)
    return {"meeting": meeting, "session": client.cookies[settings.SESSION_COOKIE_NAME].value}


def _nu_errors(files):
    run = subprocess.run(
        ["java", "-Xss4m", "-jar", str(VNU_JAR), "--errors-only", "--format", "json", "--stdout", *files],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    return [
        f"{m.get('url')} line {m.get('lastLine')}: {m.get('message')}"
        for m in json.loads(run.stdout or '{"messages": []}')["messages"]
    ]


def test_report_pages_fit_a_phone_and_pass_nu_and_axe_in_both_languages(
    browser, live_server, chapter, liaison_world, tmp_path
):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    host = live_server.url.split("//", 1)[1].split(":", 1)[0]
    cookie = {"name": settings.SESSION_COOKIE_NAME, "value": liaison_world["session"]}
    context.add_cookies([{**cookie, "domain": host, "path": "/"}])
    page = context.new_page()
    paths = []
    for prefix in ("", "/fr"):
        paths += [
            f"{prefix}/reports/chapters/{chapter.slug}/{PERIOD}",
            f"{prefix}/reports/meetings/{liaison_world['meeting'].pk}/",
            f"{prefix}/reports/network/{PERIOD}",
        ]
    saved, axe, overflowing = [], {}, {}
    for path in paths:
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        # The report itself, not a login page the browser was sent to.
        assert response.url == live_server.url + path
        assert page.locator("section.report-table").count() >= 2
        body = page.content()
        assert COMMENT not in body
        file = tmp_path / f"page{len(saved)}.html"
        file.write_bytes(response.body())
        saved.append(str(file))
        SHOTS.mkdir(parents=True, exist_ok=True)
        name = path.strip("/").split("?")[0].replace("/", "-")
        page.screenshot(path=str(SHOTS / f"phone-{name}.png"), full_page=True)
        width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        if width[0] > width[1]:
            overflowing[path] = width
        # Nor any table within its own region: wide tables become one card per row on a phone.
        wide = page.evaluate(
            """() => [...document.querySelectorAll('.report-scroll')]
                .filter((region) => region.scrollWidth > region.clientWidth + 1)
                .map((region) => region.querySelector('table').dataset.table)"""
        )
        if wide:
            overflowing[f"{path} tables"] = wide
        found = axe_violations(page)
        if found:
            axe[path] = found
    assert overflowing == {}
    assert axe == {}
    assert _nu_errors(saved) == []
    context.close()
