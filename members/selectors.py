"""Read-side queries for member pages."""

from allauth.account.models import EmailAddress

from chapters.models import ChapterRole, SponsorLiaison
from members.mail.models import OutboxMessage
from members.newsletters.models import Delivery

from . import account_hooks
from .models import Membership


def membership_of(member, chapter):
    """Return the member's membership of a chapter, or None (also for anonymous visitors)."""
    if not member.is_authenticated:
        return None
    return Membership.objects.filter(member=member, chapter=chapter).first()


def memberships_of(member):
    return Membership.objects.filter(member=member).select_related("chapter").order_by("chapter__name")


def has_verified_email(member):
    return EmailAddress.objects.filter(user=member, verified=True).exists()


def _iso(moment):
    return moment.isoformat() if moment else None


def member_export(member):
    """Return the member's own data as plain values, for their access request (Law 25, PIPEDA).

    Profile, consents, memberships, interests, roles, liaison links, the email we sent them and
    the check-ins they recorded as a volunteer.
    """
    return {
        "email": member.email,
        "display_name": member.display_name,
        "bio": member.bio,
        "preferred_language": member.preferred_language,
        "time_zone": str(member.time_zone),
        "share_contact_with_sponsors": member.share_contact_with_sponsors,
        "show_name_on_attendee_lists": member.show_name_on_attendee_lists,
        "date_joined": member.date_joined.isoformat(),
        "last_login": _iso(member.last_login),
        "email_addresses": [
            {"email": address.email, "verified": address.verified, "primary": address.primary}
            for address in EmailAddress.objects.filter(user=member).order_by("email")
        ],
        "memberships": [
            {
                "chapter": membership.chapter.name,
                "joined_at": membership.joined_at.isoformat(),
                "joined_through": membership.source,
                "newsletter_subscribed": membership.newsletter_subscribed,
                "newsletter_consent_at": _iso(membership.newsletter_consent_at),
                "newsletter_consent_source": membership.newsletter_consent_source,
                "newsletter_unsubscribed_at": _iso(membership.newsletter_unsubscribed_at),
                "announcements_subscribed": membership.announcements_subscribed,
                "announcements_consent_at": _iso(membership.announcements_consent_at),
                "announcements_consent_source": membership.announcements_consent_source,
            }
            for membership in memberships_of(member)
        ],
        "chapters_counted_in": [
            interest.chapter.name for interest in member.chapter_interests.select_related("chapter")
        ],
        "chapter_roles": [
            {"chapter": role.chapter.name, "role": role.role, "since": _iso(role.since)}
            for role in ChapterRole.objects.filter(user=member)
            .select_related("chapter")
            .order_by("chapter__name", "role")
        ],
        "sponsor_liaison_for": list(
            SponsorLiaison.objects.filter(user=member)
            .order_by("sponsor__name")
            .values_list("sponsor__name", flat=True)
        ),
        "emails_sent": _emails_sent(member),
        "newsletter_deliveries": _newsletter_deliveries(member),
        # What the apps above members hold about the member (meetings: check-ins they recorded).
        **account_hooks.export_sections(member),
    }


def _emails_sent(member):
    """What we wrote to the member and when; not the bodies, which hold nothing more about them."""
    rows = (
        OutboxMessage.objects.filter(member=member)
        .order_by("created_at", "pk")
        .values("kind", "subject", "status", "created_at", "sent_at")
    )
    return [{**row, "created_at": _iso(row["created_at"]), "sent_at": _iso(row["sent_at"])} for row in rows]


def _newsletter_deliveries(member):
    return [
        {
            "newsletter": row["newsletter__subject"],
            "chapter": row["newsletter__chapter__name"],
            "status": row["status"],
            "sent_at": _iso(row["sent_at"]),
        }
        for row in Delivery.objects.filter(member=member)
        .order_by("newsletter__created_at", "pk")
        .values("newsletter__subject", "newsletter__chapter__name", "status", "sent_at")
    ]
