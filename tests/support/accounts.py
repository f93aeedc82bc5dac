"""Fixtures for members who may act on the site: a verified member and a client logged in as one."""

import pytest
from allauth.account.models import EmailAddress

from tests.factories import MemberFactory


@pytest.fixture
def verified_member(db):
    """A member who has confirmed their email address, as allauth requires before an RSVP."""
    member = MemberFactory()
    EmailAddress.objects.create(user=member, email=member.email, verified=True, primary=True)
    return member


@pytest.fixture
def member_client(client, verified_member):
    client.force_login(verified_member)
    client.member = verified_member
    return client
