"""Two organizers clicking at once: one decision wins, one talk lands on the agenda (PostgreSQL, threads)."""

import pytest

from meetings.models import AgendaItem
from speakers import services
from speakers.models import Proposal
from speakers.services import Decision, TalkRefused
from tests.support.concurrency import run_at_once

from .conftest import submit

pytestmark = pytest.mark.django_db(transaction=True)


def _race(calls):
    """Return "done" or "refused" for each call, run all at once, sorted."""
    results, errors = run_at_once(calls)
    assert all(isinstance(error, TalkRefused) for error in errors), errors
    return sorted(["done"] * len(results) + ["refused"] * len(errors))


def test_proposal_schedule_twice_at_once_places_one_talk(world):
    proposal = submit(world)
    services.proposal_review(proposal=proposal, by=world["organizer"], decision=Decision.ACCEPT)

    def place():
        services.proposal_schedule(proposal=proposal, meeting=world["meeting"], by=world["organizer"])

    assert _race([place] * 8) == ["done"] + ["refused"] * 7
    assert AgendaItem.objects.count() == 1


def test_proposal_accept_and_decline_at_once_one_decision_wins(world):
    proposal = submit(world)
    decide = [
        lambda: services.proposal_review(proposal=proposal, by=world["organizer"], decision=Decision.ACCEPT),
        lambda: services.proposal_review(proposal=proposal, by=world["organizer"], decision=Decision.DECLINE),
    ]
    assert _race(decide) == ["done", "refused"]
    proposal.refresh_from_db()
    assert proposal.state in (Proposal.State.ACCEPTED, Proposal.State.DECLINED)
