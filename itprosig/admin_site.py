"""The admin site organizers work in.

Access comes from a ChapterRole (organizer) or superuser status alone, never from is_staff or
Django's per-model permissions, so granting or removing a role is the one switch that matters.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from chapters.permissions import is_organizer


class OrganizerAdminSite(admin.AdminSite):
    site_header = _("itprosig organizers")
    site_title = _("itprosig admin")
    index_title = _("Your chapters")

    def has_permission(self, request):
        user = request.user
        return user.is_active and (user.is_superuser or is_organizer(user))
