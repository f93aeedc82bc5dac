"""The admin site organizers work in.

Access comes from a ChapterRole (organizer) or superuser status alone, never from is_staff or
Django's per-model permissions, so granting or removing a role is the one switch that matters.
"""

from functools import wraps

from allauth.account.adapter import get_adapter
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse, translate_url
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from chapters.rules import may_enter_admin
from meetings.organizer_home import organizer_home


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

    def admin_view(self, view, cacheable=False):
        """Wrap every admin page so it opens in the organizer's preferred language."""
        inner = super().admin_view(view, cacheable)

        @wraps(inner)
        def in_preferred_language(request, *args, **kwargs):
            return _to_preferred_language(request) or inner(request, *args, **kwargs)

        return in_preferred_language

    def get_app_list(self, request, app_label=None):
        # Every admin page lists the models in its sidebar, and the index lists them again: work
        # out what this user may reach once per request (a permission check per model each time).
        if app_label is not None:
            return super().get_app_list(request, app_label)
        if not hasattr(request, "_admin_app_list"):
            request._admin_app_list = super().get_app_list(request)
        return request._admin_app_list

    def each_context(self, request):
        # "View site" leads to the public site in the admin's language: /fr/ from /fr/admin/.
        return {**super().each_context(request), "site_url": reverse("chapters:home")}

    def index(self, request, extra_context=None):
        """Show the organizer's home: their chapters' next meetings, what they lack, tonight's door.

        Superusers see it for every chapter. The list of models stays below it for everyone: it
        is the way to venues, memberships and RSVPs, which the home does not list.
        """
        context = {"organizer_home": organizer_home(request.user), **(extra_context or {})}
        return super().index(request, context)


def _to_preferred_language(request):
    """Return a redirect from an unprefixed admin address to the user's language's, or None.

    `/admin/` is the English address and `/fr/admin/` the French one, so links and the language
    match. Only GET is redirected (a form posted to /admin/ keeps its data); an address that names
    its language is always served in it, which lets anyone open the other one on purpose.
    """
    if request.method != "GET" or not request.user.is_authenticated:
        return None
    preferred = getattr(request.user, "preferred_language", "") or ""
    if not preferred or translation.get_language_from_path(request.path_info):
        return None
    if preferred == translation.get_language():
        return None
    target = translate_url(request.get_full_path(), preferred)
    if target == request.get_full_path():
        return None
    return HttpResponseRedirect(target)
