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


def connect():
    from chapters.models import (
        Chapter,
        ChapterInterest,
        ChapterRole,
        Sponsor,
        SponsorLiaison,
        Sponsorship,
        Venue,
    )
    from members.models import Member, Membership

    from .models import RSVP, AgendaItem, Meeting, Topic

    for model in (
        Chapter,
        ChapterInterest,
        ChapterRole,
        Sponsor,
        SponsorLiaison,
        Sponsorship,
        Venue,
        Member,
        Membership,
        Meeting,
        AgendaItem,
        Topic,
        RSVP,
    ):
        post_save.connect(_changed, sender=model, dispatch_uid=f"pages-save-{model._meta.label}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"pages-delete-{model._meta.label}")
    m2m_changed.connect(_changed, sender=Meeting.topics.through, dispatch_uid="pages-meeting-topics")
