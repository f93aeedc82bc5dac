"""Meetings in the organizers' admin: schedule, change, cancel, repeat, export who is coming.

Changes to a saved meeting go through the scheduling services, so members hear about a new time or
place exactly as they would from any other part of itprosig. Times typed into the form are the
chapter's local time.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from chapters.admin_scoping import (
    ChapterScopedAdmin,
    ChapterScopedStackedInline,
    NetworkSharedAdmin,
    ReadOnlyAdminMixin,
    SuperuserWritesMixin,
    in_chapter_time,
)
from chapters.models import Chapter
from chapters.rules import organized_chapter_ids
from itprosig.dates import format_date

from .admin_actions import MeetingActionViews
from .exports import rsvps_csv_response
from .models import RSVP, AgendaItem, Meeting, Topic
from .selectors import rsvp_count
from .services import RSVPRefused, rsvp_cancel
from .services.scheduling import (
    EDITABLE_FIELDS,
    NOTIFIED_FIELDS,
    meeting_cancel,
    meeting_duplicate_to_next_month,
    meeting_prefill,
    meeting_update,
    meeting_update_check,
    meeting_version,
)

_LOCAL_TIME_FIELDS = ("starts_at", "ends_at", "rsvp_opens_at", "rsvp_closes_at")


@admin.register(Topic)
class TopicAdmin(SuperuserWritesMixin, NetworkSharedAdmin):
    """Topics are shared by the network: organizers find and add them, superusers curate them."""

    list_display = ["name", "slug", "meeting_count"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        # An aggregate drops the model's default ordering; the topic picker pages through this.
        return super().get_queryset(request).annotate(meeting_total=Count("meetings")).order_by("name")

    @admin.display(description=_("meetings"), ordering="meeting_total")
    def meeting_count(self, obj):
        return obj.meeting_total

    superuser_actions = ("change", "delete")


def label_file_inputs(form):
    """Name each file input by its field's label: the admin draws them in a fieldset whose legend
    screen readers announce, but the input itself has no <label> (axe: "Form elements must have labels")."""
    for field in form.fields.values():
        if isinstance(field.widget, forms.ClearableFileInput):
            field.widget.attrs.setdefault("aria-label", str(field.label))


class UnlabelledHiddenInput(forms.HiddenInput):
    """A hidden field in an admin fieldset (the agenda position, the edit version): the admin
    draws a label for its row, which must then point at no control (Nu)."""

    def id_for_label(self, id_):
        return ""


class AgendaItemForm(forms.ModelForm):
    class Meta:
        model = AgendaItem
        fields = [
            "position",
            "kind",
            "starts_at",
            "duration_minutes",
            "title",
            "description",
            "speaker",
            "speaker_bio",
            "speaker_photo",
            "slides_url",
            "recording_url",
        ]
        # The order comes from dragging or the up/down buttons (admin_agenda.js), never typed.
        widgets = {"position": UnlabelledHiddenInput(attrs={"data-agenda-position": ""})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        label_file_inputs(self)

    def has_changed(self):
        # The script numbers every row, blank extra ones included: a position alone is no new item.
        return bool(set(self.changed_data) - {"position"})


class AgendaItemInline(ChapterScopedStackedInline):
    model = AgendaItem
    form = AgendaItemForm
    chapter_path = "meeting__chapter"
    classes = ["agenda-inline"]
    fields = [
        "position",
        ("kind", "starts_at", "duration_minutes"),
        "title",
        "description",
        "speaker",
        "speaker_bio",
        "speaker_photo",
        ("slides_url", "recording_url"),
    ]

    def get_extra(self, request, obj=None, **kwargs):
        # A new meeting usually has two talks: both forms are there, no "add another" click.
        return 2 if obj is None else 0


class MeetingAdminForm(forms.ModelForm):
    # What the editor saw: a save from a form opened before someone else's change is refused,
    # rather than writing back the old guest count, capacity or status it still shows.
    edit_version = forms.CharField(widget=UnlabelledHiddenInput, required=False)

    class Meta:
        model = Meeting
        fields = [
            "chapter",
            "title",
            "title_fr",
            "status",
            "topics",
            "description",
            "description_fr",
            "cover_image",
            "cancellation_reason",
            "starts_at",
            "ends_at",
            "format",
            "venue",
            "online_url",
            "capacity",
            "rsvp_opens_at",
            "rsvp_closes_at",
            "guest_count",
        ]
        help_texts = {"starts_at": _("In the chapter's local time.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        label_file_inputs(self)
        if self.instance.pk:
            self.fields["edit_version"].initial = meeting_version(self.instance)

    def clean(self):
        cleaned = super().clean()
        chapter = in_chapter_time(self, cleaned, _LOCAL_TIME_FIELDS)
        if chapter is None:
            return cleaned
        venue = cleaned.get("venue")
        if venue is not None and venue.chapter_id != chapter.pk:
            self.add_error("venue", _("Choose one of this chapter's venues."))
        meeting_format = cleaned.get("format")
        if meeting_format in Meeting.VENUE_FORMATS and venue is None:
            self.add_error("venue", _("An in-person or hybrid meeting needs a venue."))
        if meeting_format in Meeting.ONLINE_FORMATS and not cleaned.get("online_url"):
            self.add_error("online_url", _("An online or hybrid meeting needs its online link."))
        starts_at, ends_at = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts_at and ends_at and ends_at <= starts_at:
            self.add_error("ends_at", _("The meeting must end after it starts."))
        if self.instance.pk and not self.errors:
            self._check_update(cleaned)
        return cleaned

    def update_changes(self):
        """Return the saved meeting's fields this form changes, as meeting_update takes them."""
        return {name: self.cleaned_data[name] for name in self.changed_data if name in EDITABLE_FIELDS}

    def _check_update(self, cleaned):
        # Refuse here, on the form, what the service would refuse: once the form is valid the
        # admin saves the agenda and topics too, and announces success.
        try:
            meeting_update_check(
                meeting=self.instance, changes=self.update_changes(), version=cleaned.get("edit_version")
            )
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                self.add_error(None, error)
                return
            for field, errors in error.error_dict.items():
                self.add_error(field if field in self.fields else None, errors)


@admin.register(Meeting)
class MeetingAdmin(MeetingActionViews, ChapterScopedAdmin):
    form = MeetingAdminForm
    inlines = [AgendaItemInline]
    list_display = ["title", "chapter", "local_start", "state", "format", "going", "waitlisted"]
    list_filter = ["status", "format", "chapter", "topics"]
    list_select_related = ["chapter", "venue"]
    search_fields = ["title", "description", "agenda_items__title", "agenda_items__speaker"]
    date_hierarchy = "starts_at"
    # Two years of monthly meetings a page; the date links reach the years before. Counting every
    # meeting in the network for "show all" is not worth a query on each page.
    list_per_page = 25
    show_full_result_count = False
    autocomplete_fields = ["topics"]
    actions = ["duplicate_to_next_month", "cancel_meetings", "export_rsvps"]
    fieldsets = [
        (None, {"fields": ["chapter", "title", "status", "topics", "description"]}),
        (
            _("French version, cover image, cancellation"),
            {"fields": ["title_fr", "description_fr", "cover_image", "cancellation_reason"]},
        ),
        (
            _("When and where (chapter's local time)"),
            {"fields": ["starts_at", "ends_at", "format", "venue", "online_url"]},
        ),
        (_("RSVPs"), {"fields": ["capacity", "rsvp_opens_at", "rsvp_closes_at", "guest_count", "sequence"]}),
    ]

    def get_queryset(self, request):
        # Counted per row of the page, not over every meeting's RSVPs before the page is cut.
        return (
            super()
            .get_queryset(request)
            .annotate(
                going_total=rsvp_count(status=RSVP.Status.GOING),
                waitlist_total=rsvp_count(status=RSVP.Status.WAITLISTED),
            )
        )

    @admin.display(description=_("starts (local time)"), ordering="starts_at")
    def local_start(self, obj):
        # The zone as the reader's language writes it: "EST" in English, « HNE » in French.
        return format_date(timezone.localtime(obj.starts_at, obj.chapter.tzinfo), "Y-m-d H:i T")

    @admin.display(description=_("status"), ordering="status")
    def state(self, obj):
        # A scheduled meeting that has ended was held: "Scheduled" would read as still to come.
        return _("Held") if obj.is_held else obj.get_status_display()

    @admin.display(description=_("going"), ordering="going_total")
    def going(self, obj):
        if obj.capacity is None:
            return obj.going_total
        return f"{obj.going_total} / {obj.capacity}"

    @admin.display(description=_("waitlist"), ordering="waitlist_total")
    def waitlisted(self, obj):
        return obj.waitlist_total

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.is_cancelled:
            # A cancelled meeting is history: members were told, calendars updated.
            editable = [f.name for f in Meeting._meta.fields if f.editable]
            return [*editable, "topics", "sequence", "rsvp_summary"]
        if obj is not None:
            return ["chapter", "sequence", "rsvp_summary"]
        return ["sequence"]

    # Nothing to count, revise or explain on a meeting that does not exist yet.
    _NEW_MEETING_HIDDEN = ("guest_count", "sequence", "cancellation_reason")

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            hidden = self._NEW_MEETING_HIDDEN
            return [
                (name, {**options, "fields": [f for f in options["fields"] if f not in hidden]})
                for name, options in fieldsets
            ]
        name, options = fieldsets[-1]
        fields = [*options["fields"], "rsvp_summary", "edit_version"]
        return [*fieldsets[:-1], (name, {**options, "fields": fields})]

    @admin.display(description=_("answers"))
    def rsvp_summary(self, obj):
        counts = dict(obj.rsvps.values_list("status").annotate(total=Count("pk")))
        checked_in = obj.rsvps.filter(checked_in_at__isnull=False).count()
        text = _("%(going)s going, %(waitlisted)s waitlisted, %(checked_in)s checked in") % {
            "going": counts.get(RSVP.Status.GOING, 0),
            "waitlisted": counts.get(RSVP.Status.WAITLISTED, 0),
            "checked_in": checked_in,
        }
        rsvps_url = f"{reverse('admin:meetings_rsvp_changelist')}?meeting__id__exact={obj.pk}"
        links = format_html('<a href="{}">{}</a>', rsvps_url, _("See the list"))
        if not obj.is_cancelled:
            links = format_html(
                '{} · <a href="{}">{}</a>',
                links,
                reverse("checkin:meeting", args=[obj.pk]),
                _("Door check-in"),
            )
        return format_html("{} ({})", text, links)

    def get_inlines(self, request, obj):
        return [] if obj is not None and obj.is_cancelled else self.inlines

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        chapter_id = initial.get("chapter")
        if isinstance(chapter_id, str):
            chapter_id = int(chapter_id) if chapter_id.isascii() and chapter_id.isdigit() else None
        allowed = request.user.is_superuser or chapter_id in organized_chapter_ids(request.user)
        chapter = Chapter.objects.filter(pk=chapter_id).first() if chapter_id and allowed else None
        if chapter is not None:
            # Next month's meeting is mostly last month's: same place, weekday, times and limits.
            return {**meeting_prefill(chapter=chapter), **initial}
        return initial

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "venue" and field is not None:
            chapter_id = self._form_chapter_id(request)
            if chapter_id is not None:
                field.queryset = field.queryset.filter(chapter_id=chapter_id)
        return field

    def _form_chapter_id(self, request):
        """Return the chapter whose venues the form offers: the meeting's, or the only one."""
        match = request.resolver_match
        object_id = match.kwargs.get("object_id") if match else None
        if object_id:
            self.check_admin_input(request, object_id)
            meeting = self.get_queryset(request).filter(pk=object_id).values("chapter_id").first()
            return meeting["chapter_id"] if meeting else None
        chapter = request.POST.get("chapter") or request.GET.get("chapter")
        if chapter and chapter.isascii() and chapter.isdigit():
            return int(chapter)
        ids = organized_chapter_ids(request.user)
        return next(iter(ids)) if len(ids) == 1 else None

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # Show and read a saved meeting's times in its chapter's zone; a new meeting's form reads
        # them in the zone of the organizer's only chapter, and clean() corrects for the others.
        self.check_admin_input(request, object_id)
        chapter_id = self._form_chapter_id(request)
        chapter = Chapter.objects.filter(pk=chapter_id).first() if chapter_id else None
        with timezone.override(chapter.tzinfo if chapter else None):
            response = super().changeform_view(request, object_id, form_url, extra_context)
            # Render while the zone is active: a TemplateResponse would otherwise render later.
            if hasattr(response, "render"):
                response.render()
            return response

    def save_model(self, request, obj, form, change):
        if not change:
            obj.save()
            return
        # The form checked these changes with the meeting locked for this whole request; a refusal
        # now would be a bug, and raising it rolls back the agenda and topics with the meeting.
        changed = meeting_update(
            meeting=obj, changes=form.update_changes(), version=form.cleaned_data["edit_version"]
        )
        if set(changed) & set(NOTIFIED_FIELDS) and obj.status == Meeting.Status.SCHEDULED:
            self.message_user(request, _("Members going or waitlisted are told about the change."))

    def response_add(self, request, obj, post_url_continue=None):
        if "_publish" in request.POST:
            return self.redirect_to_publish(obj)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        if "_publish" in request.POST:
            return self.redirect_to_publish(obj)
        return super().response_change(request, obj)

    @admin.action(description=_("Duplicate to next month (as a draft)"))
    def duplicate_to_next_month(self, request, queryset):
        copies = [meeting_duplicate_to_next_month(meeting=m) for m in queryset.select_related("chapter")]
        self.message_user(
            request,
            ngettext(
                "%(count)d meeting copied to next month as a draft.",
                "%(count)d meetings copied to next month as drafts.",
                len(copies),
            )
            % {"count": len(copies)},
            messages.SUCCESS,
        )

    @admin.action(description=_("Cancel meeting and tell members"))
    def cancel_meetings(self, request, queryset):
        meetings = list(queryset.exclude(status=Meeting.Status.CANCELLED).select_related("chapter"))
        if not meetings:
            self.message_user(request, _("The selected meetings are already cancelled."), messages.WARNING)
            return None
        if request.POST.get("confirmed") != "yes":
            people = RSVP.objects.filter(
                meeting__in=meetings, status__in=[RSVP.Status.GOING, RSVP.Status.WAITLISTED]
            ).count()
            context = {
                **self.admin_site.each_context(request),
                "title": _("Cancel meetings?"),
                "opts": self.model._meta,
                "meetings": meetings,
                "people": people,
                "selected": request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME),
                "action": "cancel_meetings",
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            }
            return TemplateResponse(request, "admin/meetings/meeting/cancel_confirmation.html", context)
        for meeting in meetings:
            meeting_cancel(meeting=meeting)
        self.message_user(
            request,
            ngettext(
                "%(count)d meeting cancelled; everyone going or waitlisted is told.",
                "%(count)d meetings cancelled; everyone going or waitlisted is told.",
                len(meetings),
            )
            % {"count": len(meetings)},
            messages.SUCCESS,
        )
        return None

    @admin.action(description=_("Export RSVPs as CSV"))
    def export_rsvps(self, request, queryset):
        rsvps = RSVP.objects.filter(meeting__in=queryset)
        return rsvps_csv_response(rsvps)


class CheckedInFilter(admin.SimpleListFilter):
    title = _("checked in")
    parameter_name = "checked_in"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(checked_in_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(checked_in_at__isnull=True)
        return queryset


@admin.register(RSVP)
class RSVPAdmin(ReadOnlyAdminMixin, ChapterScopedAdmin):
    """Who answered what. RSVPs change only through the RSVP rules (capacity, waitlist, email)."""

    chapter_path = "meeting__chapter"
    list_display = ["member", "meeting", "status", "created_at", "waitlisted_at", "checked_in_at"]
    list_filter = ["status", CheckedInFilter, "meeting__chapter"]
    list_select_related = ["member", "meeting__chapter"]
    search_fields = ["member__email", "member__display_name", "meeting__title"]
    date_hierarchy = "created_at"
    actions = ["cancel_rsvps", "export_rsvps"]
    # Deleting would skip the waitlist promotion and the member's email; organizers cancel instead.
    deletable_by = "superuser"

    @admin.action(description=_("Cancel these RSVPs (frees seats for the waitlist)"))
    def cancel_rsvps(self, request, queryset):
        done, refused = 0, []
        for rsvp in queryset.select_related("meeting", "member"):
            try:
                rsvp_cancel(meeting=rsvp.meeting, member=rsvp.member)
                done += 1
            except RSVPRefused as refusal:
                refused.append(f"{rsvp.member}: {refusal.message}")
        if done:
            self.message_user(
                request,
                ngettext("%(count)d RSVP cancelled.", "%(count)d RSVPs cancelled.", done) % {"count": done},
                messages.SUCCESS,
            )
        if refused:
            self.message_user(request, "; ".join(refused), messages.WARNING)

    @admin.action(description=_("Export RSVPs as CSV"))
    def export_rsvps(self, request, queryset):
        return rsvps_csv_response(queryset)


# The liaisons' report access log lives beside the reports; importing registers it.
from meetings.reports import admin as admin_reports  # noqa: E402, F401

# The door's record (check-in changes, walk-in guests) lives beside check-in; importing registers it.
from meetings.checkin import admin as admin_checkin  # noqa: E402, F401  # isort: skip
