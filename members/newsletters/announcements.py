"""Meeting announcements: a chapter's members choose to hear of each new meeting, apart from its newsletter.

CASL treats an announcement like a newsletter: nobody receives one without having ticked the box,
and we keep when and how they did.
"""

from django.urls import reverse
from django.utils import timezone

from members.mail.rendering import absolute_url
from members.mail.tokens import unsubscribe_token
from members.models import Membership
from members.newsletters.subscriptions import preferences_update


def announcements_unsubscribe_url(*, member_id, chapter_id):
    """Return the link that stops this chapter's announcements to this member, no login needed.

    It carries the same signed (member, chapter) token as the newsletter's: either only ever
    withdraws the member's own consent.
    """
    token = unsubscribe_token(member_id=member_id, chapter_id=chapter_id)
    return absolute_url(reverse("mail:announcements_unsubscribe", kwargs={"token": token}))


def announcements_unsubscribe(*, member_id, chapter_id):
    """Stop the chapter's meeting announcements to this member at once; return whether anything changed."""
    changed = Membership.objects.filter(
        member_id=member_id, chapter_id=chapter_id, announcements_subscribed=True
    ).update(announcements_subscribed=False)
    return bool(changed)


def announcement_preferences_update(*, member, chapter_ids):
    """Make the member receive announcements from exactly these of their chapters."""
    preferences_update(
        member=member, chapter_ids=chapter_ids, subscribed_field="announcements_subscribed", change=_choose
    )


def _choose(membership, subscribed):
    membership.announcements_subscribed = subscribed
    # Withdrawn, the consent record stays: when it was given is still true; it no longer applies.
    if subscribed:
        membership.announcements_consent_at = timezone.now()
        membership.announcements_consent_source = Membership.Source.WEBSITE
    membership.save(
        update_fields=["announcements_subscribed", "announcements_consent_at", "announcements_consent_source"]
    )
