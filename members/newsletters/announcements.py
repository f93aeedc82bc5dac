"""Meeting announcements: a chapter's members choose to hear of each new meeting, apart from its newsletter.

CASL treats an announcement like a newsletter: nobody receives one without having ticked the box,
and we keep when and how they did.
"""

from django import forms
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from members.mail.rendering import absolute_url
from members.mail.tokens import unsubscribe_token
from members.models import Membership


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


class AnnouncementPreferencesForm(forms.Form):
    """The chapters, among the member's own, whose meeting announcements they want."""

    announcements = forms.TypedMultipleChoiceField(coerce=int, required=False)

    def __init__(self, *args, memberships, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["announcements"].choices = [(m.chapter_id, m.chapter.name) for m in memberships]


def announcement_preferences_update(*, member, chapter_ids, source=Membership.Source.WEBSITE):
    """Make the member receive announcements from exactly these of their chapters; return (added, removed)."""
    wanted = set(chapter_ids)
    added = removed = 0
    with transaction.atomic():
        for membership in Membership.objects.select_for_update().filter(member=member):
            if membership.chapter_id in wanted and not membership.announcements_subscribed:
                membership.announcements_subscribed = True
                membership.announcements_consent_at = timezone.now()
                membership.announcements_consent_source = source
                added += 1
            elif membership.chapter_id not in wanted and membership.announcements_subscribed:
                # The consent record stays: when it was given is still true; it no longer applies.
                membership.announcements_subscribed = False
                removed += 1
            else:
                continue
            membership.save(
                update_fields=[
                    "announcements_subscribed",
                    "announcements_consent_at",
                    "announcements_consent_source",
                ]
            )
    return added, removed
