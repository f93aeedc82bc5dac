"""Writes a member can cause on their own account and memberships."""

from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chapters.models import ChapterInterest, ChapterRole, SponsorLiaison
from members.newsletters.models import Delivery
from members.newsletters.subscriptions import membership_subscribe

from . import account_hooks
from .mail.outbox import outbox_compose_now, outbox_forget_member
from .models import Membership

PROFILE_FIELDS = (
    "display_name",
    "bio",
    "preferred_language",
    "time_zone",
    "share_contact_with_sponsors",
    "show_name_on_attendee_lists",
    "meeting_reminders",
)


class Refused(Exception):
    """A write the rules do not allow; ``message``, from the subclass's MESSAGES, is fit to show."""

    MESSAGES = {}

    def __init__(self, code):
        self.code = code
        self.message = self.MESSAGES[code]
        super().__init__(code)


class MembershipRefused(Refused):
    """A join or "count me in" the rules do not allow."""

    MESSAGES = {
        "forming": _("This chapter is still forming: say “count me in” and we will let you know."),
        "not_forming": _("This chapter already meets: join it instead."),
        "inactive": _("This account is not active."),
    }


def membership_join(*, member, chapter, newsletter=False, now=None):
    """Make the member part of an active chapter; subscribe to its newsletter only if asked.

    Joining again is harmless; asking for the newsletter again records consent if it was missing.
    Return (membership, created).
    """
    if not member.is_active:
        raise MembershipRefused("inactive")
    if chapter.is_forming:
        raise MembershipRefused("forming")
    now = now or timezone.now()
    with transaction.atomic():
        membership, created = membership_ensure(
            member=member, chapter_id=chapter.pk, source=Membership.Source.WEBSITE, now=now
        )
        if newsletter and not membership.newsletter_subscribed:
            membership_subscribe(membership=membership, source=Membership.Source.WEBSITE, consented_at=now)
    return membership, created


def membership_ensure(*, member, chapter_id, source, now=None):
    """Make the member part of the chapter if they are not yet, recording how they came (`source`).

    Joining never subscribes anyone to the newsletter: consent is a separate, explicit choice.
    Return (membership, created).
    """
    return Membership.objects.get_or_create(
        member=member, chapter_id=chapter_id, defaults={"joined_at": now or timezone.now(), "source": source}
    )


def membership_leave(*, member, chapter):
    """Remove the member from a chapter (and so from its newsletter). Return whether they were in it."""
    deleted, _detail = Membership.objects.filter(member=member, chapter=chapter).delete()
    return bool(deleted)


def chapter_interest_add(*, member, chapter):
    """Record the member's "count me in" for a forming chapter. Return (interest, created)."""
    if not member.is_active:
        raise MembershipRefused("inactive")
    if not chapter.is_forming:
        raise MembershipRefused("not_forming")
    return ChapterInterest.objects.get_or_create(chapter=chapter, user=member)


def chapter_interest_remove(*, member, chapter):
    deleted, _detail = ChapterInterest.objects.filter(chapter=chapter, user=member).delete()
    return bool(deleted)


def member_profile_update(*, member, **fields):
    """Change the member's profile and consent flags; unknown fields are refused."""
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise TypeError(f"not profile fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(member, name, value)
    member.full_clean(exclude=["password", "email"])
    member.save(update_fields=list(fields))
    return member


def member_close_account(*, member):
    """Close the member's account: withdraw their RSVPs in their name, then erase them.

    The withdrawal emails (RSVP cancelled, with the calendar's METHOD:CANCEL) are written now,
    while the name and address still exist, and go out after commit; they are redacted once
    sent. Every other email and newsletter delivery to the member keeps nothing personal.

    The row stays, anonymous, so past attendance still counts in chapters' figures; the name, email,
    profile, consents, roles and newsletter subscriptions are gone and nobody can log in as it.
    """
    with transaction.atomic():
        # The apps above members give up what the member holds there (meetings: their seats).
        withdrawals = account_hooks.run_closing_steps(member)
        outbox_compose_now(rows=withdrawals)
        _erase(member)
        outbox_forget_member(member=member, keep=withdrawals)
        _forget_deliveries(member)
    return member


def _erase(member):
    EmailAddress.objects.filter(user=member).delete()
    ChapterInterest.objects.filter(user=member).delete()
    ChapterRole.objects.filter(user=member).delete()
    SponsorLiaison.objects.filter(user=member).delete()
    Membership.objects.filter(member=member).update(
        newsletter_subscribed=False, newsletter_unsubscribed_at=timezone.now()
    )
    member.email = f"erased-{member.pk}@invalid.example.org"
    member.display_name = ""
    member.bio = ""
    member.share_contact_with_sponsors = False
    member.show_name_on_attendee_lists = False
    member.is_active = False
    member.is_staff = False
    member.is_superuser = False
    member.set_unusable_password()
    member.save()
    member.groups.clear()
    member.user_permissions.clear()


def _forget_deliveries(member):
    deliveries = Delivery.objects.filter(member=member)
    # A newsletter still going out must not be written for the erased account.
    deliveries.filter(status=Delivery.Status.PENDING).update(status=Delivery.Status.SKIPPED)
    # Refusals from the member's mail server quote the address.
    deliveries.exclude(last_error="").update(last_error="")
