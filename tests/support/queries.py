"""Counting the queries a page runs: cold (nothing kept in the cache), with the SQL kept for a failure.

Every page a member sees runs a fixed number of queries, whatever the size of the data, and at most
MAX_QUERIES. A test builds a small and a large data set, reads the page after each, and compares.
"""

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

MAX_QUERIES = 12


def page_queries(client, url, *, status=200):
    """Return the SQL statements one GET of `url` ran, with the cache emptied first (a cold page)."""
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == status, f"GET {url} answered {response.status_code}"
    return [query["sql"] for query in captured.captured_queries]


def queries_count(client, url, *, status=200):
    return len(page_queries(client, url, status=status))


def _listing(label, queries):
    return f"{label}: {len(queries)} queries\n" + "\n".join(
        f"  {n}. {sql}" for n, sql in enumerate(queries, 1)
    )


def assert_constant_queries(few, many, *, limit=MAX_QUERIES):
    """Assert two reads of a page (small data, large data) ran as many queries, at most `limit`.

    `few` and `many` are what page_queries returned; a failure lists every statement of both.
    """
    listing = f"{_listing('small data', few)}\n{_listing('large data', many)}"
    assert len(few) == len(many), f"the query count grows with the data\n{listing}"
    assert len(many) <= limit, f"more than {limit} queries\n{listing}"
