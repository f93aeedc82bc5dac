"""The community program in the organizers' admin, scoped to their chapters like the rest.

Volunteers sign themselves up on the site; organizers confirm or cancel here (through the services,
so the volunteer is told). Feedback is read-only: organizers see per-talk results and comments;
sponsors never see this admin.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from chapters.admin_scoping import ChapterScopedAdmin, ChapterScopedTabularInline, ReadOnlyAdminMixin
from chapters.rules import can_organize
from meetings.models import Meeting

from . import selectors, services
from .models import (
    FeedbackResponse,
    MeetingNote,
    Poll,
    PollChoice,
    TalkRating,
    VolunteerRole,
    VolunteerSignup,
)


class ReadOnlyInline(ChapterScopedTabularInline):
    """Rows shown as their members left them: nothing is added, changed or deleted here."""

    extra = 0
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request, obj=None):
        return False


class VolunteerSignupInline(ReadOnlyInline):
    # Members sign themselves up: an organizer never volunteers someone, nor their consent.
    model = VolunteerSignup
    chapter_path = "role__meeting__chapter"
    fields = ["member", "state", "thank_publicly", "created_at"]


@admin.register(VolunteerRole)
class VolunteerRoleAdmin(ChapterScopedAdmin):
    chapter_path = "meeting__chapter"
    list_display = ["kind", "meeting", "places", "taken"]
    list_filter = ["kind", "meeting__chapter"]
    search_fields = ["meeting__title"]
    fields = ["meeting", "kind", "places", "description"]
    inlines = [VolunteerSignupInline]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("meeting__chapter")

    @admin.display(description=_("taken"))
    def taken(self, obj):
        return obj.signups.filter(state__in=selectors.ACTIVE_SIGNUPS).count()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "meeting" and field is not None:
            field.queryset = field.queryset.select_related("chapter")
        return field


@admin.register(VolunteerSignup)
class VolunteerSignupAdmin(ReadOnlyAdminMixin, ChapterScopedAdmin):
    # Read-only: states change through the actions below, which email the volunteer.
    deletable_by = "scope"

    chapter_path = "role__meeting__chapter"
    list_display = ["member", "role", "state", "thank_publicly", "created_at"]
    list_filter = ["state", "role__kind", "role__meeting__chapter"]
    search_fields = ["member__display_name", "member__email", "role__meeting__title"]
    fields = ["role", "member", "state", "thank_publicly", "created_at", "confirmed_at"]
    readonly_fields = fields
    actions = ["confirm", "cancel"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("member", "role__meeting__chapter")

    @admin.action(description=_("Confirm the selected sign-ups (the volunteers are emailed)"))
    def confirm(self, request, queryset):
        done = ngettext_lazy("%(count)d sign-up confirmed.", "%(count)d sign-ups confirmed.", "count")
        self._apply(request, queryset, services.volunteer_signup_confirm, done)

    @admin.action(description=_("Cancel the selected sign-ups"))
    def cancel(self, request, queryset):
        done = ngettext_lazy("%(count)d sign-up cancelled.", "%(count)d sign-ups cancelled.", "count")
        self._apply(request, queryset, services.volunteer_signup_cancel, done)

    def _apply(self, request, queryset, service, done_message):
        done, refused = 0, []
        for signup in queryset:
            try:
                service(signup=signup, by=request.user)
                done += 1
            except services.CommunityRefused as refusal:
                refused.append(f"{signup}: {refusal.message}")
        if done:
            self.message_user(request, done_message % {"count": done}, messages.SUCCESS)
        for line in refused:
            self.message_user(request, line, messages.WARNING)


class PollChoiceInline(ChapterScopedTabularInline):
    model = PollChoice
    chapter_path = "poll__chapter"
    extra = 3
    fields = ["position", "label"]


@admin.register(Poll)
class PollAdmin(ChapterScopedAdmin):
    chapter_path = "chapter"
    list_display = ["question", "chapter", "opens_at", "closes_at", "results", "voters"]
    list_filter = ["chapter"]
    search_fields = ["question"]
    fields = ["chapter", "question", "multiple", "allow_other", "opens_at", "closes_at", "results", "tally"]
    readonly_fields = ["tally"]
    inlines = [PollChoiceInline]

    @admin.display(description=_("voters"))
    def voters(self, obj):
        return obj.votes.count()

    @admin.display(description=_("results so far"))
    def tally(self, obj):
        if obj.pk is None:
            return "–"
        results = selectors.poll_results(obj, other_label=_("Other"))
        others = obj.votes.exclude(other="").values_list("other", flat=True)[:50]
        html = format_html("<ul>{}</ul>", format_html_join("", "<li>{}: {}</li>", results.rows))
        if others:
            html += format_html(
                "<p>{}</p><ul>{}</ul>",
                _("Other answers:"),
                format_html_join("", "<li>{}</li>", ((o,) for o in others)),
            )
        return html


class TalkRatingInline(ReadOnlyInline):
    model = TalkRating
    chapter_path = "response__meeting__chapter"
    fields = ["agenda_item", "rating"]


@admin.register(FeedbackResponse)
class FeedbackResponseAdmin(ReadOnlyAdminMixin, ChapterScopedAdmin):
    deletable_by = "scope"

    """Members' answers, read-only. "Results" shows one meeting's per-talk averages and comments."""

    chapter_path = "meeting__chapter"
    list_display = ["meeting", "member", "created_at", "has_comment", "results_link"]
    list_filter = ["meeting__chapter"]
    search_fields = ["meeting__title"]
    fields = ["meeting", "member", "comment", "created_at", "updated_at"]
    readonly_fields = fields
    inlines = [TalkRatingInline]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("meeting__chapter", "member")

    @admin.display(description=_("comment"), boolean=True)
    def has_comment(self, obj):
        return bool(obj.comment)

    @admin.display(description=_("results"))
    def results_link(self, obj):
        url = reverse("admin:community_feedback_results", args=[obj.meeting_id])
        return format_html('<a href="{}">{}</a>', url, _("Results per talk"))

    def get_urls(self):
        view = self.admin_site.admin_view(self.results_view)
        results = path("results/<int:meeting_id>/", view, name="community_feedback_results")
        return [results, *super().get_urls()]

    def results_view(self, request, meeting_id):
        meeting = get_object_or_404(Meeting.objects.select_related("chapter"), pk=meeting_id)
        if not can_organize(request.user, meeting.chapter_id):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": _("Feedback on %(meeting)s") % {"meeting": meeting.title},
            "meeting": meeting,
            "opts": self.model._meta,
            **selectors.feedback_results(meeting),
        }
        return TemplateResponse(request, "admin/community/feedback_results.html", context)


@admin.register(MeetingNote)
class MeetingNoteAdmin(ChapterScopedAdmin):
    chapter_path = "meeting__chapter"
    list_display = ["meeting", "state", "author", "updated_at", "reader_link"]
    list_filter = ["state", "meeting__chapter"]
    search_fields = ["meeting__title", "body"]
    fields = ["meeting", "body", "state", "author", "published_at"]
    readonly_fields = ["author", "published_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("meeting__chapter", "author")

    @admin.display(description=_("as sponsors see it"))
    def reader_link(self, obj):
        return format_html(
            '<a href="{}">{}</a>', reverse("community:notes", args=[obj.meeting_id]), _("Open")
        )

    def save_model(self, request, obj, form, change):
        services.meeting_note_save(note=obj, by=request.user)
