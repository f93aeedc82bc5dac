"""The outbox: every transactional email starts as a row written in the transaction that causes it.

Sending only ever moves a row forward (pending -> sent or failed), so a retry or a redelivered task
never sends a message that is already marked sent.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chapters.models import Chapter

from . import kinds


class OutboxMessage(models.Model):
    """One transactional email (an RSVP answer, a meeting change, an account email), rendered."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    # Each app registers the kinds it sends (members.mail.kinds); the admin shows their labels.
    kind = models.CharField(_("kind"), max_length=kinds.MAX_LENGTH, choices=kinds.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.PENDING)
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="outbox_messages",
        verbose_name=_("member"),
    )
    chapter = models.ForeignKey(
        Chapter,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="outbox_messages",
        verbose_name=_("chapter"),
    )
    # Set for messages that must go out at most once per cause (a reminder per member and meeting).
    dedupe_key = models.CharField(_("deduplication key"), max_length=120, null=True, blank=True)
    from_email = models.CharField(_("from"), max_length=254)
    to_email = models.EmailField(_("to"))
    reply_to = models.EmailField(_("reply to"), blank=True)
    subject = models.CharField(_("subject"), max_length=255)
    body_text = models.TextField(_("text body"))
    body_html = models.TextField(_("HTML body"), blank=True)
    headers = models.JSONField(_("extra headers"), default=dict, blank=True)
    # An iCalendar object sent as a text/calendar part with its METHOD (RFC 6047, iMIP).
    calendar = models.TextField(_("calendar"), blank=True)
    calendar_method = models.CharField(_("calendar method"), max_length=10, blank=True)
    # Further files as [{"filename", "mimetype", "content" (base64)}].
    attachments = models.JSONField(_("attachments"), default=list, blank=True)
    # For a message rendered when it is sent: {"name", "language", "time_zone", "spec"}; the
    # bodies stay empty until then.
    composer = models.JSONField(_("composed by"), default=dict, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("email")
        verbose_name_plural = _("emails")
        constraints = [
            models.UniqueConstraint(fields=["dedupe_key"], name="outbox_unique_dedupe_key"),
        ]
        indexes = [
            # The sweeper's query: pending rows, oldest first.
            models.Index(fields=["created_at"], condition=Q(status="pending"), name="outbox_pending_created"),
            models.Index(fields=["member", "-created_at"], name="outbox_member_created"),
        ]

    def __str__(self):
        return f"{self.subject} → {self.to_email}"
