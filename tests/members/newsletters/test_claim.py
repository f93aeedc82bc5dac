"""Batch claims of one newsletter do not get in each other's way."""

import threading

import pytest
from django.db import connection, transaction

from members.newsletters import sending as newsletters
from members.newsletters.models import Delivery, Newsletter
from tests.members.newsletters.test_sending import chapter, newsletter, subscribe  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db(transaction=True)


def test_claim_is_not_skipped_while_another_transaction_holds_the_newsletter_row(chapter, newsletter):  # noqa: F811
    """A claim locks delivery rows only.

    It used to lock the newsletter row too (the rows were ordered through it), so a worker
    claiming its batch made another worker claiming at the same instant skip all of its rows
    and wait 30 s for a retry.
    """
    members = subscribe(chapter, 4)
    Newsletter.objects.filter(pk=newsletter.pk).update(status=Newsletter.Status.SENDING)
    Delivery.objects.bulk_create([Delivery(newsletter=newsletter, member=member) for member in members])
    pks = list(Delivery.objects.order_by("pk").values_list("pk", flat=True))
    first, second = pks[:2], pks[2:]
    locked, release = threading.Event(), threading.Event()

    def other_worker():
        try:
            with transaction.atomic():
                Newsletter.objects.select_for_update().get(pk=newsletter.pk)
                newsletters._claim(newsletter.pk, first)
                locked.set()
                release.wait(10)
        finally:
            connection.close()

    thread = threading.Thread(target=other_worker)
    thread.start()
    try:
        assert locked.wait(10)
        assert [d.pk for d in newsletters._claim(newsletter.pk, second)] == second
        # The other worker's rows, still locked, are skipped rather than waited for.
        assert newsletters._claim(newsletter.pk, first) == []
    finally:
        release.set()
        thread.join()
