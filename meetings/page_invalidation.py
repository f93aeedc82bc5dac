"""Drop cached public pages whenever data they show changes.

Signals are used here, not calls from services, on purpose: organizers change chapters, venues,
sponsors and agendas through the admin's plain model forms, and every such write must reach the
cache. This is cache upkeep only; no business rule lives here.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save

from itprosig.page_cache import invalidate_pages


def _changed(sender, **kwargs):
    # A login stamps last_login on the member: nothing public changed.
    if kwargs.get("update_fields") == frozenset({"last_login"}):
        return
    invalidate_pages()


# Every model whose rows a public page shows.
PAGE_MODELS = (
    "chapters.Chapter",
    "chapters.ChapterInterest",
    "chapters.ChapterRole",
    "chapters.Sponsor",
    "chapters.SponsorLiaison",
    "chapters.Sponsorship",
    "chapters.Venue",
    "members.Member",
    "members.Membership",
    "meetings.Meeting",
    "meetings.AgendaItem",
    "meetings.Topic",
    "meetings.RSVP",
)


def connect():
    from .models import Meeting

    for label in PAGE_MODELS:
        post_save.connect(_changed, sender=label, dispatch_uid=f"pages-save-{label}")
        post_delete.connect(_changed, sender=label, dispatch_uid=f"pages-delete-{label}")
    m2m_changed.connect(_changed, sender=Meeting.topics.through, dispatch_uid="pages-meeting-topics")
