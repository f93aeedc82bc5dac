import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from timezone_field import TimeZoneField

from chapters.models import Chapter
from itprosig.validators import no_control_characters


def new_calendar_token():
    """Return a fresh, unguessable secret for a personal calendar feed's address."""
    return secrets.token_urlsafe(32)


class MemberManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email, password=None, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        member = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        member.set_password(password)
        member.save(using=self._db)
        return member

    def create_superuser(self, email, password=None, **extra_fields):
        return self.create_user(email, password, **{**extra_fields, "is_staff": True, "is_superuser": True})


class Member(AbstractBaseUser, PermissionsMixin):
    """A person with an account: the login is the email address."""

    email = models.EmailField(_("email address"), unique=True)
    display_name = models.CharField(
        _("display name"), max_length=80, blank=True, validators=[no_control_characters]
    )
    bio = models.TextField(_("bio"), blank=True, max_length=2000)
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    time_zone = TimeZoneField(_("time zone"), max_length=64, default="America/Toronto")
    share_contact_with_sponsors = models.BooleanField(
        _("share my name and email with sponsors of my chapters"), default=False
    )
    show_name_on_attendee_lists = models.BooleanField(
        _("show my name on public attendee lists"), default=False
    )
    # Reminders are transactional (about a meeting the member said they are going to), so they are
    # on by default and one choice for all chapters; announcements and newsletters are per chapter.
    meeting_reminders = models.BooleanField(
        _("remind me the day before meetings I am going to"), default=True
    )
    # The secret in the address of the member's personal calendar feed (/me/calendar/<token>.ics),
    # replaced (and the old address dead) when the member asks for a new address.
    calendar_token = models.CharField(
        _("calendar feed secret"), max_length=64, default=new_calendar_token, db_index=True, editable=False
    )
    is_staff = models.BooleanField(_("staff status"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = MemberManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        ordering = ["email"]
        verbose_name = _("member")
        verbose_name_plural = _("members")

    def __str__(self):
        return self.display_name or self.email

    @property
    def public_name(self):
        """Return the name shown to others: the display name, or the email's local part."""
        return self.display_name or self.email.split("@", 1)[0]


class Membership(models.Model):
    class Source(models.TextChoices):
        WEBSITE = "website", _("Website")
        RSVP = "rsvp", _("RSVP")
        IMPORT = "import", _("Import")
        ADMIN = "admin", _("Admin")

    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("member")
    )
    chapter = models.ForeignKey(
        Chapter, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("chapter")
    )
    joined_at = models.DateTimeField(_("joined at"), default=timezone.now)
    source = models.CharField(_("joined through"), max_length=10, choices=Source, default=Source.WEBSITE)
    newsletter_subscribed = models.BooleanField(_("receives the newsletter"), default=False)
    newsletter_consent_at = models.DateTimeField(_("newsletter consent given at"), null=True, blank=True)
    newsletter_consent_source = models.CharField(
        _("newsletter consent source"), max_length=10, choices=Source, blank=True
    )
    newsletter_unsubscribed_at = models.DateTimeField(_("unsubscribed at"), null=True, blank=True)
    # Meeting announcements are a separate choice from the newsletter: CASL consent, unticked until
    # the member ticks it, with when and how.
    announcements_subscribed = models.BooleanField(_("receives meeting announcements"), default=False)
    announcements_consent_at = models.DateTimeField(
        _("announcements consent given at"), null=True, blank=True
    )
    announcements_consent_source = models.CharField(
        _("announcements consent source"), max_length=10, choices=Source, blank=True
    )

    class Meta:
        ordering = ["chapter", "-joined_at"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["member", "chapter"], name="membership_unique_member_chapter"),
            # CASL: nobody is subscribed without a recorded consent time.
            models.CheckConstraint(
                condition=Q(newsletter_subscribed=False) | Q(newsletter_consent_at__isnull=False),
                name="membership_subscription_needs_consent",
            ),
            models.CheckConstraint(
                condition=Q(announcements_subscribed=False) | Q(announcements_consent_at__isnull=False),
                name="membership_announcements_need_consent",
            ),
        ]
        indexes = [models.Index(fields=["chapter", "joined_at"], name="membership_chapter_joined")]

    def __str__(self):
        return f"{self.member} – {self.chapter}"


# The outbox and newsletter models live in their feature packages; importing them here registers them.
from members.mail.models import OutboxMessage  # noqa: E402, F401
from members.newsletters.models import Delivery, Newsletter  # noqa: E402, F401
