"""allauth's views where itprosig needs more than its settings allow."""

from allauth.account.views import ConfirmEmailView as AllauthConfirmEmailView
from django.http import Http404


class ConfirmEmailView(AllauthConfirmEmailView):
    """Confirm an address on the first click when the browser that signed up opens the link.

    allauth confirms only on POST, because mail scanners open (GET) every link of a message. A
    scanner does not carry the session of the person signing up; the browser that signed up does,
    so that browser confirms and logs in in one click, and any other sees the Confirm button.
    """

    def get(self, *args, **kwargs):
        try:
            confirmation = self.get_object()
        except Http404:
            return super().get(*args, **kwargs)
        if self._signed_up_in_this_browser(confirmation):
            return self.post(*args, **kwargs)
        return super().get(*args, **kwargs)

    def _signed_up_in_this_browser(self, confirmation):
        # allauth's stages import its flows, which import its views: importing them at module
        # level from the URLconf would go round in a circle.
        from allauth.account.stages import EmailVerificationStage, LoginStageController

        stage = LoginStageController.enter(self.request, EmailVerificationStage.key)
        return bool(
            stage
            and stage.login.user
            and stage.login.user.pk == confirmation.email_address.user_id
            and confirmation.email_address.can_set_verified()
        )


confirm_email = ConfirmEmailView.as_view()
