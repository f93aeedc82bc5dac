"""The email outbox in the admin: organizers read their chapters' emails and send failed ones again.

Account emails, which belong to no chapter, only superusers see.
"""

from django.contrib import admin, messages
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from chapters.admin_scoping import ChapterScopedAdmin, ReadOnlyAdminMixin
from members.mail import kinds
from members.mail.models import OutboxMessage
from members.mail.outbox import outbox_retry_failed


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdminMixin, ChapterScopedAdmin):
    """Every transactional email and its state, read-only: what a member was sent, and whether it left."""

    list_display = [
        "created_at",
        "to_email",
        "subject_shown",
        "kind_shown",
        "status_badge",
        "attempts",
        "sent_at",
        "error_shown",
    ]
    list_filter = ["status", "kind", "chapter"]
    search_fields = ["to_email", "subject", "member__email", "member__display_name"]
    date_hierarchy = "created_at"
    list_select_related = ["chapter"]
    actions = ["send_again"]
    fields = [
        "kind_shown",
        "status",
        "member",
        "chapter",
        "to_email",
        "from_email",
        "subject_shown",
        "body_text",
        "attempts",
        "error_shown",
        "next_attempt_at",
        "created_at",
        "sent_at",
    ]
    readonly_fields = fields

    @admin.display(description=gettext_lazy("subject"), ordering="subject")
    def subject_shown(self, obj):
        # RSVP emails are written by the mail worker just before they go out.
        if not obj.body_text and obj.composer:
            return _("(written when it is sent)")
        return obj.subject

    @admin.display(description=gettext_lazy("kind"), ordering="kind")
    def kind_shown(self, obj):
        # The label the sending app registered; a kind nobody registered is shown as stored.
        return kinds.label(obj.kind)

    @admin.display(description=gettext_lazy("status"), ordering="status")
    def status_badge(self, obj):
        colour = {"sent": "green", "failed": "#b00020"}.get(obj.status, "#8a6d00")
        return format_html('<strong style="color:{}">{}</strong>', colour, obj.get_status_display())

    @admin.display(description=gettext_lazy("last error"))
    def error_shown(self, obj):
        # Only a failure still standing: a message sent after a passing error has none.
        if obj.status == OutboxMessage.Status.SENT:
            return ""
        return Truncator(obj.last_error).chars(120)

    @admin.action(description=gettext_lazy("Send the selected failed emails again"))
    def send_again(self, request, queryset):
        # The queryset is the organizer's own chapters' rows; other rows posted by id never reach here.
        count = outbox_retry_failed(queryset=queryset)
        message = ngettext("%(count)s email queued again.", "%(count)s emails queued again.", count)
        messages.success(request, message % {"count": count})
