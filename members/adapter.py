from email.utils import formataddr, parseaddr
from types import SimpleNamespace
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.urls import translate_url
from django.utils import translation
from django.utils.html import strip_tags

from itprosig.client_ip import client_ip
from members import account_mail
from members.mail import kinds
from members.mail.outbox import outbox_queue
from members.models import Member


class AccountAdapter(DefaultAccountAdapter):
    """The single place where itprosig changes allauth's behaviour."""

    def get_client_ip(self, request):
        """Key allauth's rate limits on the client behind our proxies, not on the proxy itself."""
        return client_ip(request) or super().get_client_ip(request)

    def get_login_redirect_url(self, request):
        """Send a member who just logged in to their page in the language they chose in their profile."""
        url = super().get_login_redirect_url(request)
        language = getattr(request.user, "preferred_language", "")
        if language and language != translation.get_language():
            return translate_url(url, language)
        return url

    def save_user(self, request, user, form, commit=True):
        """Remember the visitor's name and the language they signed up in: pages and email follow both."""
        language = translation.get_language()
        if language in dict(settings.LANGUAGES):
            user.preferred_language = language
        display_name = form.cleaned_data.get("display_name")
        if display_name:
            user.display_name = display_name
        return super().save_user(request, user, form, commit=commit)

    def get_from_email(self):
        """Send from the site's address under the site's name (SITE_NAME), like the subject says."""
        _name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
        return formataddr((settings.SITE_NAME, address))

    def format_email_subject(self, subject):
        """Leave subjects bare: templates/mail/account.subject.txt adds the site's name from settings."""
        return str(subject)

    def send_mail(self, template_prefix, email, context):
        """Put allauth's emails (confirmation, password reset, login code...) in the outbox.

        Each is written in the visitor's current language, in the site's layout, with SITE_NAME
        and links on SITE_URL: never the host the request came in on (allauth's default greets
        "Hello from 127.0.0.1:8610!"). The outbox sends it after commit and retries it like any
        other transactional email.
        """
        member = self._member(email, context)
        message = account_mail.compose(template_prefix, email, context)
        if message is None:
            message = self._fallback(template_prefix, email, context)
        outbox_queue(
            kind=kinds.ACCOUNT,
            to_email=email,
            template="mail/account",
            context={
                "site_name": settings.SITE_NAME,
                "greeting_name": member.display_name if member else "",
                "message": message,
            },
            member=member,
            language=translation.get_language() or settings.LANGUAGE_CODE,
            time_zone=member.time_zone if member else settings.TIME_ZONE,
            from_email=self.get_from_email(),
            reply_to="",
        )

    def _member(self, email, context):
        user = context.get("user")
        if isinstance(user, Member):
            return user
        return Member.objects.filter(email__iexact=email).first()

    def _fallback(self, template_prefix, email, context):
        """Render an email we have no words for with allauth's templates, named after SITE_NAME."""
        request = self.request
        site = SimpleNamespace(name=settings.SITE_NAME, domain=urlsplit(settings.SITE_URL).netloc)
        rendered = self.render_mail(
            template_prefix, email, {"request": request, "email": email, **context, "current_site": site}
        )
        text = rendered.body
        if request is not None:
            text = text.replace(request.build_absolute_uri("/").rstrip("/"), settings.SITE_URL)
        if rendered.content_subtype == "html":
            text = strip_tags(text)
        return account_mail.fallback(rendered.subject, text)
