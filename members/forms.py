from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Member


class JoinForm(forms.Form):
    newsletter = forms.BooleanField(
        label=_("Also send me this chapter’s newsletter (you can unsubscribe at any time)"), required=False
    )


class NewsletterPreferencesForm(forms.Form):
    """The chapters, among the member's own, whose newsletter they want."""

    newsletter = forms.TypedMultipleChoiceField(coerce=int, required=False)

    def __init__(self, *args, memberships, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["newsletter"].choices = [(m.chapter_id, m.chapter.name) for m in memberships]


class ProfileForm(forms.ModelForm):
    class Meta:
        model = Member
        fields = [
            "display_name",
            "bio",
            "preferred_language",
            "time_zone",
            "share_contact_with_sponsors",
            "show_name_on_attendee_lists",
        ]
        labels = {
            "display_name": _("Display name"),
            "bio": _("About you"),
            "preferred_language": _("Language for pages and email"),
            "share_contact_with_sponsors": _("Share my name and email with the sponsors of my chapters"),
            "show_name_on_attendee_lists": _("Show my name on the attendee lists of meetings I go to"),
        }
        help_texts = {
            "display_name": _("Shown to organizers, and on attendee lists if you agree below."),
            "share_contact_with_sponsors": _(
                "Sponsors see attendance figures either way; with this, they may also see who you are."
            ),
        }
        widgets = {"bio": forms.Textarea(attrs={"rows": 4})}


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
