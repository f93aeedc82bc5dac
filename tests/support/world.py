"""Two chapters with one person in every role, and one object of every admin model in the first."""

import pytest

from chapters.models import ChapterInterest, ChapterRole
from meetings.models import CheckInChange, ReportAccessLog, WalkInGuest
from members.mail.models import OutboxMessage
from members.newsletters.models import Newsletter
from tests.factories import (
    ChapterFactory,
    ChapterRoleFactory,
    MeetingFactory,
    MemberFactory,
    MembershipFactory,
    RSVPFactory,
    SponsorLiaisonFactory,
    SponsorshipFactory,
    TopicFactory,
    VenueFactory,
)

PASSWORD = "correct-horse-battery"


@pytest.fixture
def world(db):
    toronto = ChapterFactory(name="IT Pro Toronto", slug="it-pro-toronto")
    montreal = ChapterFactory(name="MITPro", slug="mitpro", city="Montréal", region="QC")
    member = MemberFactory(email="member@example.org", display_name="Max Member")
    membership = MembershipFactory(member=member, chapter=toronto)
    venue = VenueFactory(chapter=toronto, name="King Street Conference Centre")
    meeting = MeetingFactory(chapter=toronto, venue=venue, title="Hyper-V in production")
    topic = TopicFactory(name="Virtualization", slug="virtualization")
    meeting.topics.add(topic)
    rsvp = RSVPFactory(meeting=meeting, member=member)
    volunteer = ChapterRoleFactory(
        user=MemberFactory(email="volunteer@example.org"), chapter=toronto, role=ChapterRole.Role.VOLUNTEER
    )
    organizer = ChapterRoleFactory(user=MemberFactory(email="organizer@example.org"), chapter=toronto).user
    other = ChapterRoleFactory(
        user=MemberFactory(email="organizer.mitpro@example.org"), chapter=montreal
    ).user
    sponsorship = SponsorshipFactory(chapter=toronto)
    liaison = SponsorLiaisonFactory(
        user=MemberFactory(email="liaison@example.org"), sponsor=sponsorship.sponsor
    )
    superuser = MemberFactory(email="admin@example.org", is_superuser=True, is_staff=True)
    guest = WalkInGuest.objects.create(meeting=meeting, name="Gus Guest", email="gus@example.org")
    return {
        "chapters": {"toronto": toronto, "montreal": montreal},
        "users": {
            "anonymous": None,
            "member": member,
            "volunteer": volunteer.user,
            "other_organizer": other,
            "organizer": organizer,
            "liaison": liaison.user,
            "superuser": superuser,
        },
        "objects": {
            "chapters.chapter": toronto,
            "chapters.venue": venue,
            "chapters.chapterrole": volunteer,
            "chapters.chapterinterest": ChapterInterest.objects.create(chapter=toronto, user=member),
            "chapters.sponsor": sponsorship.sponsor,
            "chapters.sponsorship": sponsorship,
            "chapters.sponsorliaison": liaison,
            "members.member": member,
            "members.membership": membership,
            "meetings.topic": topic,
            "meetings.meeting": meeting,
            "meetings.rsvp": rsvp,
            "members.newsletter": Newsletter.objects.create(
                chapter=toronto, subject="November news", body="Hello, Toronto.", created_by=organizer
            ),
            "members.outboxmessage": OutboxMessage.objects.create(
                kind="rsvp_going",
                member=member,
                chapter=toronto,
                from_email="IT Pro Toronto <noreply@itprosig.example.org>",
                to_email=member.email,
                subject="You are going",
                body_text="See you there.",
            ),
            "meetings.reportaccesslog": ReportAccessLog.objects.create(
                user=liaison.user,
                user_email=liaison.user.email,
                chapter=toronto,
                report=ReportAccessLog.Report.CHAPTER,
            ),
            "meetings.walkinguest": guest,
            "meetings.checkinchange": CheckInChange.objects.create(
                meeting=meeting, action=CheckInChange.Action.WALK_IN_GUEST, guest=guest, by=volunteer.user
            ),
        },
    }
