"""The demo's talks and speakers: the community tour from the groups' story, loaded once."""

import pytest
from django.core.management import call_command

from speakers import demo
from speakers.models import Proposal, SpeakerProfile, Tour, TourStop

pytestmark = pytest.mark.django_db


def _counts():
    return [model.objects.count() for model in (Proposal, SpeakerProfile, Tour, TourStop)]


def test_demo_speakers_seed_is_idempotent_and_tells_the_community_tour(client):
    call_command("seed_demo", verbosity=0)
    first = _counts()
    demo.seed()
    assert _counts() == first
    assert SpeakerProfile.objects.filter(is_public=True).count() == 2
    tour = Tour.objects.get(title="Virtualization Reality")
    stops = {stop.chapter.slug: stop for stop in tour.stops.select_related("chapter", "proposal")}
    assert set(stops) == {"mitpro", "it-pro-toronto"}
    assert all(stop.proposal.agenda_item.title == "Virtualization Reality" for stop in stops.values())
    assert stops["mitpro"].meeting.local_starts_at.date().isoformat() == "2008-05-14"
    html = client.get("/speakers/morgan-placeholder/").content.decode()
    assert "Virtualization Reality: community tour" in html and "MITPro" in html
    assert set(Proposal.objects.values_list("state", flat=True)) >= {
        "submitted",
        "accepted",
        "changes",
        "scheduled",
    }
