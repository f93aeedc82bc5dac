"""The embedded mode end to end: the app as `make run` serves it (SQLite, eager tasks, mail in files),
driven over HTTP by a newcomer, the demo organizer, a door volunteer and a sponsor's liaison.

Each journey stands alone (its own meeting, its own names), so the tests run in any order and on any
xdist worker; the served app is started once per worker.
"""

import datetime
import re
import time
import uuid
import zoneinfo

import pytest
from icalendar import Calendar

from .conftest import DEMO_PASSWORD
from .web import Visitor, attachments_of_type, body_text

pytestmark = [pytest.mark.embedded, pytest.mark.usefixtures("app_log")]

ORGANIZER = "organizer.toronto@example.org"
VOLUNTEER = "volunteer.toronto@example.org"
MEMBER = "member@example.org"
LIAISON = "liaison@example.org"
CHAPTER = "it-pro-toronto"
TORONTO = zoneinfo.ZoneInfo("America/Toronto")
NEWCOMER_PASSWORD = "Embedded-lane-2026!"
SEND_TIMEOUT = 30


@pytest.fixture
def visit(embedded_app):
    visitors = []

    def open_visitor():
        visitor = Visitor(embedded_app.base_url)
        visitors.append(visitor)
        return visitor

    yield open_visitor
    for visitor in visitors:
        visitor.close()


@pytest.fixture
def mailbox(embedded_app):
    return embedded_app.mailbox


def unique(label):
    return f"{label} {uuid.uuid4().hex[:8]}"


def local_fields(prefix, moment):
    moment = moment.astimezone(TORONTO)
    return {f"{prefix}_0": moment.strftime("%Y-%m-%d"), f"{prefix}_1": moment.strftime("%H:%M:%S")}


def admin_add_meeting(organizer, *, title, status, starts_at, hours=3):
    """Add a meeting through the admin's form as the organizer fills it; return its id."""
    organizer.get("/admin/meetings/meeting/add/")
    form = organizer.form(id="meeting_form")
    overrides = {
        "title": title,
        "status": status,
        "description": "Added by the embedded-mode lane.",
        "capacity": "40",
        "venue": next(value for value, _label, _sel in form.selects["venue"].options if value),
        **local_fields("starts_at", starts_at),
        **local_fields("ends_at", starts_at + datetime.timedelta(hours=hours)),
    }
    organizer.submit(form, overrides)
    added = re.search(r'href="/admin/meetings/meeting/(\d+)/change/"', organizer.page.text)
    assert added and "was added successfully" in organizer.text(), organizer.text()[:2000]
    return int(added.group(1))


def admin_change_meeting(organizer, meeting_id, overrides):
    organizer.get(f"/admin/meetings/meeting/{meeting_id}/change/")
    organizer.submit(organizer.form(id="meeting_form"), overrides)
    assert "was changed successfully" in organizer.text(), organizer.text()[:2000]


def admin_add_newsletter(organizer, subject):
    """Add an IT Pro Toronto newsletter through the admin; return its change page."""
    organizer.get("/admin/members/newsletter/add/")
    form = organizer.form(id="newsletter_form")
    chapter = form.option_value("chapter", "IT Pro Toronto")
    organizer.submit(form, {"chapter": chapter, "subject": subject, "body": "Hello, Toronto."})
    added = re.search(r'href="(/admin/members/newsletter/\d+/change/)"', organizer.page.text)
    assert added, organizer.text()[:3000]
    return added.group(1)


def meeting_url(meeting_id):
    return f"/chapters/{CHAPTER}/meetings/{meeting_id}/"


def rsvp_going(member, meeting_id):
    member.get(meeting_url(meeting_id))
    member.submit(member.form("/rsvp/"), {"answer": "going"})
    assert "You are going. See you there!" in member.text()


def test_embedded_newcomer_signs_up_confirms_joins_and_rsvps(visit, mailbox):
    newcomer = visit()
    address = f"newcomer.{uuid.uuid4().hex[:8]}@example.org"

    # Sign up; the confirmation link arrives in a mail file.
    newcomer.get("/accounts/signup/")
    form = newcomer.form("/accounts/signup/")
    overrides = {"email": address, "password1": NEWCOMER_PASSWORD, "password2": NEWCOMER_PASSWORD}
    if any(name == "display_name" for name, _value in form.fields):
        overrides["display_name"] = "Nadia Newcomer"
    newcomer.submit(form, overrides)
    assert "/accounts/confirm-email/" in str(newcomer.page.url)
    (confirmation,) = mailbox.wait_for(address)
    link = re.search(r"https?://[^/\s]+(/\S*/confirm-email/[^/\s]+/)", body_text(confirmation))
    assert link, body_text(confirmation)

    # The browser that signed up confirms on opening the link.
    newcomer.get(link.group(1))
    assert str(newcomer.page.url).endswith("/me/"), newcomer.page.url

    # Join IT Pro Toronto with its newsletter.
    newcomer.get(f"/chapters/{CHAPTER}/")
    newcomer.submit(newcomer.form(f"/chapters/{CHAPTER}/join/"), {"newsletter": "on"})
    assert "Welcome to IT Pro Toronto!" in newcomer.text()

    # RSVP to the first upcoming meeting with seats left.
    upcoming = newcomer.page.text.split('id="upcoming-heading"', 1)[1].split('id="past-heading"', 1)[0]
    for meeting_id in dict.fromkeys(re.findall(rf'href="/chapters/{CHAPTER}/meetings/(\d+)/"', upcoming)):
        newcomer.get(meeting_url(meeting_id))
        seats = re.search(r"(\d+) spots? left", newcomer.text())
        if seats and int(seats.group(1)) > 0:
            break
    else:
        pytest.fail("no upcoming IT Pro Toronto meeting with seats left in the demo data")
    title = re.search(r"<h1[^>]*>(.*?)</h1>", newcomer.page.text, re.S).group(1).strip()
    rsvp_going(newcomer, meeting_id)

    (going,) = mailbox.wait_for(address, "going")
    [calendar] = attachments_of_type(going, "text/calendar")
    assert "METHOD:REQUEST" in calendar.get_content()
    assert title.split("&")[0] in str(going["Subject"])
    # The calendar entry links back to the meeting on this server.
    [event] = Calendar.from_ical(calendar.get_content()).walk("VEVENT")
    assert str(event["URL"]) == newcomer.base_url + meeting_url(meeting_id)


def test_embedded_organizer_publishes_changes_and_cancels_a_meeting(visit, mailbox):
    organizer, member, anonymous = visit(), visit(), visit()
    organizer.admin_log_in(ORGANIZER, DEMO_PASSWORD)
    title = unique("Embedded lane: Hyper-V clusters")
    starts = datetime.datetime.now(TORONTO).replace(hour=18, minute=0, second=0, microsecond=0)
    starts += datetime.timedelta(days=30)

    meeting_id = admin_add_meeting(organizer, title=title, status="draft", starts_at=starts)
    anonymous.get(meeting_url(meeting_id), expect=404)

    # Publish: the page appears, and a member can RSVP.
    admin_change_meeting(organizer, meeting_id, {"status": "scheduled"})
    anonymous.get(meeting_url(meeting_id))
    assert title in anonymous.text()
    member.log_in(MEMBER, DEMO_PASSWORD)
    rsvp_going(member, meeting_id)
    mailbox.wait_for(MEMBER, f"going: {title}")

    # Change the time: the member is told, with the new time in their calendar.
    later = starts + datetime.timedelta(hours=1)
    admin_change_meeting(
        organizer,
        meeting_id,
        {**local_fields("starts_at", later), **local_fields("ends_at", later + datetime.timedelta(hours=3))},
    )
    assert "Members going or waitlisted are told about the change." in organizer.text()
    (changed,) = mailbox.wait_for(MEMBER, f"Changed: {title}")
    [calendar] = attachments_of_type(changed, "text/calendar")
    [event] = Calendar.from_ical(calendar.get_content()).walk("VEVENT")
    assert event.decoded("DTSTART") == later

    # Cancel with the admin action, after its confirmation page.
    organizer.get("/admin/meetings/meeting/")
    organizer.submit(
        organizer.form(id="changelist-form"),
        {"action": "cancel_meetings", "_selected_action": str(meeting_id), "index": "0"},
    )
    assert title in organizer.text()
    organizer.submit(organizer.form("/admin/meetings/meeting/"), {"confirmed": "yes"})
    assert "1 meeting cancelled" in organizer.text()
    (cancelled,) = mailbox.wait_for(MEMBER, f"Cancelled: {title}")
    [calendar] = attachments_of_type(cancelled, "text/calendar")
    assert "METHOD:CANCEL" in calendar.get_content()
    anonymous.get(meeting_url(meeting_id))
    assert "cancelled" in anonymous.text().lower()


def test_embedded_volunteer_checks_a_member_in_at_the_door(visit, mailbox):
    organizer, member, volunteer = visit(), visit(), visit()
    organizer.admin_log_in(ORGANIZER, DEMO_PASSWORD)
    title = unique("Embedded lane: tonight at the door")
    starts = datetime.datetime.now(TORONTO).replace(second=0, microsecond=0) + datetime.timedelta(hours=2)
    meeting_id = admin_add_meeting(organizer, title=title, status="scheduled", starts_at=starts)
    member.log_in(MEMBER, DEMO_PASSWORD)
    rsvp_going(member, meeting_id)

    volunteer.log_in(VOLUNTEER, DEMO_PASSWORD)
    volunteer.get(f"/checkin/{meeting_id}/")
    form = volunteer.form(f"/checkin/{meeting_id}/rsvp/")
    volunteer.submit(form, {"action": "in"})
    assert "is checked in" in volunteer.text(), volunteer.text()[:2000]

    organizer.get(f"/admin/meetings/meeting/{meeting_id}/change/")
    assert "1 going, 0 waitlisted, 1 checked in" in organizer.text()


def test_embedded_newsletter_reaches_each_subscriber_once(visit, mailbox):
    organizer = visit()
    organizer.admin_log_in(ORGANIZER, DEMO_PASSWORD)
    subject = unique("Embedded lane news")

    change_url = admin_add_newsletter(organizer, subject)
    organizer.get(change_url)
    recipients = int(re.search(r"(\d+) subscribed members? would get it now", organizer.text()).group(1))
    assert recipients > 0

    organizer.get(change_url.replace("/change/", "/send-now/"))
    organizer.submit(organizer.form("/send-now/"))
    assert "Sending started." in organizer.text()
    done = f"{recipients} of {recipients} sent, 0 failed"
    deadline = time.monotonic() + SEND_TIMEOUT
    while done not in organizer.get(change_url).text and time.monotonic() < deadline:
        time.sleep(0.5)  # tasks run eagerly, but a send may still be finishing in another thread
    assert done in organizer.text(), re.search(r"Sending Status:.{0,300}", organizer.text())

    files = {
        name: [m for m in found if str(m["Subject"]) == subject] for name, found in mailbox.files().items()
    }
    files = {name: found for name, found in files.items() if found}
    assert {len(found) for found in files.values()} == {1}, "a newsletter file holds several messages"
    sent = [found[0] for found in files.values()]
    per_address = {}
    for message in sent:
        per_address[str(message["To"])] = per_address.get(str(message["To"]), 0) + 1
    assert len(per_address) == recipients
    assert set(per_address.values()) == {1}, {a: n for a, n in per_address.items() if n != 1}
    assert all(m["List-Unsubscribe"] for m in sent)
    # The liaison is a member who never subscribed.
    assert not [a for a in per_address if LIAISON in a]

    # One click on a message's List-Unsubscribe link, as a mail client does it, unsubscribes.
    link = re.search(r"<(http[^>]+/unsubscribe/[^>]+)>", str(sent[0]["List-Unsubscribe"])).group(1)
    assert link.startswith(organizer.base_url), link
    assert sent[0]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    mail_client = visit()  # no session, no CSRF cookie: a mail client's request
    one_click = mail_client.http.post(link, data={"List-Unsubscribe": "One-Click"})
    assert one_click.status_code == 200
    organizer.get(admin_add_newsletter(organizer, unique("After the unsubscribe")))
    assert f"{recipients - 1} subscribed member" in organizer.text()


def test_embedded_liaison_reads_the_sponsor_report(visit):
    liaison = visit()
    liaison.log_in(LIAISON, DEMO_PASSWORD)

    liaison.get("/reports/")
    sponsored = dict.fromkeys(re.findall(r'href="/reports/chapters/([\w-]+)/"', liaison.page.text))
    assert sponsored, liaison.text()[:2000]
    slug = next(iter(sponsored))
    liaison.get(f"/reports/chapters/{slug}/")
    assert re.search(r"\d+", liaison.text())
    csv_link = re.search(rf'href="(/reports/chapters/{slug}/[\w-]+\.csv[^"]*)"', liaison.page.text)
    assert csv_link, "the report offers no CSV"
    table = liaison.get(csv_link.group(1).replace("&amp;", "&"))
    assert table.headers["content-type"].startswith("text/csv")
    assert len(table.text.splitlines()) >= 2

    others = {"opcug-it-pro-sig", "it-pro-toronto", "twsug", "mitpro", "maritug"} - set(sponsored)
    for other in others:
        liaison.get(f"/reports/chapters/{other}/", expect=403)
