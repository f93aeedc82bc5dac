"""Drop cached public pages whenever data they show changes (see itprosig.page_cache)."""

from django.db.models.signals import m2m_changed

from itprosig.page_cache import invalidate_pages, invalidate_pages_on_change

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


def _topics_changed(sender, **kwargs):
    invalidate_pages()


def connect():
    from .models import Meeting

    invalidate_pages_on_change(*PAGE_MODELS)
    m2m_changed.connect(_topics_changed, sender=Meeting.topics.through, dispatch_uid="pages-meeting-topics")
