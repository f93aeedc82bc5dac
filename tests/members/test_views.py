import json

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse
from django.utils import timezone

from meetings.models import RSVP
from members.mail.models import OutboxMessage
from members.models import Member, Membership
from members.newsletters.models import Delivery, Newsletter
from tests.factories import (
    ChapterFactory,
    ChapterRoleFactory,
    MeetingFactory,
    MemberFactory,
    MembershipFactory,
    RSVPFactory,
    SponsorFactory,
    SponsorLiaisonFactory,
)

pytestmark = pytest.mark.django_db


def text(response):
    return response.content.decode()


def test_me_requires_login(client):
    response = client.get(reverse("members:me"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_me_lists_chapters_and_rsvps(member_client):
    chapter = ChapterFactory(name="IT Pro Toronto")
    MembershipFactory(member=member_client.member, chapter=chapter)
    RSVPFactory(
        meeting=MeetingFactory(chapter=chapter, title="PowerShell Snacks"), member=member_client.member
    )
    page = text(member_client.get(reverse("members:me")))
    assert "IT Pro Toronto" in page
    assert "PowerShell Snacks" in page and "Going" in page


def test_profile_saves_consents_and_language(member_client):
    response = member_client.post(
        reverse("members:profile"),
        {
            "display_name": "Ada Example",
            "bio": "Runs the help desk.",
            "preferred_language": "fr",
            "time_zone": "America/Moncton",
            "show_name_on_attendee_lists": "on",
        },
        follow=True,
    )
    assert "Votre profil est enregistré" in text(response)
    member = Member.objects.get(pk=member_client.member.pk)
    assert (member.display_name, member.preferred_language, str(member.time_zone)) == (
        "Ada Example",
        "fr",
        "America/Moncton",
    )
    assert member.show_name_on_attendee_lists and not member.share_contact_with_sponsors


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("display_name", "x" * 500),
        ("time_zone", "Mars/Olympus_Mons"),
        ("preferred_language", "tlh"),
        ("bio", "b" * 5000),
    ],
)
def test_profile_bad_input_shows_error_and_changes_nothing(member_client, field, value):
    data = {"display_name": "Kept", "preferred_language": "en", "time_zone": "America/Toronto", field: value}
    before = Member.objects.get(pk=member_client.member.pk)
    response = member_client.post(reverse("members:profile"), data)
    assert response.status_code == 200
    assert "invalid-feedback" in text(response)
    after = Member.objects.get(pk=member_client.member.pk)
    assert (after.display_name, after.time_zone, after.preferred_language, after.bio) == (
        before.display_name,
        before.time_zone,
        before.preferred_language,
        before.bio,
    )


def test_export_holds_own_data_only(member_client):
    chapter = ChapterFactory(name="MITPro")
    MembershipFactory(member=member_client.member, chapter=chapter)
    RSVPFactory(
        meeting=MeetingFactory(chapter=chapter, title="Virtualization Reality"), member=member_client.member
    )
    RSVPFactory(meeting=MeetingFactory(title="Someone else's evening"))
    response = member_client.get(reverse("members:export"))
    assert response["Content-Type"].startswith("application/json")
    data = json.loads(response.content)
    assert data["email"] == member_client.member.email
    assert [m["chapter"] for m in data["memberships"]] == ["MITPro"]
    assert [r["meeting"] for r in data["rsvps"]] == ["Virtualization Reality"]


def test_delete_with_wrong_password_changes_nothing(member_client):
    response = member_client.post(reverse("members:delete"), {"password": "wrong"})
    assert "That is not your password" in text(response)
    assert Member.objects.get(pk=member_client.member.pk).is_active


def test_delete_erases_person_and_gives_seat_to_waitlist(member_client):
    member = member_client.member
    meeting = MeetingFactory(capacity=1)
    RSVPFactory(meeting=meeting, member=member)
    waiting = RSVPFactory(meeting=meeting, status=RSVP.Status.WAITLISTED, waitlisted_at=timezone.now())
    MembershipFactory(
        member=member,
        newsletter_subscribed=True,
        newsletter_consent_at=timezone.now(),
        chapter=meeting.chapter,
    )
    ChapterRoleFactory(user=member, chapter=meeting.chapter)
    old_email = member.email
    response = member_client.post(
        reverse("members:delete"), {"password": "correct-horse-battery"}, follow=True
    )
    assert "Your account is closed" in text(response)
    erased = Member.objects.get(pk=member.pk)
    assert not erased.is_active and not erased.has_usable_password()
    assert old_email not in erased.email and erased.display_name == ""
    assert not EmailAddress.objects.filter(email=old_email).exists()
    assert not Membership.objects.filter(member=erased, newsletter_subscribed=True).exists()
    waiting.refresh_from_db()
    assert waiting.status == RSVP.Status.GOING
    assert member_client.get(reverse("members:me")).status_code != 200
    assert not member_client.login(email=old_email, password="correct-horse-battery")


def _export(member_client):
    return json.loads(member_client.get(reverse("members:export")).content)


def test_export_lists_emails_sent_to_member(member_client):
    chapter = ChapterFactory(name="MITPro")
    for member, subject in ((member_client.member, "You’re going: Q&A night"), (None, "Someone else's")):
        OutboxMessage.objects.create(
            kind="rsvp_going",
            member=member,
            chapter=chapter,
            to_email="x@example.org",
            from_email="a@example.org",
            subject=subject,
            body_text="x",
            status="sent",
            sent_at=timezone.now(),
        )
    (sent,) = _export(member_client)["emails_sent"]
    assert (sent["kind"], sent["subject"], sent["status"]) == (
        "rsvp_going",
        "You’re going: Q&A night",
        "sent",
    )
    assert sent["created_at"] and sent["sent_at"]


def test_export_lists_newsletter_deliveries(member_client):
    chapter = ChapterFactory(name="MITPro")
    newsletter = Newsletter.objects.create(chapter=chapter, subject="May news", body="x", status="sent")
    Delivery.objects.create(
        newsletter=newsletter, member=member_client.member, status="sent", sent_at=timezone.now()
    )
    Delivery.objects.create(newsletter=newsletter, member=MemberFactory(), status="sent")
    (delivery,) = _export(member_client)["newsletter_deliveries"]
    assert (delivery["newsletter"], delivery["chapter"], delivery["status"]) == ("May news", "MITPro", "sent")
    assert delivery["sent_at"]


def test_export_has_last_login(member_client):
    when = timezone.now().replace(microsecond=0)
    Member.objects.filter(pk=member_client.member.pk).update(last_login=when)
    assert _export(member_client)["last_login"] == when.isoformat()


def test_export_lists_chapter_roles(member_client):
    ChapterRoleFactory(user=member_client.member, chapter=ChapterFactory(name="MITPro"), role="organizer")
    ChapterRoleFactory(chapter=ChapterFactory(name="TWSUG"))
    assert _export(member_client)["chapter_roles"] == [
        {"chapter": "MITPro", "role": "organizer", "since": None}
    ]


def test_export_lists_sponsor_liaison_links(member_client):
    SponsorLiaisonFactory(user=member_client.member, sponsor=SponsorFactory(name="Contoso"))
    SponsorLiaisonFactory(sponsor=SponsorFactory(name="Fabrikam"))
    assert _export(member_client)["sponsor_liaison_for"] == ["Contoso"]


def test_export_lists_check_ins_done_as_volunteer(member_client):
    meeting = MeetingFactory(chapter=ChapterFactory(name="MITPro"), title="Virtualization Reality")
    at = timezone.now().replace(microsecond=0)
    RSVPFactory(
        meeting=meeting,
        member=MemberFactory(display_name="Ada"),
        checked_in_at=at,
        checked_in_by=member_client.member,
    )
    RSVPFactory(meeting=meeting, checked_in_at=at, checked_in_by=MemberFactory())
    (check_in,) = _export(member_client)["check_ins_done_as_volunteer"]
    # What the member did, not who the other attendee is: that is someone else's data.
    assert check_in == {
        "meeting": "Virtualization Reality",
        "chapter": "MITPro",
        "checked_in_at": at.isoformat(),
    }


def test_delete_page_says_cancellations_are_emailed_before_erasure(member_client):
    page = text(member_client.get(reverse("members:delete")))
    assert "we first email you a cancellation for each upcoming meeting" in page
    french = text(member_client.get("/fr" + reverse("members:delete")))
    assert "nous vous envoyons d’abord une annulation pour chaque rencontre à venir" in french
