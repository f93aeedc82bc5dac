"""Calls for speakers, talk proposals, speakers' public profiles and speaker tours.

A proposal is private to its speaker and the chapter's organizers. A talk given is a proposal placed
on a meeting's agenda (its `agenda_item`); a tour stop the speaker accepts becomes such a proposal
too, so a speaker's profile lists every talk the same way, whichever road it came by.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from chapters.models import Chapter
from itprosig.validators import no_control_characters
from meetings.models import AgendaItem, Meeting, Topic

from .photos import validate_photo


class CallForSpeakers(models.Model):
    chapter = models.ForeignKey(
        Chapter, on_delete=models.CASCADE, related_name="calls_for_speakers", verbose_name=_("chapter")
    )
    title = models.CharField(_("title"), max_length=200, validators=[no_control_characters])
    description = models.TextField(_("description"), blank=True, help_text=_("Markdown."))
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("for the meeting"),
    )
    topic = models.ForeignKey(
        Topic, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("topic")
    )
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))

    class Meta:
        ordering = ["-opens_at"]
        verbose_name = _("call for speakers")
        verbose_name_plural = _("calls for speakers")
        constraints = [
            models.CheckConstraint(condition=Q(closes_at__gt=F("opens_at")), name="cfs_closes_after_opening"),
        ]

    def __str__(self):
        return self.title

    def is_open_at(self, moment):
        return self.opens_at <= moment < self.closes_at


class Proposal(models.Model):
    class State(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        CHANGES_REQUESTED = "changes", _("Changes requested")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        SCHEDULED = "scheduled", _("Scheduled")

    class Level(models.TextChoices):
        INTRODUCTORY = "introductory", _("Introductory")
        INTERMEDIATE = "intermediate", _("Intermediate")
        ADVANCED = "advanced", _("Advanced")

    chapter = models.ForeignKey(
        Chapter, on_delete=models.CASCADE, related_name="talk_proposals", verbose_name=_("chapter")
    )
    call = models.ForeignKey(
        CallForSpeakers,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposals",
        verbose_name=_("call for speakers"),
    )
    speaker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="talk_proposals",
        verbose_name=_("speaker"),
    )
    title = models.CharField(_("title"), max_length=200, validators=[no_control_characters])
    abstract = models.TextField(_("abstract"), max_length=5000, help_text=_("Markdown."))
    kind = models.CharField(_("kind"), max_length=12, choices=AgendaItem.Kind, default=AgendaItem.Kind.TALK)
    level = models.CharField(_("level"), max_length=12, choices=Level, default=Level.INTRODUCTORY)
    # Months the speaker could come, as "YYYY-MM" strings (a JSON list works on SQLite and PostgreSQL).
    preferred_months = models.JSONField(_("preferred months"), default=list, blank=True)
    speaker_bio = models.TextField(_("speaker bio"), max_length=2000, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State, default=State.SUBMITTED)
    review_message = models.TextField(_("message to the speaker"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    agenda_item = models.OneToOneField(
        AgendaItem,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposal",
        verbose_name=_("agenda item"),
    )
    created_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("talk proposal")
        verbose_name_plural = _("talk proposals")
        constraints = [
            # Only a scheduled proposal sits on an agenda.
            models.CheckConstraint(
                condition=Q(agenda_item__isnull=True) | Q(state="scheduled"),
                name="proposal_agenda_only_when_scheduled",
            ),
        ]
        indexes = [
            models.Index(fields=["chapter", "state"], name="proposal_chapter_state"),
            models.Index(fields=["speaker", "-created_at"], name="proposal_speaker_created"),
        ]

    def __str__(self):
        return self.title

    @property
    def is_editable(self):
        return self.state in (self.State.SUBMITTED, self.State.CHANGES_REQUESTED)

    @property
    def is_withdrawable(self):
        return self.state in (self.State.SUBMITTED, self.State.CHANGES_REQUESTED, self.State.ACCEPTED)


class SpeakerProfile(models.Model):
    member = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="speaker_profile",
        verbose_name=_("member"),
    )
    slug = models.SlugField(_("address"), max_length=80, unique=True)
    bio = models.TextField(_("bio"), max_length=2000, blank=True, help_text=_("Markdown."))
    photo = models.ImageField(
        _("photo"),
        upload_to="speakers/photos/",
        blank=True,
        validators=[validate_photo],
        width_field="photo_width",
        height_field="photo_height",
        help_text=_("PNG, JPEG or WebP; at most 2 MB and 4096 × 4096 pixels."),
    )
    photo_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    photo_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    # Consent is the speaker's own, with its time; without it the page does not exist for others.
    is_public = models.BooleanField(_("public profile"), default=False)
    public_consent_at = models.DateTimeField(_("made public at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["slug"]
        verbose_name = _("speaker profile")
        verbose_name_plural = _("speaker profiles")
        constraints = [
            models.CheckConstraint(
                condition=Q(is_public=False) | Q(public_consent_at__isnull=False),
                name="speakerprofile_public_needs_consent",
            ),
        ]

    def __str__(self):
        return self.slug

    def get_absolute_url(self):
        return reverse("speakers:profile", kwargs={"slug": self.slug})


class Tour(models.Model):
    """One talk a speaker offers to the whole network for a span of dates."""

    speaker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="tours", verbose_name=_("speaker")
    )
    title = models.CharField(_("title"), max_length=200, validators=[no_control_characters])
    abstract = models.TextField(_("abstract"), max_length=5000, help_text=_("Markdown."))
    kind = models.CharField(_("kind"), max_length=12, choices=AgendaItem.Kind, default=AgendaItem.Kind.TALK)
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=60)
    available_from = models.DateField(_("available from"))
    available_to = models.DateField(_("available until"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-available_from", "pk"]
        verbose_name = _("speaker tour")
        verbose_name_plural = _("speaker tours")
        constraints = [
            models.CheckConstraint(
                condition=Q(available_to__gte=F("available_from")), name="tour_dates_ordered"
            ),
            models.CheckConstraint(condition=Q(duration_minutes__gt=0), name="tour_duration_positive"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("speakers:tour", kwargs={"pk": self.pk})


class TourStop(models.Model):
    class State(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    tour = models.ForeignKey(Tour, on_delete=models.CASCADE, related_name="stops", verbose_name=_("tour"))
    chapter = models.ForeignKey(
        Chapter, on_delete=models.CASCADE, related_name="tour_stops", verbose_name=_("chapter")
    )
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("meeting"),
    )
    state = models.CharField(_("state"), max_length=10, choices=State, default=State.REQUESTED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    # The talk on the meeting's agenda once the speaker accepts.
    proposal = models.OneToOneField(
        Proposal,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tour_stop",
        verbose_name=_("talk"),
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        ordering = ["tour", "requested_at", "pk"]
        verbose_name = _("tour stop")
        verbose_name_plural = _("tour stops")
        constraints = [
            # A chapter asks once per tour until the speaker declines.
            models.UniqueConstraint(
                fields=["tour", "chapter"],
                condition=Q(state__in=["requested", "accepted"]),
                name="tourstop_one_open_per_chapter",
            ),
        ]

    def __str__(self):
        return f"{self.tour} – {self.chapter}"
