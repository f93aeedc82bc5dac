import zoneinfo

from django import forms
from django.utils.translation import gettext_lazy as _

from chapters.models import Chapter

from .models import Member
from .services import PROFILE_FIELDS

# Region groups of the time-zone picker, in the order shown after the chapters' own zones.
ZONE_REGIONS = {
    "America": _("Americas"),
    "Europe": _("Europe"),
    "Africa": _("Africa"),
    "Asia": _("Asia"),
    "Australia": _("Australia"),
    "Pacific": _("Pacific"),
    "Atlantic": _("Atlantic"),
    "Indian": _("Indian Ocean"),
    "Antarctica": _("Antarctica"),
}
OTHER_ZONES = _("Other")


def _zone_label(name):
    return name.replace("_", " ")


def _chapter_zones():
    """Return the zones the chapters meet in, North American first, then by name."""
    names = {str(zone) for zone in Chapter.objects.values_list("time_zone", flat=True).distinct()}
    return sorted(names, key=lambda name: (not name.startswith("America/"), name))


def time_zone_choices():
    """Return the picker's choices: the chapters' zones first, then every zone grouped by region."""
    likely = _chapter_zones()
    groups = {region: [] for region in [*ZONE_REGIONS, None]}
    for name in sorted(zoneinfo.available_timezones() - set(likely)):
        region = name.split("/", 1)[0]
        if "/" not in name or region not in ZONE_REGIONS:
            region = None
        groups[region].append((name, _zone_label(name)))
    choices = [(_("Zones of our chapters"), [(name, _zone_label(name)) for name in likely])] if likely else []
    for region, zones in groups.items():
        if zones:
            choices.append((ZONE_REGIONS.get(region, OTHER_ZONES), zones))
    return choices


class JoinForm(forms.Form):
    newsletter = forms.BooleanField(
        label=_("Also send me this chapter’s newsletter (you can unsubscribe at any time)"), required=False
    )


class EmailPreferencesForm(forms.Form):
    """The chapters, among the member's own, whose newsletter and meeting announcements they want."""

    newsletter = forms.TypedMultipleChoiceField(coerce=int, required=False)
    announcements = forms.TypedMultipleChoiceField(coerce=int, required=False)

    def __init__(self, *args, memberships, **kwargs):
        super().__init__(*args, **kwargs)
        chapters = [(m.chapter_id, m.chapter.name) for m in memberships]
        self.fields["newsletter"].choices = self.fields["announcements"].choices = chapters


class ProfileForm(forms.ModelForm):
    class Meta:
        model = Member
        fields = PROFILE_FIELDS
        labels = {
            "display_name": _("Display name"),
            "bio": _("About you"),
            "preferred_language": _("Language for pages and email"),
            "share_contact_with_sponsors": _("Share my name and email with the sponsors of my chapters"),
            "show_name_on_attendee_lists": _("Show my name on the attendee lists of meetings I go to"),
            "meeting_reminders": _("Email me a reminder the day before a meeting I am going to"),
        }
        help_texts = {
            "display_name": _("Shown to organizers, and on attendee lists if you agree below."),
            "share_contact_with_sponsors": _(
                "Sponsors see attendance figures either way; with this, they may also see who you are."
            ),
        }
        widgets = {"bio": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = time_zone_choices()


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, member, **kwargs):
        super().__init__(*args, **kwargs)
        self.member = member

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.member.check_password(password):
            raise forms.ValidationError(_("That is not your password."))
        return password
