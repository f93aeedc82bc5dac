"""Build the wire message for a stored email, and tell a passing SMTP failure from a final one."""

import base64
import email.policy
import hashlib
import hmac
import smtplib
from email.message import MIMEPart
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives


def message_id(*parts):
    """Return a Message-ID that depends only on `parts`, so a re-send after a crash repeats it.

    Receivers that see the same Message-ID twice may drop the copy.
    """
    key = ".".join(str(part) for part in parts)
    digest = hmac.new(settings.SECRET_KEY.encode(), key.encode(), hashlib.sha256).hexdigest()[:16]
    domain = urlsplit(settings.SITE_URL).hostname or "itprosig.invalid"
    return f"<{key}.{digest}@{domain}>"


class CalendarEmail(EmailMultiAlternatives):
    """A multipart email whose alternatives may end with an iMIP calendar part.

    RFC 6047 wants the METHOD in the part's content type (`text/calendar; method=REQUEST`), which
    Django's plain alternatives cannot carry; calendar clients offer one-click buttons for it.
    """

    def __init__(self, *args, calendar="", calendar_method="", **kwargs):
        super().__init__(*args, **kwargs)
        self.calendar = calendar
        self.calendar_method = calendar_method or "PUBLISH"

    def _add_bodies(self, msg):
        msg = super()._add_bodies(msg)
        if self.calendar:
            if not msg.is_multipart():
                msg.make_alternative()
            msg.add_alternative(
                self.calendar, subtype="calendar", charset="utf-8", params={"method": self.calendar_method}
            )
        return msg


class OneLineHeadersEmail(CalendarEmail):
    """An email whose header lines may run to SMTP's 998-octet limit instead of folding at 78.

    The email package folds a long header value with no space in it (a List-Unsubscribe URL) into
    RFC 2047 encoded words, which mail clients do not decode there: one-click unsubscribe breaks.
    """

    def message(self, *, policy=email.policy.default):
        return super().message(policy=policy.clone(max_line_length=998))


def calendar_file(ics_text, method):
    """Return the calendar as an .ics file too, for clients that only offer attachments."""
    part = MIMEPart()
    part.set_content(
        ics_text.encode(),
        maintype="application",
        subtype="ics",
        disposition="attachment",
        filename="cancel.ics" if method == "CANCEL" else "invite.ics",
    )
    return part


def build_message(
    *,
    subject,
    text,
    html,
    from_email,
    to,
    headers,
    reply_to="",
    calendar="",
    calendar_method="",
    attachments=(),
    email_class=CalendarEmail,
):
    """Return a multipart (text, HTML, optional calendar) email ready for a connection."""
    email = email_class(
        subject=subject,
        body=text,
        from_email=from_email,
        to=[to],
        headers=headers,
        reply_to=[reply_to] if reply_to else None,
        calendar=calendar,
        calendar_method=calendar_method,
    )
    if html:
        email.attach_alternative(html, "text/html")
    if calendar:
        email.attach(calendar_file(calendar, email.calendar_method))
    for attachment in attachments:
        email.attach(attachment["filename"], base64.b64decode(attachment["content"]), attachment["mimetype"])
    return email


def is_transient(exc):
    """Return whether a send failure may pass (connection trouble, 4xx replies): retry those only."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _msg in exc.recipients.values()]
        return bool(codes) and all(400 <= code < 500 for code in codes)
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500
    # Disconnects, refused connections, timeouts: the server or the network, not the message.
    return isinstance(exc, smtplib.SMTPServerDisconnected | OSError)


def describe(exc):
    """Return a one-line reason for the admin."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "; ".join(
            f"{rcpt}: {code} {msg.decode(errors='replace') if isinstance(msg, bytes) else msg}"
            for rcpt, (code, msg) in exc.recipients.items()
        )
    if isinstance(exc, smtplib.SMTPResponseException):
        error = exc.smtp_error
        error = error.decode(errors="replace") if isinstance(error, bytes) else str(error)
        return f"{exc.smtp_code} {error}"[:500]
    return f"{type(exc).__name__}: {exc}"[:500]
