from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from timezone_field import TimeZoneField

from itprosig.dates import is_french
from itprosig.validators import no_control_characters

from .images import LogoField
from .renditions import ResizedLogoField


def in_reader_language(english, french):
    """Return the French text to French readers and the English one to others, each falling back."""
    return (french or english) if is_french() else (english or french)


class Chapter(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        FORMING = "forming", _("Forming")

    name = models.CharField(_("name"), max_length=120, unique=True, validators=[no_control_characters])
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    city = models.CharField(_("city"), max_length=80)
    region = models.CharField(_("province or state"), max_length=80, blank=True)
    country = models.CharField(_("country"), max_length=80, default="Canada")
    # A ZoneInfo in Python, its name in the database; only zones Python knows are accepted.
    time_zone = TimeZoneField(_("time zone"), max_length=64, default="America/Toronto")
    founded_on = models.DateField(_("founded on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.ACTIVE)
    description = models.TextField(_("description"), blank=True, help_text=_("Markdown."))
    description_fr = models.TextField(
        _("description in French"),
        blank=True,
        help_text=_("Markdown. Optional: shown to French readers instead of the description."),
    )
    website = models.URLField(_("website"), blank=True)
    # Raster logos get small copies at upload, served with srcset (chapter_logo tag).
    logo = ResizedLogoField(
        _("logo"),
        upload_to="chapters/logos/",
        blank=True,
        width_field="logo_width",
        height_field="logo_height",
        help_text=_("PNG, JPEG, WebP or SVG; at most 2 MB and 4096 × 4096 pixels."),
    )
    logo_width = models.PositiveIntegerField(_("logo width"), null=True, blank=True, editable=False)
    logo_height = models.PositiveIntegerField(_("logo height"), null=True, blank=True, editable=False)
    contact_email = models.EmailField(_("contact email"), blank=True)
    mailing_address = models.TextField(
        _("postal mailing address"),
        blank=True,
        help_text=_("Printed in the footer of every newsletter, as anti-spam law requires."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("chapter")
        verbose_name_plural = _("chapters")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("chapters:detail", kwargs={"slug": self.slug})

    @property
    def tzinfo(self):
        return self.time_zone

    @property
    def display_description(self):
        """Return the description in the reader's language, or the other one when it has none."""
        return in_reader_language(self.description, self.description_fr)

    @property
    def is_forming(self):
        return self.status == self.Status.FORMING


class Venue(models.Model):
    chapter = models.ForeignKey(
        Chapter, on_delete=models.CASCADE, related_name="venues", verbose_name=_("chapter")
    )
    name = models.CharField(_("name"), max_length=120, validators=[no_control_characters])
    address = models.TextField(_("address"))
    city = models.CharField(_("city"), max_length=80)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    map_url = models.URLField(_("map link"), blank=True)
    accessibility_notes = models.TextField(_("accessibility notes"), blank=True)

    class Meta:
        ordering = ["chapter", "name"]
        verbose_name = _("venue")
        verbose_name_plural = _("venues")
        constraints = [
            models.UniqueConstraint(fields=["chapter", "name"], name="venue_unique_name_per_chapter"),
        ]

    def __str__(self):
        return f"{self.name} ({self.city})"


class Sponsor(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True, validators=[no_control_characters])
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True)
    logo = LogoField(
        _("logo"),
        upload_to="sponsors/logos/",
        blank=True,
        help_text=_("PNG, JPEG, WebP or SVG; at most 2 MB and 4096 × 4096 pixels."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("sponsor")
        verbose_name_plural = _("sponsors")

    def __str__(self):
        return self.name


class Sponsorship(models.Model):
    class Level(models.TextChoices):
        PLATINUM = "platinum", _("Platinum")
        GOLD = "gold", _("Gold")
        SILVER = "silver", _("Silver")
        COMMUNITY = "community", _("Community")
        IN_KIND = "in_kind", _("In kind")

    sponsor = models.ForeignKey(
        Sponsor, on_delete=models.CASCADE, related_name="sponsorships", verbose_name=_("sponsor")
    )
    chapter = models.ForeignKey(
        Chapter, on_delete=models.CASCADE, related_name="sponsorships", verbose_name=_("chapter")
    )
    level = models.CharField(_("level"), max_length=12, choices=Level, default=Level.COMMUNITY)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True, help_text=_("Empty while ongoing."))

    class Meta:
        ordering = ["chapter", "-starts_on"]
        verbose_name = _("sponsorship")
        verbose_name_plural = _("sponsorships")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="sponsorship_ends_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.sponsor} → {self.chapter} ({self.get_level_display()})"


class SponsorLiaison(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="sponsor_liaisons",
        verbose_name=_("user"),
    )
    sponsor = models.ForeignKey(
        Sponsor, on_delete=models.CASCADE, related_name="liaisons", verbose_name=_("sponsor")
    )

    class Meta:
        verbose_name = _("sponsor liaison")
        verbose_name_plural = _("sponsor liaisons")
        constraints = [
            models.UniqueConstraint(fields=["user", "sponsor"], name="liaison_unique_user_sponsor"),
        ]

    def __str__(self):
        return f"{self.user} ({self.sponsor})"


class ChapterRole(models.Model):
    class Role(models.TextChoices):
        ORGANIZER = "organizer", _("Organizer")
        BOARD = "board", _("Board member")
        VOLUNTEER = "volunteer", _("Volunteer")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="chapter_roles",
        verbose_name=_("user"),
    )
    chapter = models.ForeignKey(
        Chapter, on_delete=models.CASCADE, related_name="roles", verbose_name=_("chapter")
    )
    role = models.CharField(_("role"), max_length=10, choices=Role)
    since = models.DateField(_("since"), null=True, blank=True)

    class Meta:
        ordering = ["chapter", "role"]
        verbose_name = _("chapter role")
        verbose_name_plural = _("chapter roles")
        constraints = [
            models.UniqueConstraint(fields=["user", "chapter", "role"], name="chapterrole_unique"),
        ]

    def __str__(self):
        return f"{self.user} – {self.get_role_display()} – {self.chapter}"


class ChapterInterest(models.Model):
    """A person's "count me in" for a chapter that is still forming."""

    chapter = models.ForeignKey(
        Chapter, on_delete=models.CASCADE, related_name="interests", verbose_name=_("chapter")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="chapter_interests",
        verbose_name=_("user"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("chapter interest")
        verbose_name_plural = _("chapter interests")
        constraints = [
            models.UniqueConstraint(fields=["chapter", "user"], name="chapterinterest_unique"),
        ]

    def __str__(self):
        return f"{self.user} → {self.chapter}"
