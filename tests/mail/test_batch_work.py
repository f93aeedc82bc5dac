"""What a batch saves from one batch to the next, and dispatching with a broker that fails."""

import pytest
from django.utils import translation

from members import tasks
from members.mail import newsletters
from members.mail.tokens import read_unsubscribe_token, unsubscribe_url
from members.models import Membership
from members.models_mail import Delivery, Newsletter

from .test_newsletters import chapter, newsletter, subscribe  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


def test_rendering_is_kept_until_the_newsletter_or_its_chapter_changes(chapter, newsletter):  # noqa: F811
    newsletter = Newsletter.objects.select_related("chapter").get(pk=newsletter.pk)
    kept = newsletters._renderings(newsletter)
    assert newsletters._renderings(Newsletter.objects.select_related("chapter").get(pk=newsletter.pk)) is kept

    newsletter.chapter.mailing_address = "PO Box 200, Ottawa ON K1P 1A1"
    newsletter.chapter.save()
    again = Newsletter.objects.select_related("chapter").get(pk=newsletter.pk)
    assert newsletters._renderings(again) is not kept

    newsletter.body = "Another body"
    newsletter.save()
    edited = Newsletter.objects.select_related("chapter").get(pk=newsletter.pk)
    assert newsletters._renderings(edited)["body_html"] == "<p>Another body</p>"


def test_unsubscribe_url_built_once_per_language_matches_reverse(chapter, newsletter):  # noqa: F811
    (member,) = subscribe(chapter, 1)
    sender = newsletters._BatchSender(Newsletter.objects.select_related("chapter").get(pk=newsletter.pk))
    for language in ("en", "fr"):
        fast = sender.unsubscribe(member, language)
        with translation.override(language):
            slow = unsubscribe_url(member_id=member.pk, chapter_id=chapter.pk)
        assert fast.rsplit("/", 2)[0] == slow.rsplit("/", 2)[0]
        assert read_unsubscribe_token(fast.split("/")[-2]) == (member.pk, chapter.pk)


def test_batches_not_handed_to_a_failing_broker_are_left_to_the_next_sweep(
    chapter,  # noqa: F811
    newsletter,  # noqa: F811
    settings,
    monkeypatch,
):
    settings.MAIL_BATCH_SIZE = 2
    subscribe(chapter, 6)
    Newsletter.objects.filter(pk=newsletter.pk).update(status=Newsletter.Status.SENDING)
    Delivery.objects.bulk_create(
        [
            Delivery(newsletter=newsletter, member_id=m)
            for m in Membership.objects.filter(chapter=chapter).values_list("member", flat=True)
        ]
    )
    published = []

    def publish(args, **kwargs):
        if published:
            raise ConnectionError("broker down")
        published.append(args)

    monkeypatch.setattr(tasks.send_newsletter_batch, "apply_async", publish)
    assert newsletters.newsletter_dispatch(newsletter_pk=newsletter.pk) == 1
    rows = list(Delivery.objects.order_by("pk").values_list("queued_at", flat=True))
    # The first batch is queued, the second failed to publish (its task may exist: it waits for
    # the queue timeout), the third was never handed over: the sweeper's next round takes it.
    assert all(rows[:4]) and rows[4:] == [None, None]
