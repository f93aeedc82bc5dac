import datetime

from django import forms
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from meetings.models import AgendaItem, Meeting

from .models import Proposal, SpeakerProfile, Tour
from .photos import validate_photo
from .services import months_ahead


def _month_choices(extra=()):
    """Offer the next twelve months, plus any month already chosen that has passed since."""
    months = {day.strftime("%Y-%m"): day for day in months_ahead()}
    for value in extra:
        if value not in months and len(value) == 7:
            try:
                months[value] = datetime.date(int(value[:4]), int(value[5:]), 1)
            except ValueError:
                continue
    return [(key, formats.date_format(day, "YEAR_MONTH_FORMAT")) for key, day in sorted(months.items())]


class ProposalForm(forms.ModelForm):
    call = forms.ModelChoiceField(
        queryset=None, required=False, label=_("Call for speakers"), empty_label=_("No particular call")
    )
    preferred_months = forms.MultipleChoiceField(
        label=_("Months you could come"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave empty if any month suits you."),
    )

    class Meta:
        model = Proposal
        fields = ["call", "title", "kind", "level", "abstract", "preferred_months", "speaker_bio"]
        labels = {
            "title": _("Title of your talk"),
            "kind": _("Format"),
            "abstract": _("Abstract"),
            "speaker_bio": _("About you, as the speaker"),
        }
        help_texts = {
            "abstract": _("What attendees will learn. Markdown is fine."),
            "speaker_bio": _("A few lines shown with your talk on the meeting page."),
        }
        widgets = {
            "abstract": forms.Textarea(attrs={"rows": 8}),
            "speaker_bio": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, calls=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [
            (AgendaItem.Kind.TALK, _("Talk (about 45 minutes)")),
            (AgendaItem.Kind.SHORT, _("15-minute short session")),
            (AgendaItem.Kind.DISCUSSION, _("Discussion you facilitate")),
        ]
        self.fields["preferred_months"].choices = _month_choices(self.instance.preferred_months or ())
        if calls is None:
            del self.fields["call"]
        else:
            self.fields["call"].queryset = calls


class SpeakerProfileForm(forms.ModelForm):
    photo = forms.ImageField(
        label=_("Photo"),
        required=False,
        validators=[validate_photo],
        help_text=_("PNG, JPEG or WebP; at most 2 MB and 4096 × 4096 pixels."),
    )

    class Meta:
        model = SpeakerProfile
        fields = ["bio", "photo", "is_public"]
        labels = {
            "bio": _("Speaker bio"),
            "is_public": _("Show my speaker profile to everyone"),
        }
        help_texts = {
            "bio": _("Markdown is fine."),
            "is_public": _(
                "With this, anyone can read your name, bio, photo and the talks you gave. "
                "Without it, the page does not exist for others. You can change your mind at any time."
            ),
        }


class TourForm(forms.ModelForm):
    class Meta:
        model = Tour
        fields = ["title", "kind", "duration_minutes", "abstract", "available_from", "available_to"]
        labels = {"title": _("Title of the talk"), "kind": _("Format")}
        widgets = {
            "abstract": forms.Textarea(attrs={"rows": 8}),
            "available_from": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "available_to": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("available_from"), cleaned.get("available_to")
        if first and last and last < first:
            self.add_error("available_to", _("The last available date must be on or after the first."))
        return cleaned


class TourRequestForm(forms.Form):
    meeting = forms.ModelChoiceField(
        queryset=Meeting.objects.none(),
        label=_("Your meeting"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args, meetings=(), **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["meeting"]
        field.queryset = Meeting.objects.filter(pk__in=[m.pk for m in meetings]).select_related("chapter")
        field.label_from_instance = lambda m: f"{m.chapter.name} · {m}"


class AnswerForm(forms.Form):
    answer = forms.ChoiceField(choices=[("accept", "accept"), ("decline", "decline")])


class ReviewMessageForm(forms.Form):
    message = forms.CharField(
        label=_("Message to the speaker"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Sent by email with your decision. Required when you ask for changes."),
    )


class PlaceOnMeetingForm(forms.Form):
    meeting = forms.ModelChoiceField(queryset=Meeting.objects.none(), label=_("Meeting"))

    def __init__(self, *args, meetings=None, **kwargs):
        super().__init__(*args, **kwargs)
        if meetings is not None:
            self.fields["meeting"].queryset = meetings
