"""Members and memberships in the organizers' admin.

An organizer sees the members of their chapters (read-only: a member's account is theirs) and
manages those chapters' memberships. Superusers manage accounts.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from chapters.admin_scoping import (
    ChapterScopedAdmin,
    ChapterScopeMixin,
    SuperuserWritesMixin,
    scoped_list_filter,
)
from chapters.rules import is_superuser, organized_chapter_ids
from members.newsletters.subscriptions import membership_unsubscribe

from .models import Member, Membership


class _EmailFormMixin:
    def clean_email(self):
        # Logins and allauth treat addresses case-insensitively; store them as the manager does.
        email = self.cleaned_data["email"].strip().lower()
        clash = Member.objects.filter(email__iexact=email).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("A member with this email address already exists."))
        return email


class MemberCreationForm(_EmailFormMixin, AdminUserCreationForm):
    class Meta:
        model = Member
        fields = ["email", "display_name"]


class MemberChangeForm(_EmailFormMixin, UserChangeForm):
    class Meta:
        model = Member
        fields = "__all__"


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ["chapter", "joined_at", "source", "newsletter_subscribed", "newsletter_consent_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        qs = super().get_queryset(request).select_related("chapter")
        if is_superuser.test(request.user):
            return qs
        # An organizer sees a member's memberships of their own chapters only.
        return qs.filter(chapter__in=organized_chapter_ids(request.user))


@admin.register(Member)
class MemberAdmin(SuperuserWritesMixin, ChapterScopeMixin, UserAdmin):
    """Organizers read their chapters' members; accounts are created and changed by superusers."""

    chapter_path = "memberships__chapter"
    form = MemberChangeForm
    add_form = MemberCreationForm
    ordering = ["email"]
    list_display = ["email", "display_name", "preferred_language", "date_joined", "is_active"]
    list_filter = ["is_active", "is_superuser", "preferred_language", "memberships__chapter"]
    search_fields = ["email", "display_name"]
    date_hierarchy = "date_joined"
    inlines = [MembershipInline]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Profile"), {"fields": ["display_name", "bio", "preferred_language", "time_zone"]}),
        (_("Consents"), {"fields": ["share_contact_with_sponsors", "show_name_on_attendee_lists"]}),
        (_("Access"), {"fields": ["is_active", "is_staff", "is_superuser"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    # What an organizer may read about a member of their chapter: no password hash, no access flags.
    organizer_fieldsets = [
        (None, {"fields": ["email", "display_name", "preferred_language", "time_zone"]}),
        (_("Consents"), {"fields": ["share_contact_with_sponsors", "show_name_on_attendee_lists"]}),
        (_("Dates"), {"fields": ["date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "display_name", "password1", "password2"]})
    ]
    filter_horizontal = []

    def get_inlines(self, request, obj):
        # A new account has no memberships yet: they come from joining, RSVPs or an import.
        return self.inlines if obj is not None else []

    def get_fieldsets(self, request, obj=None):
        if obj is not None and not is_superuser.test(request.user):
            return self.organizer_fieldsets
        return super().get_fieldsets(request, obj)

    def get_list_filter(self, request):
        if is_superuser.test(request.user):
            return self.list_filter
        return ["preferred_language", scoped_list_filter(Member, "memberships__chapter")]


class MembershipForm(forms.ModelForm):
    class Meta:
        model = Membership
        # Newsletter consent is the member's to give (or a consent-checked import's), never an
        # organizer's on their behalf (CASL): those fields are shown read-only.
        fields = ["member", "chapter", "joined_at", "source"]


NEWSLETTER_FIELDS = [
    "newsletter_subscribed",
    "newsletter_consent_at",
    "newsletter_consent_source",
    "newsletter_unsubscribed_at",
]


@admin.register(Membership)
class MembershipAdmin(ChapterScopedAdmin):
    form = MembershipForm
    list_display = ["member", "chapter", "joined_at", "source", "newsletter_subscribed"]
    list_filter = ["chapter", "source", "newsletter_subscribed"]
    list_select_related = ["member", "chapter"]
    search_fields = ["member__email", "member__display_name"]
    date_hierarchy = "joined_at"
    autocomplete_fields = ["member"]
    readonly_fields = NEWSLETTER_FIELDS
    actions = ["unsubscribe_from_newsletter"]
    fieldsets = [
        (None, {"fields": ["member", "chapter", "joined_at", "source"]}),
        (
            _("Newsletter"),
            {
                "fields": NEWSLETTER_FIELDS,
                "description": _(
                    "Members subscribe themselves (or through an import that records their consent). "
                    "To honour a request to stop, select them in the list and use the unsubscribe action."
                ),
            },
        ),
    ]

    def get_changeform_initial_data(self, request):
        return {"source": Membership.Source.ADMIN, **super().get_changeform_initial_data(request)}

    @admin.action(description=_("Unsubscribe from the newsletter (at the member's request)"))
    def unsubscribe_from_newsletter(self, request, queryset):
        # Anti-spam law (CASL) asks that a request to stop be honoured, however it arrives.
        done = sum(
            membership_unsubscribe(member_id=member_id, chapter_id=chapter_id)
            for member_id, chapter_id in queryset.values_list("member_id", "chapter_id")
        )
        if not done:
            self.message_user(
                request, _("None of the selected members receives the newsletter."), messages.WARNING
            )
            return
        self.message_user(
            request,
            ngettext(
                "%(count)d member will no longer receive the newsletter.",
                "%(count)d members will no longer receive the newsletter.",
                done,
            )
            % {"count": done},
            messages.SUCCESS,
        )


# Newsletters and the email outbox register their admin classes on import.
from members.mail import admin as mail_admin  # noqa: E402, F401
from members.newsletters import admin as newsletters_admin  # noqa: E402, F401
