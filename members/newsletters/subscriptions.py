"""Newsletter consent: subscribe and unsubscribe, with the time and source CASL asks us to keep."""

from django.db import transaction
from django.utils import timezone

from members.models import Membership


def membership_unsubscribe(*, member_id, chapter_id):
    """Stop the chapter's newsletter for this member at once; return whether anything changed."""
    changed = Membership.objects.filter(
        member_id=member_id, chapter_id=chapter_id, newsletter_subscribed=True
    ).update(newsletter_subscribed=False, newsletter_unsubscribed_at=timezone.now())
    return bool(changed)


def membership_subscribe(*, membership, source):
    """Record the member's consent (now, from `source`) and subscribe them."""
    Membership.objects.filter(pk=membership.pk).update(
        newsletter_subscribed=True,
        newsletter_consent_at=timezone.now(),
        newsletter_consent_source=source,
        newsletter_unsubscribed_at=None,
    )


def newsletter_preferences_update(*, member, subscribed_chapter_ids, source=Membership.Source.WEBSITE):
    """Make the member subscribed to exactly these of their chapters; return (added, removed) counts."""
    wanted = set(subscribed_chapter_ids)
    added = removed = 0
    with transaction.atomic():
        for membership in Membership.objects.select_for_update().filter(member=member):
            if membership.chapter_id in wanted and not membership.newsletter_subscribed:
                membership_subscribe(membership=membership, source=source)
                added += 1
            elif membership.chapter_id not in wanted and membership.newsletter_subscribed:
                membership_unsubscribe(member_id=member.pk, chapter_id=membership.chapter_id)
                removed += 1
    return added, removed
