from django import forms
from django.utils.translation import gettext_lazy as _


class RSVPForm(forms.Form):
    GOING = "going"
    NOT_GOING = "not_going"
    CANCEL = "cancel"

    answer = forms.ChoiceField(
        label=_("Your answer"),
        choices=[(GOING, _("Going")), (NOT_GOING, _("Not going")), (CANCEL, _("Cancel my RSVP"))],
    )
