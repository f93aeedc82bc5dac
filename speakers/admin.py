"""Talks in the organizers' admin: calls for speakers, and the review of proposals.

Proposals are the speaker's words: organizers read them and decide (accept, decline, request
changes, with a message emailed through the outbox), then place an accepted one on a meeting in one
step. Every decision goes through the services, so the same rules hold here as anywhere.
"""

import functools

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from chapters.admin_scoping import ChapterScopedAdmin, SuperuserOnlyAdmin, in_chapter_time
from chapters.models import Chapter
from chapters.rules import organized_chapter_ids

from . import services
from .forms import PlaceOnMeetingForm, ReviewMessageForm
from .models import CallForSpeakers, Proposal, SpeakerProfile, Tour, TourStop
from .services import Decision, TalkRefused


class CallForSpeakersForm(forms.ModelForm):
    class Meta:
        model = CallForSpeakers
        fields = ["chapter", "title", "description", "meeting", "topic", "opens_at", "closes_at"]
        help_texts = {"opens_at": _("In the chapter's local time.")}

    def clean(self):
        cleaned = super().clean()
        chapter = in_chapter_time(self, cleaned, ("opens_at", "closes_at"))
        if chapter is None:
            return cleaned
        meeting = cleaned.get("meeting")
        if meeting is not None and meeting.chapter_id != chapter.pk:
            self.add_error("meeting", _("Choose one of this chapter's meetings."))
        opens_at, closes_at = cleaned.get("opens_at"), cleaned.get("closes_at")
        if opens_at and closes_at and closes_at <= opens_at:
            self.add_error("closes_at", _("The call must close after it opens."))
        return cleaned


@admin.register(CallForSpeakers)
class CallForSpeakersAdmin(ChapterScopedAdmin):
    form = CallForSpeakersForm
    list_display = ["title", "chapter", "local_opens", "local_closes", "proposal_count"]
    list_filter = ["chapter"]
    list_select_related = ["chapter"]
    search_fields = ["title"]

    def get_readonly_fields(self, request, obj=None):
        return ["chapter"] if obj is not None else []

    @admin.display(description=_("opens (local time)"), ordering="opens_at")
    def local_opens(self, obj):
        return timezone.localtime(obj.opens_at, obj.chapter.tzinfo).strftime("%Y-%m-%d %H:%M %Z")

    @admin.display(description=_("closes (local time)"), ordering="closes_at")
    def local_closes(self, obj):
        return timezone.localtime(obj.closes_at, obj.chapter.tzinfo).strftime("%Y-%m-%d %H:%M %Z")

    @admin.display(description=_("proposals"))
    def proposal_count(self, obj):
        url = f"{reverse('admin:speakers_proposal_changelist')}?call__id__exact={obj.pk}"
        return format_html('<a href="{}">{}</a>', url, _("See them"))

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # Show and read the times in the chapter's zone (the only chapter, for a new call).
        if object_id and str(object_id).isdigit():
            call = self.get_queryset(request).filter(pk=object_id).select_related("chapter").first()
            chapter = call.chapter if call else None
        else:
            ids = organized_chapter_ids(request.user)
            chapter = Chapter.objects.filter(pk=next(iter(ids))).first() if len(ids) == 1 else None
        with timezone.override(chapter.tzinfo if chapter else None):
            response = super().changeform_view(request, object_id, form_url, extra_context)
            if hasattr(response, "render"):
                response.render()
            return response


@admin.register(Proposal)
class ProposalAdmin(ChapterScopedAdmin):
    """Read a proposal and decide; the text stays the speaker's."""

    change_form_template = "admin/speakers/proposal/change_form.html"
    list_display = ["title", "speaker_name", "chapter", "kind", "level", "state", "created_at"]
    list_filter = ["state", "kind", "level", "chapter", "call"]
    list_select_related = ["chapter", "speaker"]
    search_fields = ["title", "abstract", "speaker__display_name"]
    date_hierarchy = "created_at"
    actions = ["accept_proposals", "request_changes", "decline_proposals", "place_on_meeting"]
    fields = [
        "chapter",
        "call",
        "speaker_name",
        "title",
        "kind",
        "level",
        "months",
        "abstract",
        "speaker_bio",
        "state",
        "review_message",
        "reviewed_by",
        "reviewed_at",
        "agenda",
        "created_at",
        "updated_at",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False  # proposals come from speakers

    def has_change_permission(self, request, obj=None):
        return False  # decisions go through the actions below

    def has_delete_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def get_list_filter(self, request):
        filters = super().get_list_filter(request)
        if request.user.is_superuser:
            return filters
        # The "call" filter would list every chapter's calls.
        return [f for f in filters if f != "call"]

    @admin.display(description=_("speaker"), ordering="speaker__display_name")
    def speaker_name(self, obj):
        return obj.speaker.public_name

    @admin.display(description=_("preferred months"))
    def months(self, obj):
        return ", ".join(obj.preferred_months) or "—"

    @admin.display(description=_("on the agenda of"))
    def agenda(self, obj):
        if obj.agenda_item_id is None:
            return "—"
        meeting = obj.agenda_item.meeting
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:meetings_meeting_change", args=[meeting.pk]), str(meeting)
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "review_actions": [
                ("accept_proposals", _("Accept")),
                ("request_changes", _("Request changes")),
                ("decline_proposals", _("Decline")),
                ("place_on_meeting", _("Place on a meeting")),
            ],
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
        }
        return super().change_view(request, object_id, form_url, extra_context)

    # Decisions.

    @admin.action(description=_("Accept (with a message to the speaker)"))
    def accept_proposals(self, request, queryset):
        return self._review(request, queryset, Decision.ACCEPT, "accept_proposals")

    @admin.action(description=_("Request changes (with a message to the speaker)"))
    def request_changes(self, request, queryset):
        return self._review(request, queryset, Decision.CHANGES, "request_changes")

    @admin.action(description=_("Decline (with a message to the speaker)"))
    def decline_proposals(self, request, queryset):
        return self._review(request, queryset, Decision.DECLINE, "decline_proposals")

    def _review(self, request, queryset, decision, action):
        proposals = list(queryset.select_related("chapter", "speaker"))
        form = ReviewMessageForm(request.POST if request.POST.get("confirmed") == "yes" else None)
        if form.is_bound and form.is_valid():
            message = form.cleaned_data["message"]
            if decision == Decision.CHANGES and not message.strip():
                form.add_error(
                    "message", _("Say which changes you would like: the speaker reads this message.")
                )
            else:
                self._apply(
                    request,
                    proposals,
                    functools.partial(services.proposal_review, decision=decision, message=message),
                    ngettext_lazy(
                        "%(count)d proposal answered; the speaker gets an email.",
                        "%(count)d proposals answered; each speaker gets an email.",
                        "count",
                    ),
                )
                return None
        titles = {
            Decision.ACCEPT: _("Accept proposals"),
            Decision.CHANGES: _("Request changes"),
            Decision.DECLINE: _("Decline proposals"),
        }
        return self._intermediate(request, action, titles[decision], proposals, form)

    @admin.action(description=_("Place on a meeting (accepted proposals)"))
    def place_on_meeting(self, request, queryset):
        proposals = list(queryset.select_related("chapter", "speaker"))
        chapters = {p.chapter_id for p in proposals}
        if len(chapters) != 1:
            self.message_user(request, _("Choose proposals of one chapter at a time."), messages.WARNING)
            return None
        meetings = services.upcoming_meetings_for(next(iter(chapters)))
        form = PlaceOnMeetingForm(
            request.POST if request.POST.get("confirmed") == "yes" else None, meetings=meetings
        )
        if form.is_bound and form.is_valid():
            meeting = form.cleaned_data["meeting"]
            self._apply(
                request,
                proposals,
                functools.partial(services.proposal_schedule, meeting=meeting),
                ngettext_lazy(
                    "%(count)d talk placed on %(meeting)s; the speaker gets an email.",
                    "%(count)d talks placed on %(meeting)s; each speaker gets an email.",
                    "count",
                ),
                meeting=meeting,
            )
            return None
        if not meetings.exists():
            self.message_user(
                request, _("This chapter has no upcoming meeting: create one first."), messages.WARNING
            )
            return None
        return self._intermediate(request, "place_on_meeting", _("Place on a meeting"), proposals, form)

    def _apply(self, request, proposals, service, done_message, **params):
        """Run `service` on each proposal, warn of each refusal, then say how many went through."""
        done = 0
        for proposal in proposals:
            try:
                service(proposal=proposal, by=request.user)
                done += 1
            except TalkRefused as refused:
                self.message_user(request, refused.message, messages.WARNING)
        if done:
            self.message_user(request, done_message % {"count": done, **params}, messages.SUCCESS)

    def _intermediate(self, request, action, title, proposals, form):
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.model._meta,
            "proposals": proposals,
            "form": form,
            "action": action,
            "selected": [p.pk for p in proposals],
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/speakers/proposal/decide.html", context)


class TourStopInline(admin.TabularInline):
    model = TourStop
    extra = 0
    fields = ["chapter", "meeting", "state", "requested_by", "proposal", "answered_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Tour)
class TourAdmin(SuperuserOnlyAdmin):
    """Tours belong to the speaker and the whole network; superusers only tidy them up."""

    list_display = ["title", "speaker", "available_from", "available_to"]
    search_fields = ["title", "speaker__display_name"]
    raw_id_fields = ["speaker"]
    inlines = [TourStopInline]


class SpeakerProfileAdminForm(forms.ModelForm):
    class Meta:
        model = SpeakerProfile
        fields = ["slug", "bio", "photo", "is_public"]

    def clean_is_public(self):
        is_public = self.cleaned_data["is_public"]
        if is_public and not self.instance.is_public:
            raise forms.ValidationError(
                _("Only the speaker can make their profile public, on their own page.")
            )
        return is_public


@admin.register(SpeakerProfile)
class SpeakerProfileAdmin(SuperuserOnlyAdmin):
    """Only superusers, to take down a profile; consent is given by the speaker on their own page."""

    form = SpeakerProfileAdminForm

    list_display = ["slug", "member", "is_public", "public_consent_at"]
    list_filter = ["is_public"]
    search_fields = ["slug", "member__display_name"]
    fields = ["member", "slug", "bio", "photo", "is_public", "public_consent_at"]
    readonly_fields = ["member", "public_consent_at"]

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        if not obj.is_public:
            obj.public_consent_at = None  # taken down: consent must be given again
        super().save_model(request, obj, form, change)
