"""Forms of the community pages. They read what was posted; the services decide what is allowed."""

from django import forms
from django.utils.translation import gettext_lazy as _


class VolunteerForm(forms.Form):
    SIGN_UP, WITHDRAW = "sign_up", "withdraw"

    role = forms.IntegerField(min_value=1)
    action = forms.ChoiceField(choices=[(SIGN_UP, SIGN_UP), (WITHDRAW, WITHDRAW)])
    thank_publicly = forms.BooleanField(required=False)


class ThanksForm(forms.Form):
    signup = forms.IntegerField(min_value=1)
    thank_publicly = forms.BooleanField(required=False)


class VoteForm(forms.Form):
    def __init__(self, *args, poll, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(str(c.pk), c.label) for c in poll.choices.all()]
        if poll.multiple:
            self.fields["choice"] = forms.MultipleChoiceField(
                label=poll.question, choices=choices, required=False, widget=forms.CheckboxSelectMultiple
            )
        else:
            self.fields["choice"] = forms.ChoiceField(
                label=poll.question, choices=choices, required=False, widget=forms.RadioSelect
            )
        if poll.allow_other:
            self.fields["other"] = forms.CharField(
                label=_("Other (your own answer)"), required=False, max_length=200
            )

    def choice_ids(self):
        value = self.cleaned_data.get("choice") or []
        return [value] if isinstance(value, str) else list(value)


RATING_CHOICES = [(str(n), str(n)) for n in range(1, 6)]


class FeedbackForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment for the organizers (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Read by the chapter’s organizers only."),
    )

    def __init__(self, *args, talks, **kwargs):
        super().__init__(*args, **kwargs)
        self.talks = talks
        for talk in talks:
            self.fields[f"talk_{talk.pk}"] = forms.TypedChoiceField(
                label=talk.title,
                choices=[("", _("No rating"))] + RATING_CHOICES,
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect,
            )

    def ratings(self):
        return {
            talk.pk: self.cleaned_data[f"talk_{talk.pk}"]
            for talk in self.talks
            if self.cleaned_data.get(f"talk_{talk.pk}") is not None
        }
