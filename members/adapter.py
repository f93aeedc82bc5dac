from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.template.loader import render_to_string
from django.urls import translate_url
from django.utils import translation

from itprosig.client_ip import client_ip
from members.mail import kinds
from members.mail.outbox import outbox_queue
from members.mail.rendering import RenderedEmail
from members.models import Member


class AccountAdapter(DefaultAccountAdapter):
    """The single place where itprosig changes allauth's behaviour."""

    def get_client_ip(self, request):
        """Key allauth's rate limits on the client behind our proxies, not on the proxy itself."""
        return client_ip(request) or super().get_client_ip(request)

    def save_user(self, request, user, form, commit=True):
        """Remember the language the visitor signed up in: their pages and email follow it."""
        language = translation.get_language()
        if language in dict(settings.LANGUAGES):
            user.preferred_language = language
        return super().save_user(request, user, form, commit=commit)

    def get_login_redirect_url(self, request):
        """Send a member who just logged in to their page in the language they chose in their profile."""
        url = super().get_login_redirect_url(request)
        language = getattr(request.user, "preferred_language", "")
        if language and language != translation.get_language():
            return translate_url(url, language)
        return url

    def send_mail(self, template_prefix, email, context):
        """Put allauth's emails (verification, password reset) in the outbox like every other email.

        allauth renders them in the visitor's current language; the outbox sends them after commit
        and retries them like any other transactional email.
        """
        request = self.request
        ctx = {"request": request, "email": email, "current_site": get_current_site(request), **context}
        message = self.render_mail(template_prefix, email, ctx)
        html = next(
            (
                content
                for content, mimetype in getattr(message, "alternatives", [])
                if mimetype == "text/html"
            ),
            "",
        )
        if message.content_subtype == "html":
            html, text = message.body, ""
        else:
            text = message.body
        if not html:
            html = render_to_string(
                "mail/account.html",
                {"body": text, "subject": message.subject, "language": translation.get_language()},
            )
        outbox_queue(
            kind=kinds.ACCOUNT,
            to_email=email,
            rendered=RenderedEmail(subject=message.subject, text=text or html, html=html),
            member=Member.objects.filter(email__iexact=email).first(),
            from_email=message.from_email,
            reply_to="",
        )
