"""What speakers and organizers are told about proposals and tour stops, through the outbox.

Services call these inside their transaction; each writes one outbox row there, and the worker
composes the email (in the recipient's language) just before sending it. What was decided (the
organizer's message, the meeting) is kept in the row's spec, so a later edit does not rewrite an
email already queued.
"""

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from chapters.models import ChapterRole
from members.mail import kinds
from members.mail.outbox import Composition, outbox_queue
from members.mail.rendering import absolute_reverse, object_url

from .models import Proposal, TourStop

# Outbox kinds (at most 20 characters), one per kind of email this app sends.
KIND_SUBMITTED = "talk_submitted"
KIND_REVIEWED = "talk_reviewed"
KIND_SCHEDULED = "talk_scheduled"
KIND_TOUR_REQUEST = "tour_requested"
KIND_TOUR_ANSWER = "tour_answered"
LABELS = {
    KIND_SUBMITTED: _("Talk proposal received"),
    KIND_REVIEWED: _("Talk proposal reviewed"),
    KIND_SCHEDULED: _("Talk scheduled"),
    KIND_TOUR_REQUEST: _("Tour stop requested"),
    KIND_TOUR_ANSWER: _("Tour stop answered"),
}


def notify_proposal_submitted(proposal):
    """Tell each organizer of the chapter that a proposal waits for their review."""
    organizers = (
        ChapterRole.objects.filter(chapter_id=proposal.chapter_id, role=ChapterRole.Role.ORGANIZER)
        .select_related("user")
        .order_by("pk")
    )
    spec = {"template": "submitted", "proposal": proposal.pk}
    for role in organizers:
        if role.user.is_active:
            _queue(KIND_SUBMITTED, role.user, proposal.chapter, spec)


def notify_proposal_reviewed(proposal, *, message):
    """Tell the speaker the organizers' decision (accepted, declined, changes asked) and their message."""
    spec = {"template": "reviewed", "proposal": proposal.pk, "state": proposal.state, "message": message}
    _queue(KIND_REVIEWED, proposal.speaker, proposal.chapter, spec)


def notify_proposal_scheduled(proposal, meeting):
    """Tell the speaker which meeting their talk is on."""
    spec = {"template": "scheduled", "proposal": proposal.pk, "meeting": meeting.pk}
    _queue(KIND_SCHEDULED, proposal.speaker, proposal.chapter, spec)


def notify_tour_requested(stop):
    """Tell the speaker a chapter asks for their tour talk at one of its meetings."""
    spec = {"template": "tour_requested", "stop": stop.pk}
    _queue(KIND_TOUR_REQUEST, stop.tour.speaker, stop.chapter, spec)


def notify_tour_answered(stop):
    """Tell the organizer who asked whether the speaker comes."""
    if stop.requested_by is None or not stop.requested_by.is_active:
        return
    spec = {"template": "tour_answered", "stop": stop.pk, "state": stop.state}
    _queue(KIND_TOUR_ANSWER, stop.requested_by, stop.chapter, spec)


def _queue(kind, member, chapter, spec):
    # Links in the recipient's language: /fr/... for French readers.
    spec = {**spec, "language": member.preferred_language}
    return outbox_queue(
        kind=kind, to_email=member.email, member=member, chapter=chapter, compose=(kind, spec)
    )


def compose_talk_email(spec):
    """Render-time half: the context for one of this app's emails, from the rows as they are now."""
    context = {"state": spec.get("state"), "message": spec.get("message", "")}
    with translation.override(spec.get("language")):
        if "proposal" in spec:
            proposal = Proposal.objects.select_related("chapter", "speaker").get(pk=spec["proposal"])
            context["proposal"] = proposal
            context["my_talks_url"] = absolute_reverse("speakers:my_talks")
            context["review_url"] = absolute_reverse("admin:speakers_proposal_change", object_id=proposal.pk)
        if "meeting" in spec:
            meeting = proposal.chapter.meetings.get(pk=spec["meeting"])
            context["meeting"] = meeting
            context["meeting_url"] = object_url(meeting)
        if "stop" in spec:
            stop = TourStop.objects.select_related("tour__speaker", "chapter", "meeting__chapter").get(
                pk=spec["stop"]
            )
            context["stop"] = stop
            context["tour_url"] = object_url(stop.tour)
            context["my_talks_url"] = absolute_reverse("speakers:my_talks")
    return Composition(template=f"speakers/email/{spec['template']}", context=context)


def register():
    """Register the kinds above with the outbox, each written by `compose_talk_email` when sent."""
    for kind, label in LABELS.items():
        kinds.register(kind, label, composer=compose_talk_email)
