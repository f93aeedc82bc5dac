"""The meeting editor's buttons: publish (and announce), message the people going, duplicate, cancel.

Each is a page of the meeting's admin, under its change page, scoped like it: an organizer reaches
only their chapters' meetings. The views read the form and call one scheduling service; a refusal
comes back as a message on the same page and changes nothing.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from members.mail.rendering import render_email

from . import notifications
from .models import Meeting
from .services.scheduling import (
    MESSAGE_AUDIENCES,
    MESSAGE_MAX_LENGTH,
    announcement_recipients,
    meeting_cancel,
    meeting_duplicate_to_next_month,
    meeting_message_people,
    meeting_message_recipients,
    meeting_publish,
    meeting_publish_gaps,
)


class MessageForm(forms.Form):
    audience = forms.ChoiceField(
        label=_("To"),
        choices=[
            ("going", _("People going")),
            ("waitlisted", _("People on the waitlist")),
            ("both", _("People going and on the waitlist")),
        ],
        initial="going",
    )
    message = forms.CharField(
        label=_("Your message"),
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("A short note, for example: the room changed to 204."),
    )


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=Meeting._meta.get_field("cancellation_reason").max_length,
        help_text=_("Goes into the email to everyone going or waitlisted, and onto the meeting page."),
    )


# The title of each button's page, naming the meeting.
PAGE_TITLES = {
    "publish": _("Publish %(title)s"),
    "message": _("Message the people who answered %(title)s"),
    "cancel": _("Cancel %(title)s"),
}


class MeetingActionViews:
    """Mixed into MeetingAdmin: the URLs and views of the editor's buttons."""

    change_form_template = "admin/meetings/meeting/change_form.html"

    def get_urls(self):
        def view(function, name):
            return path(
                f"<path:object_id>/{name}/",
                self.admin_site.admin_view(function),
                name=f"meetings_meeting_{name}",
            )

        return [
            view(self.publish_view, "publish"),
            view(self.message_view, "message"),
            view(self.duplicate_view, "duplicate"),
            view(self.cancel_view, "cancel"),
            *super().get_urls(),
        ]

    def redirect_to_publish(self, meeting):
        return HttpResponseRedirect(reverse("admin:meetings_meeting_publish", args=[meeting.pk]))

    def _meeting_for_change(self, request, object_id, *, for_preview=False):
        """Return the meeting the organizer may change, or 404 or 403.

        `for_preview` brings what the announcement shows along with it (chapter, venue, agenda,
        topics): the publish page renders the email, which would read each of them again.
        """
        self.check_admin_input(request, object_id)
        if for_preview:
            meeting = (
                self.get_queryset(request)
                .select_related("chapter", "venue")
                .prefetch_related("agenda_items", "topics")
                .filter(pk=object_id)
                .first()
            )
        else:
            meeting = self.get_object(request, object_id)
        if meeting is None:
            raise Http404
        if not self.has_change_permission(request, meeting):
            raise PermissionDenied
        return meeting

    def _change_url(self, meeting):
        return reverse("admin:meetings_meeting_change", args=[meeting.pk])

    def _page(self, request, meeting, name, **context):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": meeting,
            "title": PAGE_TITLES[name] % {"title": meeting.title},
            "change_url": self._change_url(meeting),
            **context,
        }
        with timezone.override(meeting.chapter.tzinfo):
            response = TemplateResponse(request, f"admin/meetings/meeting/{name}.html", context)
            return response.render()

    def publish_view(self, request, object_id):
        meeting = self._meeting_for_change(request, object_id, for_preview=request.method != "POST")
        if request.method == "POST":
            announce = request.POST.get("announce") == "yes"
            try:
                queued = meeting_publish(meeting=meeting, announce=announce)
            except ValidationError as error:
                for text in error.messages:
                    self.message_user(request, text, messages.ERROR)
                return HttpResponseRedirect(request.path)
            if announce:
                text = ngettext(
                    "Published and announced: %(count)d member will receive the announcement.",
                    "Published and announced: %(count)d members will receive the announcement.",
                    queued,
                ) % {"count": queued}
            else:
                text = _("Published without an announcement: members see it on the chapter's page.")
            self.message_user(request, text, messages.SUCCESS)
            return HttpResponseRedirect(self._change_url(meeting))
        recipients = announcement_recipients(meeting).count()
        preview = self._announcement_preview(request, meeting)
        gaps = meeting_publish_gaps(meeting)
        return self._page(request, meeting, "publish", gaps=gaps, recipients=recipients, preview=preview)

    def _announcement_preview(self, request, meeting):
        """The announcement as a member would get it, greeting the organizer in their language."""
        member = request.user
        context = notifications.meeting_email_context(meeting, member)
        rendered = render_email(
            "meetings/email/announcement",
            {"member": member, "chapter": meeting.chapter, **context},
            language=member.preferred_language,
            time_zone=meeting.chapter.tzinfo,
        )
        return {
            "subject": rendered.subject,
            "text": rendered.text,
            "ics": notifications.meeting_calendar_text(meeting, "PUBLISH"),
        }

    def message_view(self, request, object_id):
        meeting = self._meeting_for_change(request, object_id)
        form = MessageForm(request.POST or None)
        preview = None
        if request.method == "POST" and form.is_valid():
            audience, message = form.cleaned_data["audience"], form.cleaned_data["message"]
            if request.POST.get("send") == "yes":
                try:
                    sent = meeting_message_people(meeting=meeting, message=message, audience=audience)
                except ValidationError as error:
                    form.add_error(None, error.messages)
                else:
                    self.message_user(
                        request,
                        ngettext(
                            "Message sent to %(count)d person.", "Message sent to %(count)d people.", sent
                        )
                        % {"count": sent},
                        messages.SUCCESS,
                    )
                    return HttpResponseRedirect(self._change_url(meeting))
            else:
                preview = {
                    "message": message,
                    "count": meeting_message_recipients(meeting, audience).count(),
                }
        counts = {name: meeting_message_recipients(meeting, name).count() for name in MESSAGE_AUDIENCES}
        return self._page(request, meeting, "message", form=form, preview=preview, counts=counts)

    def duplicate_view(self, request, object_id):
        meeting = self._meeting_for_change(request, object_id)
        if request.method != "POST":
            return HttpResponseRedirect(self._change_url(meeting))
        copy = meeting_duplicate_to_next_month(meeting=meeting, mark_title=True)
        self.message_user(
            request,
            _("This is a copy, a draft on the same weekday next month: edit its title, then publish it."),
            messages.SUCCESS,
        )
        return HttpResponseRedirect(self._change_url(copy))

    def cancel_view(self, request, object_id):
        meeting = self._meeting_for_change(request, object_id)
        form = CancelForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                meeting_cancel(meeting=meeting, reason=form.cleaned_data["reason"])
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                told = _("Meeting cancelled; everyone going or waitlisted is told why.")
                self.message_user(request, told, messages.SUCCESS)
                return HttpResponseRedirect(self._change_url(meeting))
        people = meeting_message_recipients(meeting, "both").count()
        return self._page(request, meeting, "cancel", form=form, people=people)
