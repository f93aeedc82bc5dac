"""Newsletters in the admin: write, preview, test, schedule, send, follow the progress, resume a failed send.

Organizers see only their chapters' newsletters (ChapterScopedAdmin).
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chapters.admin_scoping import ChapterScopedAdmin
from chapters.rules import can_organize
from members.models import Membership
from members.newsletters import sending as service
from members.newsletters.models import Delivery, Newsletter


class NewsletterForm(forms.ModelForm):
    class Meta:
        model = Newsletter
        fields = ["chapter", "subject", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 20})}


class ScheduleForm(forms.Form):
    scheduled_for = forms.SplitDateTimeField(
        label=gettext_lazy("Send at"),
        widget=admin.widgets.AdminSplitDateTime,
        help_text=gettext_lazy("In the chapter's time zone."),
    )


@admin.register(Newsletter)
class NewsletterAdmin(ChapterScopedAdmin):
    form = NewsletterForm
    list_display = ["subject", "chapter", "status", "scheduled_for", "progress", "sent_at"]
    list_filter = ["status", "chapter"]
    search_fields = ["subject"]
    date_hierarchy = "created_at"
    change_form_template = "admin/members/newsletter/change_form.html"

    #: Audiences listed on the form at most; beyond (a superuser) the draft preview gives the count.
    AUDIENCE_LIMIT = 10

    def _audiences(self, request):
        """Return (chapter, subscriber count) for the chapters this user may write to, or None."""
        field = self.get_form(request).base_fields["chapter"]
        chapters = list(field.queryset.order_by("name")[: self.AUDIENCE_LIMIT + 1])
        if len(chapters) > self.AUDIENCE_LIMIT:
            return None
        return [(chapter, service.subscribers(chapter).count()) for chapter in chapters]

    def add_view(self, request, form_url="", extra_context=None):
        extra_context = {"audiences": self._audiences(request), **(extra_context or {})}
        return super().add_view(request, form_url, extra_context)

    def draft_preview_view(self, request):
        """Show the newsletter being written, unsaved: subject, body and who would get it."""
        self._post_only(request)
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = self.get_form(request)(request.POST)
        context = {"title": _("Preview of the newsletter"), "form": form}
        if form.is_valid():
            newsletter = form.save(commit=False)
            if not can_organize(request.user, newsletter.chapter_id):
                raise PermissionDenied
            membership = Membership(member=request.user, chapter=newsletter.chapter)
            rendered, _headers = service.render_newsletter(newsletter, membership, test=True)
            context.update(
                newsletter=newsletter,
                subject=rendered.subject,
                body_html=service.markdown_to_html(newsletter.body),
                text=rendered.text,
                recipients=service.subscribers(newsletter.chapter).count(),
            )
        return self._page(request, "preview_draft.html", context)

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and not obj.is_editable:
            return ["chapter", "subject", "body"]
        return []

    def has_change_permission(self, request, obj=None):
        # Sending, sent or failed: the text is what members received; the page is read-only.
        if obj is not None and not obj.is_editable:
            return False
        return super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def has_delete_permission(self, request, obj=None):
        # A sent newsletter is a record of what members were told; only drafts go away.
        if obj is not None and not obj.is_editable:
            return False
        return super().has_delete_permission(request, obj)

    @admin.display(description=gettext_lazy("Progress"))
    def progress(self, obj):
        if obj.status in (Newsletter.Status.DRAFT, Newsletter.Status.SCHEDULED):
            return "–"
        counts = service.newsletter_progress(obj)
        return _("%(sent)s of %(total)s sent, %(failed)s failed") % counts

    def get_urls(self):
        info = f"{self.opts.app_label}_{self.opts.model_name}"
        wrap = self.admin_site.admin_view
        return [
            path("preview-draft/", wrap(self.draft_preview_view), name=f"{info}_preview_draft"),
            path("<int:pk>/preview/", wrap(self.preview_view), name=f"{info}_preview"),
            path("<int:pk>/send-test/", wrap(self.send_test_view), name=f"{info}_send_test"),
            path("<int:pk>/send-now/", wrap(self.send_now_view), name=f"{info}_send_now"),
            path("<int:pk>/schedule/", wrap(self.schedule_view), name=f"{info}_schedule"),
            path("<int:pk>/resume/", wrap(self.resume_view), name=f"{info}_resume"),
            *super().get_urls(),
        ]

    def _get_newsletter(self, request, pk):
        newsletter = get_object_or_404(self.get_queryset(request).select_related("chapter"), pk=pk)
        if not can_organize(request.user, newsletter.chapter_id):
            raise PermissionDenied
        return newsletter

    def _change_url(self, newsletter):
        return reverse("admin:members_newsletter_change", args=[newsletter.pk])

    def preview_view(self, request, pk):
        """Show the newsletter as the organizer would receive it, in the browser."""
        newsletter = self._get_newsletter(request, pk)
        membership = service.reader_membership(newsletter, request.user)
        rendered, _headers = service.render_newsletter(newsletter, membership, test=True)
        response = HttpResponse(rendered.html)
        # The email's inline styles are its only styling; allow them for this page alone.
        response.headers["Content-Security-Policy"] = (
            "default-src 'none'; style-src 'unsafe-inline'; img-src https: data:; frame-ancestors 'self'"
        )
        return response

    @staticmethod
    def _post_only(request):
        if request.method != "POST":
            raise PermissionDenied

    def _page(self, request, template, context):
        context = {**self.admin_site.each_context(request), "opts": self.opts, **context}
        return TemplateResponse(request, f"admin/members/newsletter/{template}", context)

    def _act(self, request, newsletter, action, done):
        """Run a sending service on the newsletter, say how it went, and go back to its page."""
        try:
            action(newsletter=newsletter)
        except service.NewsletterError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, done)
        return HttpResponseRedirect(self._change_url(newsletter))

    def send_test_view(self, request, pk):
        self._post_only(request)
        newsletter = self._get_newsletter(request, pk)
        service.newsletter_send_test(newsletter=newsletter, member=request.user)
        messages.success(request, _("A test was sent to %(email)s.") % {"email": request.user.email})
        return HttpResponseRedirect(self._change_url(newsletter))

    def send_now_view(self, request, pk):
        newsletter = self._get_newsletter(request, pk)
        if request.method == "POST":
            return self._act(request, newsletter, service.newsletter_send_now, _("Sending started."))
        context = {
            "newsletter": newsletter,
            "recipients": service.subscribers(newsletter.chapter).count(),
            "title": _("Send this newsletter now?"),
        }
        return self._page(request, "send_now.html", context)

    def resume_view(self, request, pk):
        self._post_only(request)
        newsletter = self._get_newsletter(request, pk)
        return self._act(request, newsletter, service.newsletter_resume, _("Sending resumed."))

    def schedule_view(self, request, pk):
        newsletter = self._get_newsletter(request, pk)
        with timezone.override(newsletter.chapter.tzinfo):
            form = ScheduleForm(request.POST or None)
            if request.method == "POST" and form.is_valid():
                try:
                    service.newsletter_schedule(
                        newsletter=newsletter, when=form.cleaned_data["scheduled_for"]
                    )
                except service.NewsletterError as exc:
                    form.add_error("scheduled_for", str(exc))
                else:
                    messages.success(request, _("The newsletter is scheduled."))
                    return HttpResponseRedirect(self._change_url(newsletter))
            context = {
                "newsletter": newsletter,
                "form": form,
                "media": self.media + form.media,
                "title": _("Schedule this newsletter"),
            }
            return self._page(request, "schedule.html", context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        newsletter = self.get_object(request, object_id)
        if newsletter is not None:
            extra_context["progress"] = service.newsletter_progress(newsletter)
            extra_context["recipients"] = service.subscribers(newsletter.chapter).count()
            extra_context["failures"] = Delivery.objects.filter(
                newsletter=newsletter, status=Delivery.Status.FAILED
            ).select_related("member")[:50]
        return super().change_view(request, object_id, form_url, extra_context)
