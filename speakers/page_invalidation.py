"""Drop cached public pages when a speaker's profile, a talk's link to it, or a tour changes.

The meeting page links a talk to its speaker's public profile; organizers and superusers may also
change these rows in the admin's plain model forms, so signals (not only services) reach the cache.
Cache upkeep only, as in meetings.page_invalidation.
"""

from django.db.models.signals import post_delete, post_save

from itprosig.page_cache import invalidate_pages


def _changed(sender, **kwargs):
    invalidate_pages()


def connect():
    from .models import Proposal, SpeakerProfile, Tour, TourStop

    for model in (SpeakerProfile, Proposal, Tour, TourStop):
        post_save.connect(_changed, sender=model, dispatch_uid=f"pages-save-{model._meta.label}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"pages-delete-{model._meta.label}")
