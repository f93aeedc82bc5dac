"""What each of allauth's emails says, in the site's words, with the one action it asks for.

allauth names an email by a template prefix ("account/email/password_reset_key") and hands over
its context (links, a code). Here each prefix becomes the paragraphs, button and details that
templates/mail/account.{html,txt} lay out like every other email of the site.
"""

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from allauth.account import app_settings as allauth_settings
from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _


@dataclass
class AccountEmail:
    subject: str
    paragraphs: list
    button_label: str
    button_url: str
    code: str = ""
    after: list = field(default_factory=list)
    # For notifications of a change: when, from which address and browser.
    change: dict | None = None


def on_site(url_or_path):
    """Return the address on SITE_URL: links in email never carry the host a request came in on."""
    parts = urlsplit(url_or_path)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return f"{settings.SITE_URL}{path}"


def _names(email, context):
    texts = {key: value for key, value in context.items() if isinstance(value, str)}
    return {"site": settings.SITE_NAME, "email": email, **texts}


def _email(subject, paragraphs, button_label, url, after, *, change=False):
    """Return a composer of an email that says `paragraphs` and asks for one action (`url(context)`).

    The words are lazy: they are looked up when an email is written, in its reader's language.
    A notification of a change (`change`) also says when, from which address and browser.
    """

    def compose(email, context, names):
        return AccountEmail(
            subject=str(subject),
            paragraphs=[paragraph % names for paragraph in paragraphs],
            button_label=str(button_label),
            button_url=on_site(url(context)),
            after=[line % names for line in after],
            change={
                "when": context.get("timestamp"),
                "ip": context.get("ip", ""),
                "browser": context.get("user_agent", ""),
            }
            if change
            else None,
        )

    return compose


def _login_code(email, context, names):
    minutes = max(1, allauth_settings.LOGIN_BY_CODE_TIMEOUT // 60)
    return AccountEmail(
        subject=gettext("Your login code"),
        paragraphs=[
            gettext("Here is your code to log in to %(site)s. Enter it on the page where you asked for it.")
            % names,
            ngettext("It works for %(minutes)s minute.", "It works for %(minutes)s minutes.", minutes)
            % {"minutes": minutes},
        ],
        code=context["code"],
        button_label=gettext("Enter my code"),
        button_url=on_site(reverse("account_confirm_login_code")),
        after=[gettext("If you did not ask for a code, ignore this email: nobody can log in without it.")],
    )


def _notification(subject, paragraph):
    return _email(
        subject,
        [paragraph],
        _("Choose a new password"),
        lambda context: reverse("account_reset_password"),
        [_("If you did not make this change, choose a new password now.")],
        change=True,
    )


_COMPOSERS = {
    "account/email/email_confirmation_signup": _email(
        _("Confirm your email address"),
        [
            _(
                "Welcome to %(site)s! Confirm that this address is yours and your account is ready: "
                "you can then join chapters and RSVP to meetings."
            )
        ],
        _("Confirm my email address"),
        lambda context: context["activate_url"],
        [_("If you did not sign up on %(site)s, ignore this email.")],
    ),
    "account/email/email_confirmation": _email(
        _("Confirm your email address"),
        [_("Confirm that %(email)s is yours to use it on %(site)s.")],
        _("Confirm my email address"),
        lambda context: context["activate_url"],
        [_("If you did not ask for this, ignore this email.")],
    ),
    "account/email/password_reset_key": _email(
        _("Choose a new password"),
        [_("Someone, hopefully you, asked to reset the password of your %(site)s account.")],
        _("Choose a new password"),
        lambda context: context["password_reset_url"],
        [_("If it was not you, ignore this email: your password stays as it is.")],
    ),
    "account/email/account_already_exists": _email(
        _("You already have an account"),
        [
            _(
                "Someone, hopefully you, tried to sign up on %(site)s with %(email)s, "
                "which already has an account."
            ),
            _("Log in with your password, or ask for a login code by email if you forgot it."),
        ],
        _("Log in"),
        lambda context: reverse("account_login"),
        [_("If it was not you, ignore this email.")],
    ),
    "account/email/unknown_account": _email(
        _("No account uses this address"),
        [
            _(
                "Someone, hopefully you, asked to log in or to reset a password on %(site)s with %(email)s, "
                "but no account uses this address."
            )
        ],
        _("Sign up"),
        lambda context: context["signup_url"],
        [_("If it was not you, ignore this email.")],
    ),
    "account/email/login_code": _login_code,
    "account/email/password_changed": _notification(
        _("Your password was changed"),
        _("The password of your %(site)s account was changed."),
    ),
    "account/email/password_set": _notification(
        _("Your password was set"),
        _("A password was set for your %(site)s account."),
    ),
    "account/email/password_reset": _notification(
        _("Your password was reset"),
        _("The password of your %(site)s account was reset."),
    ),
    "account/email/email_changed": _notification(
        _("Your email address was changed"),
        _("Your %(site)s account now uses %(to_email)s instead of %(from_email)s."),
    ),
    "account/email/email_confirm": _notification(
        _("Your email address was confirmed"),
        _("%(email)s is now confirmed on your %(site)s account."),
    ),
    "account/email/email_deleted": _notification(
        _("An email address was removed"),
        _("%(deleted_email)s was removed from your %(site)s account."),
    ),
}


def compose(template_prefix, email, context):
    """Return what allauth's email `template_prefix` says, or None for one we do not know."""
    composer = _COMPOSERS.get(template_prefix)
    if composer is None:
        return None
    return composer(email, context, _names(email, context))


def fallback(subject, text):
    """Lay out an allauth email we have no words for (a newer allauth's) like the others."""
    return AccountEmail(
        subject=subject,
        paragraphs=[paragraph for paragraph in text.split("\n\n") if paragraph.strip()],
        button_label=gettext("Go to %(site)s") % {"site": settings.SITE_NAME},
        button_url=on_site("/"),
    )
