"""Drop cached public pages when volunteer roles, sign-ups or polls change.

The chapter page thanks volunteers and lists open polls; the meeting page links to its volunteer
roles. Organizers change these through the admin's model forms, so signals reach every write.
"""

from django.db.models.signals import post_delete, post_save

from itprosig.page_cache import invalidate_pages


def _changed(sender, **kwargs):
    invalidate_pages()


def connect():
    from .models import Poll, VolunteerRole, VolunteerSignup

    for model in (Poll, VolunteerRole, VolunteerSignup):
        post_save.connect(_changed, sender=model, dispatch_uid=f"pages-save-{model._meta.label}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"pages-delete-{model._meta.label}")
