"""Shared fixtures: browser launch arguments for Debian's Chromium, and common objects."""

import pytest
from django.core.cache import cache
from django.utils import translation

# Fixtures every area shares: an admin world with one person in every role, verified members,
# and the helpers that read email.
pytest_plugins = ["tests.support.world", "tests.support.accounts", "tests.support.mail"]

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": "/usr/bin/chromium", "args": CHROMIUM_ARGS}


@pytest.fixture(autouse=True)
def english_outside_requests():
    """Start each test in English: a request to a /fr/ page leaves French active in the test's thread."""
    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def empty_cache():
    """Start each test with an empty cache: a page kept by an earlier test's data must not answer.

    Pages are retired when a change commits, and a test's changes are rolled back, never committed.
    """
    cache.clear()
