from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chapters.models import Chapter, Venue, in_reader_language
from chapters.renditions import ResizedImageField
from itprosig.validators import no_control_characters


class Topic(models.Model):
    name = models.CharField(_("name"), max_length=80, unique=True, validators=[no_control_characters])
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("meetings:topic", kwargs={"slug": self.slug})


class Meeting(models.Model):
    class Format(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        ONLINE = "online", _("Online")
        HYBRID = "hybrid", _("Hybrid")

    # Held in a room, so they need a venue; held online, so they need the link. Hybrid is both.
    VENUE_FORMATS = (Format.IN_PERSON, Format.HYBRID)
    ONLINE_FORMATS = (Format.ONLINE, Format.HYBRID)

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SCHEDULED = "scheduled", _("Scheduled")
        CANCELLED = "cancelled", _("Cancelled")

    chapter = models.ForeignKey(
        Chapter, on_delete=models.CASCADE, related_name="meetings", verbose_name=_("chapter")
    )
    title = models.CharField(
        _("title"),
        max_length=200,
        validators=[no_control_characters],
        help_text=_("Shown in English, and in French when there is no French title."),
    )
    title_fr = models.CharField(
        _("title in French"),
        max_length=200,
        blank=True,
        validators=[no_control_characters],
        help_text=_("Optional. Shown to French readers instead of the title."),
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    venue = models.ForeignKey(
        Venue,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings",
        verbose_name=_("venue"),
    )
    online_url = models.URLField(_("online link"), blank=True)
    format = models.CharField(_("format"), max_length=10, choices=Format, default=Format.IN_PERSON)
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True, help_text=_("Empty for no limit.")
    )
    rsvp_opens_at = models.DateTimeField(
        _("RSVP opens at"), null=True, blank=True, help_text=_("Empty: open as soon as scheduled.")
    )
    rsvp_closes_at = models.DateTimeField(
        _("RSVP closes at"), null=True, blank=True, help_text=_("Empty: open until the meeting starts.")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.DRAFT)
    description = models.TextField(_("description"), blank=True, help_text=_("Markdown."))
    description_fr = models.TextField(
        _("description in French"),
        blank=True,
        help_text=_("Markdown. Optional: shown to French readers instead of the description."),
    )
    cancellation_reason = models.CharField(
        _("reason for cancelling"),
        max_length=300,
        blank=True,
        validators=[no_control_characters],
        help_text=_("Shown on the meeting page once it is cancelled."),
    )
    cover_image = ResizedImageField(
        _("cover image"),
        upload_to="meetings/covers/",
        blank=True,
        width_field="cover_width",
        height_field="cover_height",
    )
    cover_width = models.PositiveIntegerField(_("cover width"), null=True, blank=True, editable=False)
    cover_height = models.PositiveIntegerField(_("cover height"), null=True, blank=True, editable=False)
    # Set once, when the announcement to the chapter's opted-in members was queued: never twice.
    announced_at = models.DateTimeField(_("announced at"), null=True, blank=True, editable=False)
    topics = models.ManyToManyField(Topic, blank=True, related_name="meetings", verbose_name=_("topics"))
    # iCalendar SEQUENCE: raised on every change members should see, so calendars update.
    sequence = models.PositiveIntegerField(_("revision"), default=0, editable=False)
    guest_count = models.PositiveIntegerField(
        _("walk-in guests"), default=0, help_text=_("People who came without an account.")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="meeting_ends_after_start"),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gte=0), name="meeting_capacity_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(rsvp_opens_at__isnull=True)
                | Q(rsvp_closes_at__isnull=True)
                | Q(rsvp_closes_at__gt=F("rsvp_opens_at")),
                name="meeting_rsvp_window_ordered",
            ),
        ]
        indexes = [
            models.Index(fields=["chapter", "starts_at"], name="meeting_chapter_starts"),
            models.Index(fields=["status", "starts_at"], name="meeting_status_starts"),
        ]

    def __str__(self):
        return f"{self.title} ({self.local_starts_at:%Y-%m-%d})"

    def get_absolute_url(self):
        return reverse("meetings:detail", kwargs={"slug": self.chapter.slug, "pk": self.pk})

    @property
    def local_starts_at(self):
        return timezone.localtime(self.starts_at, self.chapter.tzinfo)

    @property
    def local_ends_at(self):
        return timezone.localtime(self.ends_at, self.chapter.tzinfo)

    @property
    def display_title(self):
        """Return the title in the reader's language, or the other one when it has none."""
        return in_reader_language(self.title, self.title_fr)

    @property
    def display_description(self):
        return in_reader_language(self.description, self.description_fr)

    @property
    def is_cancelled(self):
        return self.status == self.Status.CANCELLED

    @property
    def is_past(self):
        return self.ends_at <= timezone.now()

    @property
    def is_held(self):
        """A scheduled meeting that has ended: organizers see it as held, not still scheduled."""
        return self.status == self.Status.SCHEDULED and self.is_past


class AgendaItem(models.Model):
    class Kind(models.TextChoices):
        TALK = "talk", _("Talk")
        SHORT = "short", _("Short session")
        DISCUSSION = "discussion", _("Discussion")

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="agenda_items", verbose_name=_("meeting")
    )
    # The order in the agenda: set by dragging or the up/down buttons in the editor, never typed.
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    # Local wall-clock time in the chapter's zone; empty means "right after the previous item".
    starts_at = models.TimeField(
        _("start time"),
        null=True,
        blank=True,
        help_text=_("In the chapter's local time. Empty: right after the previous item."),
    )
    title = models.CharField(_("title"), max_length=200, validators=[no_control_characters])
    kind = models.CharField(_("kind"), max_length=12, choices=Kind, default=Kind.TALK)
    speaker = models.CharField(
        _("speaker or facilitator"), max_length=120, blank=True, validators=[no_control_characters]
    )
    speaker_bio = models.TextField(_("speaker bio"), blank=True)
    speaker_photo = ResizedImageField(
        _("speaker photo"),
        upload_to="meetings/speakers/",
        blank=True,
        width_field="speaker_photo_width",
        height_field="speaker_photo_height",
    )
    speaker_photo_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    speaker_photo_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=45)
    description = models.TextField(_("description"), blank=True)
    resources_url = models.URLField(_("slides or recording"), blank=True)
    slides_url = models.URLField(_("slides link"), blank=True)
    recording_url = models.URLField(_("recording link"), blank=True)

    class Meta:
        ordering = ["meeting", "position", "pk"]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        constraints = [
            models.CheckConstraint(condition=Q(duration_minutes__gt=0), name="agendaitem_duration_positive"),
        ]

    def __str__(self):
        return self.title

    def starts_from(self, previous_end):
        """Return when this item starts: the time typed in the editor, on the same day and in the
        same zone as `previous_end` (an aware local time), or else `previous_end` itself."""
        if self.starts_at is None:
            return previous_end
        typed = self.starts_at
        return previous_end.replace(hour=typed.hour, minute=typed.minute, second=0, microsecond=0)


class RSVP(models.Model):
    class Status(models.TextChoices):
        GOING = "going", _("Going")
        WAITLISTED = "waitlisted", _("Waitlisted")
        NOT_GOING = "not_going", _("Not going")

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="rsvps", verbose_name=_("meeting")
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="rsvps", verbose_name=_("member")
    )
    status = models.CharField(_("status"), max_length=12, choices=Status)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # Set when the member joins the waitlist; the waitlist is served in this order.
    waitlisted_at = models.DateTimeField(_("waitlisted at"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("checked in by"),
    )

    class Meta:
        ordering = ["meeting", "created_at"]
        verbose_name = _("RSVP")
        verbose_name_plural = _("RSVPs")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="rsvp_unique_meeting_member"),
            models.CheckConstraint(
                condition=~Q(status="waitlisted") | Q(waitlisted_at__isnull=False),
                name="rsvp_waitlisted_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["meeting", "status", "waitlisted_at"], name="rsvp_meeting_status"),
            models.Index(fields=["member", "meeting"], name="rsvp_member_meeting"),
            # Attendance reports read only the checked-in rows: who came to which meeting.
            models.Index(
                fields=["meeting", "member"], condition=Q(checked_in_at__isnull=False), name="rsvp_attended"
            ),
        ]

    def __str__(self):
        return f"{self.member} – {self.meeting} – {self.get_status_display()}"


class ReportAccessLog(models.Model):
    """One attendance report opened by a sponsor's liaison: who read what, for which period, when.

    Organizers of the chapter read these in the admin. The reader's email is copied so the record
    outlives a deleted account.
    """

    class Report(models.TextChoices):
        CHAPTER = "chapter", _("Chapter report")
        MEETING = "meeting", _("Meeting report")
        NETWORK = "network", _("Network report")

    class Format(models.TextChoices):
        HTML = "html", _("Web page")
        CSV = "csv", _("CSV download")
        PDF = "pdf", _("PDF summary")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("reader"),
    )
    user_email = models.EmailField(_("reader's email"))
    sponsor_names = models.CharField(_("sponsor"), max_length=250, blank=True)
    chapter = models.ForeignKey(
        Chapter, on_delete=models.CASCADE, related_name="report_accesses", verbose_name=_("chapter")
    )
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("meeting"),
    )
    report = models.CharField(_("report"), max_length=10, choices=Report)
    format = models.CharField(_("format"), max_length=4, choices=Format, default=Format.HTML)
    table = models.CharField(_("table"), max_length=40, blank=True)
    period_first = models.DateField(_("period from"), null=True, blank=True)
    period_last = models.DateField(_("period to"), null=True, blank=True)
    created_at = models.DateTimeField(_("opened at"), default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("report access")
        verbose_name_plural = _("report accesses")
        indexes = [models.Index(fields=["chapter", "-created_at"], name="reportaccess_chapter_time")]

    def __str__(self):
        return f"{self.user_email} – {self.get_report_display()} – {self.chapter}"


class WalkInGuest(models.Model):
    """Someone who came to a meeting without being a member of its chapter, as typed at the door.

    No account, no membership and no consent come with it: the record only counts them in the
    meeting's attendance (its `guest_count` includes them) and lets an organizer invite them later.
    Reports show guests as a number, never these names or addresses.
    """

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="walk_in_guests", verbose_name=_("meeting")
    )
    name = models.CharField(_("name"), max_length=120, validators=[no_control_characters])
    # Stored lower-cased: the same person typed twice at the door is counted once.
    email = models.EmailField(_("email address"))
    added_at = models.DateTimeField(_("added at"), default=timezone.now)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("added by"),
    )

    class Meta:
        ordering = ["meeting", "added_at"]
        verbose_name = _("walk-in guest")
        verbose_name_plural = _("walk-in guests")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "email"], name="walkinguest_unique_meeting_email"),
        ]

    def __str__(self):
        return self.name


class CheckInChange(models.Model):
    """One change made at a meeting's door: what, to whom, by whom, when. Never edited."""

    class Action(models.TextChoices):
        CHECK_IN = "check_in", _("Checked in")
        UNDO = "undo", _("Check-in undone")
        WALK_IN_MEMBER = "walk_in_member", _("Member walked in")
        WALK_IN_GUEST = "walk_in_guest", _("Guest walked in")
        GUESTS = "guests", _("Guest count changed")

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="checkin_changes", verbose_name=_("meeting")
    )
    action = models.CharField(_("action"), max_length=16, choices=Action)
    rsvp = models.ForeignKey(
        RSVP, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("RSVP")
    )
    guest = models.ForeignKey(
        WalkInGuest,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("walk-in guest"),
    )
    guests_delta = models.IntegerField(_("guests added or removed"), null=True, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("by"),
    )
    # Whether the door was already closed to volunteers: a later correction by an organizer.
    after_close = models.BooleanField(_("after the door closed"), default=False)
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("check-in change")
        verbose_name_plural = _("check-in changes")
        indexes = [models.Index(fields=["meeting", "-at"], name="checkinchange_meeting_time")]

    def __str__(self):
        return f"{self.meeting} – {self.get_action_display()}"
