"""Chapters in the organizers' admin: an organizer edits their own chapter, venues and team.

Creating or deleting a chapter, and everything about sponsors, is for superusers.
"""

from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from .admin_scoping import (
    ChapterScopedAdmin,
    ChapterScopedTabularInline,
    ReadOnlyAdminMixin,
    SuperuserOnlyAdmin,
    SuperuserWritesMixin,
)
from .models import Chapter, ChapterInterest, ChapterRole, Sponsor, SponsorLiaison, Sponsorship, Venue
from .rules import is_superuser


class VenueInline(ChapterScopedTabularInline):
    model = Venue
    extra = 0
    fields = ["name", "address", "city", "capacity", "map_url", "accessibility_notes"]


class TeamChoicesMixin:
    """An organizer gives a role only to members of their chapters, never to a staff account.

    Staff and superuser accounts are the network's administrators: an organizer can neither
    promote nor demote them through a chapter role.
    """

    def narrow_choices(self, request, field_name, queryset):
        queryset = super().narrow_choices(request, field_name, queryset)
        if field_name == "user" and not is_superuser.test(request.user):
            return queryset.filter(is_staff=False, is_superuser=False)
        return queryset


class ChapterRoleInline(TeamChoicesMixin, ChapterScopedTabularInline):
    model = ChapterRole
    extra = 0
    fields = ["user", "role", "since"]
    autocomplete_fields = ["user"]


@admin.register(Chapter)
class ChapterAdmin(SuperuserWritesMixin, ChapterScopedAdmin):
    chapter_path = ""
    # An organizer edits their chapter; opening or closing one is the network's decision.
    superuser_actions = ("add", "delete")
    # The member count groups rows, and a grouped query drops the model's ordering: say it here.
    ordering = ["name"]
    list_display = ["name", "city", "region", "status", "founded_on", "member_count"]
    list_filter = ["status", "region", "country"]
    search_fields = ["name", "city", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [VenueInline, ChapterRoleInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "name",
                    "slug",
                    "status",
                    "founded_on",
                    "description",
                    "description_fr",
                    "website",
                    "logo",
                ]
            },
        ),
        (_("Place"), {"fields": ["city", "region", "country", "time_zone"]}),
        (_("Contact"), {"fields": ["contact_email", "mailing_address"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(member_total=Count("memberships", distinct=True))

    @admin.display(description=_("members"), ordering="member_total")
    def member_count(self, obj):
        return obj.member_total

    def get_prepopulated_fields(self, request, obj=None):
        return {} if obj else self.prepopulated_fields

    def get_readonly_fields(self, request, obj=None):
        # Links and feeds use the slug; once a chapter exists it keeps it.
        return ["slug"] if obj else []


@admin.register(Venue)
class VenueAdmin(ChapterScopedAdmin):
    list_display = ["name", "chapter", "city", "capacity"]
    list_filter = ["chapter", "city"]
    list_select_related = ["chapter"]
    search_fields = ["name", "address", "city"]


@admin.register(ChapterRole)
class ChapterRoleAdmin(TeamChoicesMixin, ChapterScopedAdmin):
    list_display = ["user", "chapter", "role", "since"]
    list_filter = ["role", "chapter"]
    list_select_related = ["user", "chapter"]
    search_fields = ["user__email", "user__display_name"]
    autocomplete_fields = ["user"]


@admin.register(ChapterInterest)
class ChapterInterestAdmin(ReadOnlyAdminMixin, ChapterScopedAdmin):
    """People who said "count me in" to a forming chapter: organizers read and tidy the list."""

    list_display = ["user", "chapter", "created_at"]
    list_filter = ["chapter"]
    list_select_related = ["user", "chapter"]
    search_fields = ["user__email", "user__display_name"]
    date_hierarchy = "created_at"
    readonly_fields = ["chapter", "user", "created_at"]
    deletable_by = "scope"


class SponsorshipInline(admin.TabularInline):
    model = Sponsorship
    extra = 0


class SponsorLiaisonInline(admin.TabularInline):
    model = SponsorLiaison
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Sponsor)
class SponsorAdmin(SuperuserOnlyAdmin):
    list_display = ["name", "website"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [SponsorshipInline, SponsorLiaisonInline]


@admin.register(Sponsorship)
class SponsorshipAdmin(SuperuserOnlyAdmin):
    list_display = ["sponsor", "chapter", "level", "starts_on", "ends_on"]
    list_filter = ["level", "sponsor", "chapter"]
    list_select_related = ["sponsor", "chapter"]
    date_hierarchy = "starts_on"


@admin.register(SponsorLiaison)
class SponsorLiaisonAdmin(SuperuserOnlyAdmin):
    list_display = ["user", "sponsor"]
    list_filter = ["sponsor"]
    list_select_related = ["user", "sponsor"]
    search_fields = ["user__email", "user__display_name", "sponsor__name"]
    autocomplete_fields = ["user"]
