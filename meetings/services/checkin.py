"""Door check-in: who actually came to a meeting.

Volunteers, board members and organizers of the meeting's chapter (and superusers) record arrivals
on a phone at the door. Every function here checks that permission itself, so the admin, the pages
and any future API share one rule; each owns its transaction and locks the row it changes, so two
volunteers tapping the same name at once record one arrival.

Check-in never changes an RSVP's status: a waitlisted member admitted at the door stays waitlisted
in the record and counts as attended. A walk-in without an RSVP gets a "going" RSVP so that the
attendance reports, which count checked-in RSVPs, see them.
"""

import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chapters.permissions import can_check_in
from members.models import Member, Membership

from ..models import RSVP, Meeting

#: How long before its start a meeting's door opens for check-in (volunteers arrive early).
CHECKIN_OPENS_BEFORE = datetime.timedelta(hours=24)
#: The most guests one tap may add or remove; a bigger figure is a typo.
MAX_GUEST_STEP = 100


class CheckInError(Exception):
    """A check-in request that cannot be carried out; the message is shown to the volunteer."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def _ensure_allowed(*, meeting, by):
    if by is None or not can_check_in(by, meeting.chapter_id):
        raise PermissionDenied(_("You may not check people in at this chapter's meetings."))


def _ensure_door_open(meeting, *, now=None):
    now = now or timezone.now()
    if meeting.status == Meeting.Status.CANCELLED:
        raise CheckInError(_("This meeting was cancelled; nobody can be checked in."))
    if meeting.status != Meeting.Status.SCHEDULED:
        raise CheckInError(_("This meeting is not published yet; check-in opens once it is scheduled."))
    if now < meeting.starts_at - CHECKIN_OPENS_BEFORE:
        raise CheckInError(_("Check-in opens 24 hours before the meeting starts."))


def checkin_is_open(meeting, *, now=None):
    """Return True when people can be checked in at this meeting now."""
    try:
        _ensure_door_open(meeting, now=now)
    except CheckInError:
        return False
    return True


def _locked_rsvp(rsvp_id, meeting):
    rsvp = RSVP.objects.select_for_update().filter(pk=rsvp_id, meeting=meeting).first()
    if rsvp is None:
        raise CheckInError(_("This RSVP does not belong to this meeting."))
    return rsvp


def rsvp_check_in(*, rsvp, by):
    """Record that the member of this RSVP arrived; checking in twice keeps the first time."""
    meeting = rsvp.meeting
    _ensure_allowed(meeting=meeting, by=by)
    _ensure_door_open(meeting)
    with transaction.atomic():
        locked = _locked_rsvp(rsvp.pk, meeting)
        if locked.checked_in_at is None:
            locked.checked_in_at = timezone.now()
            locked.checked_in_by = by
            locked.save(update_fields=["checked_in_at", "checked_in_by", "updated_at"])
    return locked


def rsvp_check_in_undo(*, rsvp, by):
    """Take back a check-in made by mistake."""
    meeting = rsvp.meeting
    _ensure_allowed(meeting=meeting, by=by)
    _ensure_door_open(meeting)
    with transaction.atomic():
        locked = _locked_rsvp(rsvp.pk, meeting)
        if locked.checked_in_at is not None:
            locked.checked_in_at = None
            locked.checked_in_by = None
            locked.save(update_fields=["checked_in_at", "checked_in_by", "updated_at"])
    return locked


def meeting_walk_in(*, meeting, email, by):
    """Check in an existing member who came without an RSVP (or with one), found by email.

    Return (rsvp, created): created is False when the member had an RSVP already.
    """
    _ensure_allowed(meeting=meeting, by=by)
    _ensure_door_open(meeting)
    email = (email or "").strip()
    if not email:
        raise CheckInError(_("Enter the member's email address."))
    member = Member.objects.filter(email__iexact=email, is_active=True).first()
    if member is None:
        raise CheckInError(
            _("No member has the address %(email)s. Count them as a guest instead.") % {"email": email}
        )
    now = timezone.now()
    with transaction.atomic():
        # The meeting lock serialises this with the RSVP service, which also creates RSVPs.
        Meeting.objects.select_for_update().filter(pk=meeting.pk).first()
        rsvp, created = RSVP.objects.select_for_update().get_or_create(
            meeting=meeting,
            member=member,
            defaults={"status": RSVP.Status.GOING, "checked_in_at": now, "checked_in_by": by},
        )
        if not created and rsvp.checked_in_at is None:
            rsvp.checked_in_at = now
            rsvp.checked_in_by = by
            rsvp.save(update_fields=["checked_in_at", "checked_in_by", "updated_at"])
        # Coming to a meeting makes one a member of its chapter, as an RSVP does.
        Membership.objects.get_or_create(
            member=member, chapter_id=meeting.chapter_id, defaults={"source": Membership.Source.RSVP}
        )
    return rsvp, created


def meeting_guests_adjust(*, meeting, delta, by):
    """Add (or, with a negative delta, remove) guests who came without an account.

    Return the new guest count.
    """
    _ensure_allowed(meeting=meeting, by=by)
    _ensure_door_open(meeting)
    if not isinstance(delta, int) or delta == 0 or abs(delta) > MAX_GUEST_STEP:
        raise CheckInError(
            _("Add or remove between 1 and %(max)s guests at a time.") % {"max": MAX_GUEST_STEP}
        )
    with transaction.atomic():
        locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if locked.guest_count + delta < 0:
            raise CheckInError(_("There are not that many guests to remove."))
        locked.guest_count += delta
        locked.save(update_fields=["guest_count", "updated_at"])
    meeting.guest_count = locked.guest_count
    return locked.guest_count
