"""Read-side queries for member pages."""

from allauth.account.models import EmailAddress

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


def member_export(member):
    """Return the member's own data as plain values: profile, consents, memberships, interests."""
    return {
        "email": member.email,
        "display_name": member.display_name,
        "bio": member.bio,
        "preferred_language": member.preferred_language,
        "time_zone": member.time_zone,
        "share_contact_with_sponsors": member.share_contact_with_sponsors,
        "show_name_on_attendee_lists": member.show_name_on_attendee_lists,
        "date_joined": member.date_joined.isoformat(),
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
                "newsletter_consent_at": (
                    membership.newsletter_consent_at.isoformat() if membership.newsletter_consent_at else None
                ),
                "newsletter_consent_source": membership.newsletter_consent_source,
                "newsletter_unsubscribed_at": (
                    membership.newsletter_unsubscribed_at.isoformat()
                    if membership.newsletter_unsubscribed_at
                    else None
                ),
            }
            for membership in memberships_of(member)
        ],
        "chapters_counted_in": [
            interest.chapter.name for interest in member.chapter_interests.select_related("chapter")
        ],
    }
