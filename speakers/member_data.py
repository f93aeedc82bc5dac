"""What the talks program holds about a member, for the account pages members owns.

The data export lists the member's proposals, speaker profile and tours; closing the account deletes
them. Talks already given stay on their meetings' agendas: the program of a past meeting is public
record, and the agenda item keeps only the speaker's name as typed there.
"""

from members import account_hooks

from .models import Proposal, SpeakerProfile, Tour


def proposals_of(member):
    proposals = Proposal.objects.filter(speaker=member).select_related("chapter").order_by("created_at")
    return [
        {
            "chapter": proposal.chapter.name,
            "title": proposal.title,
            "abstract": proposal.abstract,
            "kind": proposal.kind,
            "level": proposal.level,
            "preferred_months": proposal.preferred_months,
            "speaker_bio": proposal.speaker_bio,
            "state": proposal.state,
            "message_from_the_organizers": proposal.review_message,
            "submitted_at": proposal.created_at.isoformat(),
        }
        for proposal in proposals
    ]


def speaker_profile_of(member):
    profile = SpeakerProfile.objects.filter(member=member).first()
    if profile is None:
        return None
    return {
        "address": profile.slug,
        "bio": profile.bio,
        "photo": profile.photo.name if profile.photo else "",
        "public": profile.is_public,
        "made_public_at": profile.public_consent_at.isoformat() if profile.public_consent_at else None,
    }


def tours_of(member):
    tours = Tour.objects.filter(speaker=member).prefetch_related("stops__chapter").order_by("created_at")
    return [
        {
            "title": tour.title,
            "abstract": tour.abstract,
            "available_from": tour.available_from.isoformat(),
            "available_to": tour.available_to.isoformat(),
            "stops": [{"chapter": stop.chapter.name, "state": stop.state} for stop in tour.stops.all()],
        }
        for tour in tours
    ]


def forget_talks(*, member):
    """Delete the closing member's proposals, profile (and photo) and tours; nothing to email."""
    Tour.objects.filter(speaker=member).delete()
    Proposal.objects.filter(speaker=member).delete()
    for profile in SpeakerProfile.objects.filter(member=member):
        # Deleting the row through the model lets the photo file go with it.
        profile.delete()
    return []


def register():
    account_hooks.register_export_section("talk_proposals", proposals_of)
    account_hooks.register_export_section("speaker_profile", speaker_profile_of)
    account_hooks.register_export_section("speaker_tours", tours_of)
    account_hooks.register_closing_step(forget_talks)
