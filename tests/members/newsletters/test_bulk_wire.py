"""Newsletters on the wire (aiosmtpd): the same email as built one by one, headers never injected."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from members.mail.tokens import read_unsubscribe_token
from members.models import Membership
from members.newsletters import sending as newsletters
from members.newsletters.models import Delivery, Newsletter
from tests.factories import ChapterFactory, MemberFactory, MembershipFactory
from tests.support.mail import body, parse, use_mailer

pytestmark = pytest.mark.django_db


def test_batch_messages_match_the_one_by_one_rendering(smtp, settings):
    chapter = ChapterFactory(name="MITPro Montréal", mailing_address="CP 200, Montréal QC H2X 1Y1")
    members = []
    for i, language in enumerate(["en", "fr", "fr"]):
        member = MemberFactory(email=f"reader{i}@example.org", preferred_language=language)
        MembershipFactory(
            member=member,
            chapter=chapter,
            newsletter_subscribed=True,
            newsletter_consent_at=timezone.now() - datetime.timedelta(days=400 + i),
            newsletter_consent_source=Membership.Source.WEBSITE,
        )
        members.append(member)
    newsletter = Newsletter.objects.create(
        chapter=chapter, subject="Virtualisation : la réalité", body="Un **grand** merci à nos bénévoles."
    )
    newsletters.newsletter_send_now(newsletter=newsletter)
    newsletters.newsletter_dispatch(newsletter_pk=newsletter.pk)
    assert Delivery.objects.filter(status=Delivery.Status.SENT).count() == 3

    use_mailer(settings, "django.core.mail.backends.locmem.EmailBackend")
    for member in members:
        (rcpts, stamped) = [(r, m) for r, m in smtp.inbox.messages if r == [member.email]][0]
        membership = Membership.objects.select_related("member", "chapter").get(member=member)
        rendered, headers = newsletters.render_newsletter(newsletter, membership)
        mail.outbox = []
        from members.mail.smtp import build_message

        build_message(
            subject=rendered.subject,
            text=rendered.text,
            html=rendered.html,
            from_email="x@example.org",
            to=member.email,
            headers=headers,
        ).send()
        built = parse(mail.outbox[0])
        for header in ("Subject", "To", "List-Unsubscribe-Post", "List-Id"):
            assert stamped[header] == built[header], header
        # Signed at different seconds, the tokens differ; they name the same member and chapter.
        stamped_url, built_url = (
            stamped["List-Unsubscribe"].strip("<>"),
            built["List-Unsubscribe"].strip("<>"),
        )
        assert stamped_url.rsplit("/", 2)[0] == built_url.rsplit("/", 2)[0]
        assert read_unsubscribe_token(stamped_url.split("/")[-2]) == (member.pk, chapter.pk)
        assert stamped_url in body(stamped) and stamped_url in body(stamped, "text/html")
        assert stamped["From"].addresses[0].display_name == "MITPro Montréal"
        for subtype in ("text/plain", "text/html"):
            # SMTP carries CRLF line ends; a mail client reads the same text.
            expected = body(built, subtype).replace(built_url, stamped_url).strip()
            assert body(stamped, subtype).replace("\r\n", "\n").strip() == expected
    for _rcpts, raw in smtp.inbox.raw:
        # One line, as mail clients read it for one-click unsubscribe (no RFC 2047 encoded words).
        assert b"\r\nList-Unsubscribe: <http://" in raw
    french = [m for r, m in smtp.inbox.messages if r == ["reader1@example.org"]][0]
    assert "Se désabonner" in body(french) and "/fr/unsubscribe/" in french["List-Unsubscribe"]
    english = [m for r, m in smtp.inbox.messages if r == ["reader0@example.org"]][0]
    assert "Unsubscribe from MITPro Montréal" in body(english)


def test_long_paragraph_is_wrapped_not_refused(smtp):
    chapter = ChapterFactory()
    member = MemberFactory(email="reader@example.org")
    MembershipFactory(
        member=member, chapter=chapter, newsletter_subscribed=True, newsletter_consent_at=timezone.now()
    )
    paragraph = " ".join(f"word{i}" for i in range(600))  # one Markdown paragraph, one 4,000-character line
    newsletter = Newsletter.objects.create(chapter=chapter, subject="Long", body=paragraph)
    newsletters.newsletter_send_now(newsletter=newsletter)
    newsletters.newsletter_dispatch(newsletter_pk=newsletter.pk)

    ((rcpts, content),) = smtp.inbox.raw
    assert max(len(line) for line in content.split(b"\r\n")) <= 998
    (_, message) = smtp.inbox.messages[0]
    assert " ".join(body(message).split()).count(paragraph) == 1
    assert " ".join(body(message, "text/html").split()).count(paragraph) == 1


def test_line_breaks_in_subject_and_chapter_name_add_no_header_on_the_wire(smtp):
    """Rows saved before names and subjects were validated may hold CR/LF: they go out on one line."""
    chapter = ChapterFactory()
    member = MemberFactory(email="reader@example.org")
    MembershipFactory(
        member=member, chapter=chapter, newsletter_subscribed=True, newsletter_consent_at=timezone.now()
    )
    newsletter = Newsletter.objects.create(chapter=chapter, subject="News", body="Hello")
    # Saved as an older version allowed (queryset updates skip the validators).
    type(chapter).objects.filter(pk=chapter.pk).update(name="TWSUG\r\nBcc: chapter-leak@example.org")
    Newsletter.objects.filter(pk=newsletter.pk).update(
        subject="News\r\nBcc: subject-leak@example.org\r\nReply-To: evil@example.org"
    )
    newsletters.newsletter_send_now(newsletter=newsletter)
    newsletters.newsletter_dispatch(newsletter_pk=newsletter.pk)

    ((rcpts, content),) = smtp.inbox.raw
    assert rcpts == ["reader@example.org"]
    (_, message) = smtp.inbox.messages[0]
    # A long subject may fold onto a continuation line (leading space): no line starts a header.
    assert message["Bcc"] is None
    head = content.split(b"\r\n\r\n", 1)[0].split(b"\r\n")
    assert not [line for line in head if line.lower().startswith((b"bcc:", b"reply-to: evil"))]
    assert "evil@example.org" not in str(message.get_all("Reply-To"))
    assert message["Subject"] == "News Bcc: subject-leak@example.org Reply-To: evil@example.org"
    assert message["From"].addresses[0].display_name == "TWSUG Bcc: chapter-leak@example.org"
    assert Delivery.objects.get().status == Delivery.Status.SENT
