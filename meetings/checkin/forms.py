"""What the door pages accept: each form turns a request's text into values, or says what is wrong.

The check-in services keep the rules (who may check in, when the door is open, what a valid walk-in
is); these forms only parse, so a bad value becomes a message and a 400, never an exception.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from itprosig.validators import has_control_characters

MAX_QUERY_LENGTH = 100
MAX_EMAIL_LENGTH = 254
MAX_NAME_LENGTH = 120


def first_error(form):
    """Return the form's first error message, fit to show the volunteer."""
    return next(iter(form.errors.values()))[0]


class DoorSearchForm(forms.Form):
    # Long searches are cut rather than refused: a volunteer pasting a whole line still gets results.
    q = forms.CharField(required=False, strip=False)

    def clean_q(self):
        query = self.cleaned_data["q"][:MAX_QUERY_LENGTH].strip()
        if has_control_characters(query):
            # NUL and other control codes match no name or address (and the database refuses NUL).
            raise forms.ValidationError(
                _("Type part of a name or an email address: that search cannot be searched.")
            )
        return query


class CheckInToggleForm(forms.Form):
    action = forms.ChoiceField(
        choices=[("in", "in"), ("undo", "undo")],
        error_messages={"required": _("Unknown action."), "invalid_choice": _("Unknown action.")},
    )


class WalkInForm(forms.Form):
    # The check-in service validates the address and the name; here they are only cut to a size
    # the service can judge (one character over the limit, so "too long" is still noticed).
    email = forms.CharField(required=False, strip=False)
    name = forms.CharField(required=False, strip=False)

    def clean_email(self):
        return self.cleaned_data["email"][:MAX_EMAIL_LENGTH]

    def clean_name(self):
        return self.cleaned_data["name"][: MAX_NAME_LENGTH + 1]


class GuestsForm(forms.Form):
    delta = forms.IntegerField(
        error_messages={
            "required": _("Enter a whole number of guests."),
            "invalid": _("Enter a whole number of guests."),
        }
    )
