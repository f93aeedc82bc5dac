"""What the community program holds about a member, for the account pages members owns.

The export lists volunteer sign-ups, poll votes and meeting feedback. Closing the account frees the
member's places at meetings still to come and drops the free text they wrote (an "other" answer, a
feedback comment); past sign-ups, votes and ratings stay with the anonymous account, so a chapter's
figures do not change.
"""

from django.utils import timezone

from members import account_hooks

from .models import FeedbackResponse, VolunteerSignup, Vote


def volunteering_of(member):
    signups = VolunteerSignup.objects.filter(member=member).select_related("role__meeting__chapter")
    return [
        {
            "meeting": signup.role.meeting.title,
            "chapter": signup.role.meeting.chapter.name,
            "role": signup.role.kind,
            "state": signup.state,
            "may_be_thanked_by_name": signup.thank_publicly,
            "signed_up_at": signup.created_at.isoformat(),
        }
        for signup in signups.order_by("created_at")
    ]


def votes_of(member):
    votes = Vote.objects.filter(member=member).select_related("poll").prefetch_related("choices")
    return [
        {
            "poll": vote.poll.question,
            "answers": [choice.label for choice in vote.choices.all()],
            "other": vote.other,
            "voted_at": vote.created_at.isoformat(),
        }
        for vote in votes.order_by("created_at")
    ]


def feedback_of(member):
    responses = FeedbackResponse.objects.filter(member=member).select_related("meeting")
    return [
        {
            "meeting": response.meeting.title,
            "comment": response.comment,
            "ratings": {rating.agenda_item.title: rating.rating for rating in response.ratings.all()},
            "answered_at": response.created_at.isoformat(),
        }
        for response in responses.prefetch_related("ratings__agenda_item").order_by("created_at")
    ]


def forget_community(*, member):
    """Free the closing member's places still to come and drop the text they wrote; nothing to email."""
    VolunteerSignup.objects.filter(member=member, role__meeting__starts_at__gt=timezone.now()).delete()
    VolunteerSignup.objects.filter(member=member).update(thank_publicly=False)
    Vote.objects.filter(member=member).exclude(other="").update(other="")
    FeedbackResponse.objects.filter(member=member).exclude(comment="").update(comment="")
    return []


def register():
    account_hooks.register_export_section("volunteering", volunteering_of)
    account_hooks.register_export_section("poll_votes", votes_of)
    account_hooks.register_export_section("meeting_feedback", feedback_of)
    account_hooks.register_closing_step(forget_community)
