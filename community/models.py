"""The community program: volunteers, polls, feedback after a meeting, notes for sponsors.

These models point at chapters, members and meetings; nothing there points back here.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chapters.models import Chapter
from itprosig.validators import no_control_characters
from meetings.models import AgendaItem, Meeting


class VolunteerRole(models.Model):
    class Kind(models.TextChoices):
        DOOR = "door", _("Door (tickets and check-in)")
        BOOTH = "booth", _("Booth")
        SETUP = "setup", _("Setup and tidy-up")
        HOST = "host", _("Host")
        SPEAKER_CARE = "speaker_care", _("Speaker care")

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="volunteer_roles", verbose_name=_("meeting")
    )
    kind = models.CharField(_("role"), max_length=12, choices=Kind)
    places = models.PositiveSmallIntegerField(_("places"), default=1)
    description = models.TextField(_("what it involves"), blank=True, max_length=1000)

    class Meta:
        ordering = ["meeting", "kind", "pk"]
        verbose_name = _("volunteer role")
        verbose_name_plural = _("volunteer roles")
        constraints = [
            models.CheckConstraint(condition=Q(places__gt=0), name="volunteerrole_places_positive"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} – {self.meeting}"


class VolunteerSignup(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for confirmation")
        CONFIRMED = "confirmed", _("Confirmed")
        CANCELLED = "cancelled", _("Cancelled")

    role = models.ForeignKey(
        VolunteerRole, on_delete=models.CASCADE, related_name="signups", verbose_name=_("role")
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="volunteer_signups",
        verbose_name=_("member"),
    )
    state = models.CharField(_("state"), max_length=10, choices=State, default=State.PENDING)
    # Consent, given by the member alone: their name may appear in the chapter page's thanks.
    thank_publicly = models.BooleanField(_("may be thanked by name"), default=False)
    created_at = models.DateTimeField(_("signed up at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    class Meta:
        ordering = ["role", "created_at", "pk"]
        verbose_name = _("volunteer sign-up")
        verbose_name_plural = _("volunteer sign-ups")
        constraints = [
            models.UniqueConstraint(fields=["role", "member"], name="volunteersignup_unique_role_member"),
        ]
        indexes = [models.Index(fields=["role", "state"], name="volunteersignup_role_state")]

    def __str__(self):
        return f"{self.member} – {self.role}"


class Poll(models.Model):
    class Results(models.TextChoices):
        AFTER_VOTING = "after_voting", _("To each member once they have voted")
        AFTER_CLOSING = "after_closing", _("To members once the poll is closed")

    chapter = models.ForeignKey(
        Chapter, on_delete=models.CASCADE, related_name="polls", verbose_name=_("chapter")
    )
    question = models.CharField(_("question"), max_length=200, validators=[no_control_characters])
    multiple = models.BooleanField(_("several answers allowed"), default=False)
    allow_other = models.BooleanField(_("offer “Other” with a free answer"), default=False)
    opens_at = models.DateTimeField(_("opens at"), default=timezone.now)
    closes_at = models.DateTimeField(_("closes at"))
    results = models.CharField(
        _("results shown"), max_length=14, choices=Results, default=Results.AFTER_VOTING
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-opens_at", "pk"]
        verbose_name = _("poll")
        verbose_name_plural = _("polls")
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=F("opens_at")), name="poll_closes_after_opening"
            ),
        ]
        indexes = [models.Index(fields=["chapter", "closes_at"], name="poll_chapter_closes")]

    def __str__(self):
        return self.question

    def get_absolute_url(self):
        return reverse("community:poll", kwargs={"slug": self.chapter.slug, "pk": self.pk})

    def is_open(self, now=None):
        now = now or timezone.now()
        return self.opens_at <= now < self.closes_at

    def is_closed(self, now=None):
        return (now or timezone.now()) >= self.closes_at


class PollChoice(models.Model):
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="choices", verbose_name=_("poll"))
    label = models.CharField(_("answer"), max_length=120, validators=[no_control_characters])
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["poll", "position", "pk"]
        verbose_name = _("poll answer")
        verbose_name_plural = _("poll answers")

    def __str__(self):
        return self.label


class Vote(models.Model):
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="votes", verbose_name=_("poll"))
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="poll_votes",
        verbose_name=_("member"),
    )
    choices = models.ManyToManyField(PollChoice, blank=True, related_name="votes", verbose_name=_("answers"))
    other = models.CharField(_("other answer"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("voted at"), default=timezone.now)
    updated_at = models.DateTimeField(_("changed at"), auto_now=True)

    class Meta:
        ordering = ["poll", "created_at"]
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [models.UniqueConstraint(fields=["poll", "member"], name="vote_one_per_member")]

    def __str__(self):
        return f"{self.member} – {self.poll}"


class FeedbackResponse(models.Model):
    """A member's feedback on a meeting they attended. Comments stay with the chapter's organizers."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="feedback_responses", verbose_name=_("meeting")
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="feedback_responses",
        verbose_name=_("member"),
    )
    comment = models.TextField(_("comment"), blank=True, max_length=2000)
    created_at = models.DateTimeField(_("answered at"), default=timezone.now)
    updated_at = models.DateTimeField(_("changed at"), auto_now=True)

    class Meta:
        ordering = ["meeting", "-created_at"]
        verbose_name = _("feedback response")
        verbose_name_plural = _("feedback responses")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="feedback_one_per_member_meeting"),
        ]

    def __str__(self):
        return f"{self.member} – {self.meeting}"


class TalkRating(models.Model):
    response = models.ForeignKey(
        FeedbackResponse, on_delete=models.CASCADE, related_name="ratings", verbose_name=_("response")
    )
    agenda_item = models.ForeignKey(
        AgendaItem, on_delete=models.CASCADE, related_name="ratings", verbose_name=_("talk")
    )
    rating = models.PositiveSmallIntegerField(
        _("rating"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )

    class Meta:
        ordering = ["response", "agenda_item"]
        verbose_name = _("talk rating")
        verbose_name_plural = _("talk ratings")
        constraints = [
            models.UniqueConstraint(fields=["response", "agenda_item"], name="talkrating_one_per_talk"),
            models.CheckConstraint(condition=Q(rating__gte=1, rating__lte=5), name="talkrating_one_to_five"),
        ]

    def __str__(self):
        return f"{self.agenda_item}: {self.rating}"


class MeetingNote(models.Model):
    """What happened at a meeting, written by an organizer for the chapter's sponsors."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="sponsor_notes", verbose_name=_("meeting")
    )
    body = models.TextField(_("note"), max_length=5000, help_text=_("Markdown."))
    state = models.CharField(_("state"), max_length=10, choices=State, default=State.DRAFT)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["meeting", "created_at"]
        verbose_name = _("note for sponsors")
        verbose_name_plural = _("notes for sponsors")

    def __str__(self):
        return f"{self.meeting} – {self.get_state_display()}"
