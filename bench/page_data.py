"""The rows a few benchmarked pages need that the bulk seed does not make, made once and kept.

A meeting with every seat taken, an open poll, volunteer roles and a talk proposal: small, made
through the ORM on top of the seeded data (idempotently, so every run measures the same pages), and
in chapters the RSVP POSTs never touch.
"""

import datetime

from .seed import FANOUT_CHAPTER_SLUG

POLL_QUESTION = "Which topic should the spring meetings take up?"
PROPOSAL_TITLE = "PowerShell 7 for the Windows admin who never left 5.1"


def ensure(*, chapter, member):
    """Return {state: meeting} and the poll, proposal for `member` (a member of `chapter`)."""
    from django.utils import timezone

    from community.models import Poll, PollChoice, VolunteerRole
    from meetings.models import RSVP, Meeting
    from speakers.models import Proposal

    now = timezone.now()
    public = Meeting.objects.filter(chapter=chapter)
    states = {
        "upcoming": public.filter(status="scheduled", starts_at__gt=now).order_by("starts_at").first(),
        "past": public.filter(status="scheduled", ends_at__lt=now).order_by("-starts_at").first(),
        "cancelled": public.filter(status="cancelled").order_by("-starts_at").first(),
    }
    # The fan-out chapter's next meeting, made full: its capacity is the number going.
    full = (
        Meeting.objects.filter(chapter__slug=FANOUT_CHAPTER_SLUG, status="scheduled", starts_at__gt=now)
        .order_by("starts_at")
        .first()
    )
    going = RSVP.objects.filter(meeting=full, status="going").count()
    if going and full.capacity != going:
        Meeting.objects.filter(pk=full.pk).update(capacity=going)
    states["full"] = full

    for kind in (VolunteerRole.Kind.DOOR, VolunteerRole.Kind.SETUP):
        VolunteerRole.objects.get_or_create(meeting=states["upcoming"], kind=kind, defaults={"places": 2})

    poll, made = Poll.objects.get_or_create(
        chapter=chapter,
        question=POLL_QUESTION,
        defaults={
            "opens_at": now - datetime.timedelta(days=1),
            "closes_at": now + datetime.timedelta(days=60),
        },
    )
    if made:
        for position, label in enumerate(("Azure Arc", "Intune", "Windows Server 2025", "PowerShell DSC")):
            PollChoice.objects.create(poll=poll, label=label, position=position)
    elif poll.closes_at <= now + datetime.timedelta(days=1):
        Poll.objects.filter(pk=poll.pk).update(closes_at=now + datetime.timedelta(days=60))

    proposal = Proposal.objects.filter(speaker=member, title=PROPOSAL_TITLE).first()
    if proposal is None:
        proposal = Proposal.objects.create(
            chapter=chapter,
            speaker=member,
            title=PROPOSAL_TITLE,
            abstract="What changes, what breaks and what to keep on 5.1, with the modules a Windows shop"
            " uses.",
        )
    return states, poll, proposal
