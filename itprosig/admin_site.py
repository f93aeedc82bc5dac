"""The admin site organizers work in.

Access comes from a ChapterRole (organizer) or superuser status alone, never from is_staff or
Django's per-model permissions, so granting or removing a role is the one switch that matters.
"""

from allauth.account.adapter import get_adapter
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from chapters.rules import may_enter_admin


class OrganizerAuthenticationForm(AdminAuthenticationForm):
    """Let organizers in by their role; Django's own form would ask for staff status."""

    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "not_organizer": _(
            "This account does not organize a chapter. Members manage their RSVPs and email "
            "on the website instead."
        ),
    }

    def clean(self):
        """Authenticate through allauth, so failed admin logins count against the site's limits.

        allauth throttles failed logins per account and per client (ACCOUNT_RATE_LIMITS
        "login_failed"); going through its adapter shares those counters and windows, so neither
        login is a way around the other's limit.
        """
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is not None and password:
            adapter = get_adapter(self.request)
            self.user_cache = adapter.authenticate(self.request, email=username, password=password)
            if self.user_cache is None:
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data

    def confirm_login_allowed(self, user):
        if not may_enter_admin(user):
            raise ValidationError(self.error_messages["not_organizer"], code="not_organizer")


class OrganizerAdminSite(admin.AdminSite):
    site_header = _("itprosig organizers")
    site_title = _("itprosig admin")
    index_title = _("Your chapters")
    login_form = OrganizerAuthenticationForm

    def has_permission(self, request):
        return may_enter_admin(request.user)
