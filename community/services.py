"""Every write of the community program: volunteering, voting, feedback, notes for sponsors.

Each service owns its transaction. Anything that can run out (volunteer places) or be answered
twice (a vote) takes a row lock on its parent first (``select_for_update``) and counts inside that
lock, as RSVPs do. A refusal raises :class:`CommunityRefused` and changes nothing.
"""

import datetime

from django.db import transaction
from django.db.models import OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chapters.rules import can_organize
from itprosig.validators import single_line
from meetings.models import RSVP, Meeting
from meetings.services.reminders import queue_unsent, starting_soon
from members.models import Membership
from members.services import Refused

from . import notifications
from .models import FeedbackResponse, MeetingNote, Poll, TalkRating, VolunteerRole, VolunteerSignup, Vote
from .selectors import ACTIVE_SIGNUPS

# Feedback is asked for a day after a meeting ends, and taken for two weeks after it.
FEEDBACK_AFTER = datetime.timedelta(hours=24)
FEEDBACK_OPEN_FOR = datetime.timedelta(days=14)
OTHER_MAX_LENGTH = 200
COMMENT_MAX_LENGTH = 2000


class CommunityRefused(Refused):
    """A volunteering, voting or feedback change the rules do not allow."""

    MESSAGES = {
        "meeting_closed": _(
            "Volunteering for this meeting is closed: it has started, ended or been cancelled."
        ),
        "full": _("All places for this role are taken. Thank you for offering!"),
        "no_signup": _("You have no sign-up to withdraw for this role."),
        "unknown_signup": _("That sign-up was not found among yours."),
        "not_organizer": _("Only the organizers of this chapter may do that."),
        "not_pending": _("Only a sign-up waiting for confirmation can be confirmed."),
        "poll_not_open": _("This poll is not open yet."),
        "poll_closed": _("This poll is closed; votes can no longer be cast or changed."),
        "not_member": _("Only members of this chapter may vote. Join the chapter first."),
        "no_choice": _("Choose an answer before you vote."),
        "one_choice": _("This poll takes one answer only."),
        "bad_choice": _("That answer is not part of this poll."),
        "no_other": _("This poll does not take free answers."),
        "other_too_long": _("The other answer is too long (at most 200 characters)."),
        "feedback_closed": _("Feedback for this meeting is closed."),
        "not_attendee": _("Feedback is for members who attended this meeting."),
        "bad_rating": _("Each rating must be between 1 and 5, for a talk of this meeting."),
        "empty_feedback": _("Rate at least one talk or write a comment."),
        "comment_too_long": _("The comment is too long (at most 2000 characters)."),
    }


# Volunteers.


def volunteer_signup_create(*, role, member, thank_publicly=False, now=None):
    """Give the member a place in a meeting's volunteer role, or refuse when none is left.

    Signing up again keeps the member's place (and records their choice about public thanks).
    Return the sign-up, waiting for an organizer's confirmation.
    """
    with transaction.atomic():
        locked = _lock_role(role)
        now = now or timezone.now()
        _check_meeting_open(locked.meeting, now)
        signup = VolunteerSignup.objects.filter(role=locked, member=member).first()
        if signup is not None and signup.state in ACTIVE_SIGNUPS:
            if signup.thank_publicly != thank_publicly:
                signup.thank_publicly = thank_publicly
                signup.save(update_fields=["thank_publicly", "updated_at"])
            return signup
        taken = VolunteerSignup.objects.filter(role=locked, state__in=ACTIVE_SIGNUPS).count()
        if taken >= locked.places:
            raise CommunityRefused("full")
        if signup is None:
            signup = VolunteerSignup(role=locked, member=member, created_at=now)
        signup.state = VolunteerSignup.State.PENDING
        signup.thank_publicly = thank_publicly
        signup.confirmed_at = None
        signup.save()
        return signup


def volunteer_signup_withdraw(*, role, member, now=None):
    """Give up the member's place in a role, freeing it for someone else. Return the sign-up."""
    with transaction.atomic():
        locked = _lock_role(role)
        _check_meeting_open(locked.meeting, now or timezone.now())
        signup = VolunteerSignup.objects.filter(role=locked, member=member, state__in=ACTIVE_SIGNUPS).first()
        if signup is None:
            raise CommunityRefused("no_signup")
        signup.state = VolunteerSignup.State.CANCELLED
        signup.save(update_fields=["state", "updated_at"])
        return signup


def volunteer_signup_set_thanks(*, signup_id, member, thank_publicly):
    """Give or withdraw the member's consent to be thanked by name, at any time. Return the sign-up."""
    signup = VolunteerSignup.objects.filter(pk=signup_id, member=member).first()
    if signup is None:
        raise CommunityRefused("unknown_signup")
    if signup.thank_publicly != thank_publicly:
        signup.thank_publicly = thank_publicly
        signup.save(update_fields=["thank_publicly", "updated_at"])
    return signup


def volunteer_signup_confirm(*, signup, by, now=None):
    """Confirm a pending sign-up as one of the chapter's organizers, and tell the volunteer."""
    with transaction.atomic():
        signup = _lock_signup(signup, by)
        if signup.state != VolunteerSignup.State.PENDING:
            raise CommunityRefused("not_pending")
        signup.state = VolunteerSignup.State.CONFIRMED
        signup.confirmed_at = now or timezone.now()
        signup.save(update_fields=["state", "confirmed_at", "updated_at"])
        notifications.notify_volunteer_confirmed(signup)
        return signup


def volunteer_signup_cancel(*, signup, by):
    """Cancel a sign-up as one of the chapter's organizers (the place frees up)."""
    with transaction.atomic():
        signup = _lock_signup(signup, by)
        signup.state = VolunteerSignup.State.CANCELLED
        signup.save(update_fields=["state", "updated_at"])
        return signup


def volunteer_reminders_send(*, now=None):
    """Remind each confirmed volunteer once, about a day before their meeting. Return how many."""
    now = now or timezone.now()
    signups = (
        VolunteerSignup.objects.filter(
            starting_soon("role__meeting", now), state=VolunteerSignup.State.CONFIRMED, member__is_active=True
        )
        .select_related("member", "role__meeting__chapter")
        .order_by("pk")
    )
    key = notifications.VOLUNTEER_REMINDER_KEY.expression(OuterRef("pk"))
    return queue_unsent(signups, key, notifications.notify_volunteer_reminder)


def _lock_role(role):
    # Every sign-up for a role queues on this row, so the places counted inside are exact.
    return (
        VolunteerRole.objects.select_for_update(of=("self",))
        .select_related("meeting__chapter")
        .get(pk=role.pk)
    )


def _lock_signup(signup, by):
    """Lock a sign-up for one of its chapter's organizers; refuse anyone else."""
    signup = (
        VolunteerSignup.objects.select_for_update(of=("self",))
        .select_related("role__meeting__chapter", "member")
        .get(pk=signup.pk)
    )
    if not can_organize(by, signup.role.meeting.chapter_id):
        raise CommunityRefused("not_organizer")
    return signup


def _check_meeting_open(meeting, now):
    if meeting.status != Meeting.Status.SCHEDULED or meeting.starts_at <= now:
        raise CommunityRefused("meeting_closed")


# Polls.


def poll_vote(*, poll, member, choice_ids, other="", now=None):
    """Record or change the member's vote; return (vote, created).

    The poll row is locked first, so the opening and closing times, the member's one vote and the
    choices are all checked against the same state, whatever else is voting at that moment.
    """
    other = " ".join(single_line(other or "").split())
    with transaction.atomic():
        locked = Poll.objects.select_for_update().get(pk=poll.pk)
        now = now or timezone.now()
        if now < locked.opens_at:
            raise CommunityRefused("poll_not_open")
        if locked.is_closed(now):
            raise CommunityRefused("poll_closed")
        if not Membership.objects.filter(member=member, chapter_id=locked.chapter_id).exists():
            raise CommunityRefused("not_member")
        choices = _checked_choices(locked, choice_ids, other)
        vote = Vote.objects.filter(poll=locked, member=member).first()
        created = vote is None
        if created:
            vote = Vote.objects.create(poll=locked, member=member, other=other, created_at=now)
        else:
            vote.other = other
            vote.save(update_fields=["other", "updated_at"])
        vote.choices.set(choices)
        return vote, created


def _checked_choices(poll, choice_ids, other):
    try:
        wanted = {int(pk) for pk in choice_ids}
    except (TypeError, ValueError):
        raise CommunityRefused("bad_choice") from None
    if other and not poll.allow_other:
        raise CommunityRefused("no_other")
    if len(other) > OTHER_MAX_LENGTH:
        raise CommunityRefused("other_too_long")
    if not wanted and not other:
        raise CommunityRefused("no_choice")
    if not poll.multiple and len(wanted) + bool(other) > 1:
        raise CommunityRefused("one_choice")
    choices = list(poll.choices.filter(pk__in=wanted))
    if len(choices) != len(wanted):
        raise CommunityRefused("bad_choice")
    return choices


# Feedback after a meeting.


def feedback_closes_at(meeting):
    return meeting.ends_at + FEEDBACK_OPEN_FOR


def feedback_requests_send(*, now=None):
    """Ask each member checked in at a meeting that ended a day ago for feedback, once.

    Meetings that ended more than the feedback period ago are left alone (their form is closed).
    Return how many requests were queued.
    """
    now = now or timezone.now()
    rsvps = (
        RSVP.objects.filter(
            checked_in_at__isnull=False,
            meeting__status=Meeting.Status.SCHEDULED,
            meeting__ends_at__lte=now - FEEDBACK_AFTER,
            meeting__ends_at__gt=now - FEEDBACK_OPEN_FOR,
            member__is_active=True,
        )
        .select_related("member", "meeting__chapter")
        .order_by("meeting_id", "pk")
    )
    key = notifications.FEEDBACK_KEY.expression(OuterRef("meeting_id"), OuterRef("member_id"))
    return queue_unsent(rsvps, key, notifications.notify_feedback_request)


def feedback_submit(*, meeting, member, ratings, comment="", now=None):
    """Record the member's feedback on a meeting, or replace it while feedback is open.

    `ratings` maps agenda item ids to 1-5; items left out are not rated. Return (response, created).
    """
    now = now or timezone.now()
    comment = (comment or "").strip()
    if now >= feedback_closes_at(meeting) or meeting.status != Meeting.Status.SCHEDULED:
        raise CommunityRefused("feedback_closed")
    if not RSVP.objects.filter(meeting=meeting, member=member, checked_in_at__isnull=False).exists():
        raise CommunityRefused("not_attendee")
    if len(comment) > COMMENT_MAX_LENGTH:
        raise CommunityRefused("comment_too_long")
    items = set(meeting.agenda_items.values_list("pk", flat=True))
    cleaned = {}
    for item_id, rating in ratings.items():
        if item_id not in items or not isinstance(rating, int) or not 1 <= rating <= 5:
            raise CommunityRefused("bad_rating")
        cleaned[item_id] = rating
    if not cleaned and not comment:
        raise CommunityRefused("empty_feedback")
    with transaction.atomic():
        # The unique constraint keeps one response per member; a double submit finds the first one.
        response, created = FeedbackResponse.objects.select_for_update().get_or_create(
            meeting=meeting, member=member, defaults={"comment": comment, "created_at": now}
        )
        if not created:
            response.comment = comment
            response.save(update_fields=["comment", "updated_at"])
            response.ratings.all().delete()
        TalkRating.objects.bulk_create(
            TalkRating(response=response, agenda_item_id=item_id, rating=rating)
            for item_id, rating in sorted(cleaned.items())
        )
        return response, created


# Notes for sponsors.


def meeting_note_save(*, note, by, now=None):
    """Save an organizer's note; the first publication is stamped (and the author kept)."""
    if not can_organize(by, note.meeting.chapter_id):
        raise CommunityRefused("not_organizer")
    if note.author_id is None:
        note.author = by
    if note.state == MeetingNote.State.PUBLISHED and note.published_at is None:
        note.published_at = now or timezone.now()
    note.save()
    return note
