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


def membership_subscribe(*, membership, source, consented_at=None):
    """Subscribe the member to the chapter's newsletter, recording their consent.

    CASL asks us to keep when and how consent was given: `consented_at` (now unless a record such
    as an imported list says otherwise) and `source`. A past unsubscription no longer applies.
    Every way to subscribe (joining, the preferences page, an import) goes through here.
    """
    membership.newsletter_subscribed = True
    membership.newsletter_consent_at = consented_at or timezone.now()
    membership.newsletter_consent_source = source
    membership.newsletter_unsubscribed_at = None
    membership.save(
        update_fields=[
            "newsletter_subscribed",
            "newsletter_consent_at",
            "newsletter_consent_source",
            "newsletter_unsubscribed_at",
        ]
    )
    return membership


def preferences_update(*, member, chapter_ids, subscribed_field, change):
    """Make the member receive one kind of email from exactly these of their chapters.

    `subscribed_field` names the membership's flag for that kind; `change(membership, subscribed)`
    records a new choice for one chapter.
    """
    wanted = set(chapter_ids)
    with transaction.atomic():
        for membership in Membership.objects.select_for_update().filter(member=member):
            subscribed = membership.chapter_id in wanted
            if getattr(membership, subscribed_field) != subscribed:
                change(membership, subscribed)


def newsletter_preferences_update(*, member, subscribed_chapter_ids):
    """Make the member subscribed to exactly these of their chapters' newsletters."""

    def change(membership, subscribed):
        if subscribed:
            membership_subscribe(membership=membership, source=Membership.Source.WEBSITE)
        else:
            membership_unsubscribe(member_id=member.pk, chapter_id=membership.chapter_id)

    preferences_update(
        member=member,
        chapter_ids=subscribed_chapter_ids,
        subscribed_field="newsletter_subscribed",
        change=change,
    )
