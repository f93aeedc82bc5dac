"""Dispatching a newsletter's batches with a broker that fails."""

import pytest

from members import tasks
from members.models import Membership
from members.newsletters import sending as newsletters
from members.newsletters.models import Delivery, Newsletter
from tests.members.newsletters.test_sending import chapter, newsletter, subscribe  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


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
