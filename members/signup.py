"""The sign-up form: allauth's, with the name a new member is greeted by."""

from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.utils.translation import gettext_lazy as _

from itprosig.validators import no_control_characters
from members.models import Member


class SignupForm(AllauthSignupForm):
    """Ask the display name first: emails and pages greet a new member by it, never by their address."""

    display_name = forms.CharField(
        label=_("Your name"),
        max_length=Member._meta.get_field("display_name").max_length,
        validators=[no_control_characters],
        help_text=_("How we greet you. Others see it only if you choose to show it on attendee lists."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": _("Tell us your name.")},
    )

    field_order = ["display_name", "email", "password1", "password2"]

    def clean_display_name(self):
        """Collapse runs of spaces: the name is shown as one line."""
        return " ".join(self.cleaned_data["display_name"].split())
