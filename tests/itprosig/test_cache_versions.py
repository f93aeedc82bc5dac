"""Versions raised on commit: every change retires what was cached before it, and only once it commits."""

import contextlib

import pytest
from django.core.cache import cache
from django.db import transaction

from itprosig import cache_versions

pytestmark = pytest.mark.django_db

PAGES, REPORTS = "test:pages:version", "test:reports:version"


class Refused(Exception):
    pass


def test_versions_raised_in_a_transaction_change_when_it_commits(
    django_capture_on_commit_callbacks,
):
    pages, reports = cache_versions.current(PAGES), cache_versions.current(REPORTS)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        cache_versions.raise_on_commit(PAGES)
        cache_versions.raise_on_commit(REPORTS)
        cache_versions.raise_on_commit(PAGES)
        assert (cache_versions.current(PAGES), cache_versions.current(REPORTS)) == (pages, reports)
    assert cache_versions.current(PAGES) != pages
    assert cache_versions.current(REPORTS) != reports


def test_a_raise_dropped_with_its_savepoint_is_made_by_the_next_one(django_capture_on_commit_callbacks):
    before = cache_versions.current(PAGES)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        with contextlib.suppress(Refused), transaction.atomic():
            cache_versions.raise_on_commit(PAGES)
            raise Refused
        # The same key again, now outside the savepoint that was rolled back.
        cache_versions.raise_on_commit(PAGES)
    assert cache_versions.current(PAGES) != before


def test_a_transaction_rolled_back_raises_nothing_later(django_capture_on_commit_callbacks):
    pages, reports = cache_versions.current(PAGES), cache_versions.current(REPORTS)
    with contextlib.suppress(Refused), transaction.atomic():
        cache_versions.raise_on_commit(PAGES)
        raise Refused
    with django_capture_on_commit_callbacks(execute=True):
        cache_versions.raise_on_commit(REPORTS)
    assert cache_versions.current(PAGES) == pages
    assert cache_versions.current(REPORTS) != reports


def test_a_version_lost_from_the_cache_never_comes_back_as_an_earlier_one(django_capture_on_commit_callbacks):
    seen = {cache_versions.current(PAGES)}
    cache.delete(PAGES)
    seen.add(cache_versions.current(PAGES))
    cache.delete(PAGES)
    with django_capture_on_commit_callbacks(execute=True):
        cache_versions.raise_on_commit(PAGES)
    seen.add(cache_versions.current(PAGES))
    assert len(seen) == 3
