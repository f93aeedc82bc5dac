"""Newsletters and their per-recipient ledger, the Delivery rows a send resumes from."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from chapters.models import Chapter
from itprosig.validators import no_control_characters


class Newsletter(models.Model):
    """A chapter's newsletter, written in Markdown and sent to its consenting subscribers."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SCHEDULED = "scheduled", _("Scheduled")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        # Stopped short: the mail server refused it for good, or sending broke; the organizer resumes.
        FAILED = "failed", _("Failed")

    chapter = models.ForeignKey(
        Chapter, on_delete=models.CASCADE, related_name="newsletters", verbose_name=_("chapter")
    )
    subject = models.CharField(_("subject"), max_length=200, validators=[no_control_characters])
    body = models.TextField(_("body"), help_text=_("Markdown."))
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.DRAFT)
    scheduled_for = models.DateTimeField(_("scheduled for"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    send_started_at = models.DateTimeField(_("sending started at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    recipient_count = models.PositiveIntegerField(_("recipients"), default=0)
    last_error = models.TextField(_("reason it failed"), blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("newsletter")
        verbose_name_plural = _("newsletters")
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="scheduled") | Q(scheduled_for__isnull=False),
                name="newsletter_scheduled_has_time",
            ),
        ]
        indexes = [models.Index(fields=["status", "scheduled_for"], name="newsletter_status_scheduled")]

    def __str__(self):
        return self.subject

    @property
    def is_editable(self):
        return self.status in (self.Status.DRAFT, self.Status.SCHEDULED)


class Delivery(models.Model):
    """One newsletter to one member: the ledger a send resumes from."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Skipped (unsubscribed)")

    newsletter = models.ForeignKey(
        Newsletter, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("newsletter")
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="newsletter_deliveries",
        verbose_name=_("member"),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.PENDING)
    # queued_at: when a batch task was last queued for this row; claimed_at: when a worker took it.
    # A row pending long after either is a lost batch, which the sweeper queues again.
    queued_at = models.DateTimeField(_("queued at"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["newsletter", "pk"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["newsletter", "member"], name="delivery_unique_newsletter_member"
            ),
        ]
        indexes = [models.Index(fields=["newsletter", "status"], name="delivery_newsletter_status")]

    def __str__(self):
        return f"{self.newsletter} → {self.member}"
