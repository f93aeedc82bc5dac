"""Door check-in: who actually came to a meeting.

Volunteers, board members and organizers of the meeting's chapter (and superusers) record arrivals
on a phone at the door. Every function here checks that permission itself, so the admin, the pages
and any future API share one rule; each owns its transaction and locks the row it changes, so two
volunteers tapping the same name at once record one arrival.

The door opens a day before the start and closes to volunteers `CHECKIN_CLOSES_HOURS_AFTER` hours
after the end, so what sponsors read cannot be changed weeks later from a phone; the chapter's
organizers may still correct it. Every change is recorded as a CheckInChange: who, what, when.

Check-in never changes an RSVP's status: a waitlisted member admitted at the door stays waitlisted
in the record and counts as attended. A member of the chapter who walks in without an RSVP gets a
"not going" RSVP that is checked in: attended, yet never one of the "going" the capacity counts.
Anyone else at the door is a WalkInGuest (name and email as typed, no account, no membership).
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chapters.rules import can_check_in, can_organize
from itprosig.dates import format_date
from itprosig.validators import no_control_characters
from meetings.checkin.links import invite_url
from meetings.models import RSVP, CheckInChange, Meeting, WalkInGuest
from members.mail.outbox import outbox_queue
from members.models import Member, Membership

#: How long before its start a meeting's door opens for check-in (volunteers arrive early).
CHECKIN_OPENS_BEFORE = datetime.timedelta(hours=24)
#: The most guests one tap may add or remove; a bigger figure is a typo.
MAX_GUEST_STEP = 100


class CheckInError(Exception):
    """A check-in request that cannot be carried out; the message is shown to the volunteer."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class WalkIn:
    """What a walk-in at the door became: a member's checked-in RSVP, or a guest."""

    rsvp: RSVP | None = None
    guest: WalkInGuest | None = None
    #: False when the member was already checked in, or the guest already counted.
    created: bool = True


def checkin_closes_at(meeting):
    """Return when the door closes to volunteers."""
    return meeting.ends_at + datetime.timedelta(hours=settings.CHECKIN_CLOSES_HOURS_AFTER)


def checkin_is_closed(meeting, *, now=None):
    """Return True once the door has closed to volunteers (organizers may still correct)."""
    return (now or timezone.now()) >= checkin_closes_at(meeting)


def _ensure_allowed(*, meeting, by):
    """Refuse `by` unless they may check people in at the meeting's chapter, and the door is open to them."""
    if by is None or not can_check_in(by, meeting.chapter_id):
        raise PermissionDenied(_("You may not check people in at this chapter's meetings."))
    _ensure_door_open(meeting, by=by)


def _door_closed_message(meeting):
    closed = timezone.localtime(checkin_closes_at(meeting), meeting.chapter.tzinfo)
    return _(
        "The door closed on %(when)s, %(hours)s hours after the meeting ended. "
        "Ask an organizer of the chapter to correct the record."
    ) % {"when": format_date(closed, "DATETIME_FORMAT"), "hours": settings.CHECKIN_CLOSES_HOURS_AFTER}


def _ensure_door_open(meeting, *, by=None, now=None):
    now = now or timezone.now()
    if meeting.status == Meeting.Status.CANCELLED:
        raise CheckInError(_("This meeting was cancelled; nobody can be checked in."))
    if meeting.status != Meeting.Status.SCHEDULED:
        raise CheckInError(_("This meeting is not published yet; check-in opens once it is scheduled."))
    if now < meeting.starts_at - CHECKIN_OPENS_BEFORE:
        raise CheckInError(_("Check-in opens 24 hours before the meeting starts."))
    if checkin_is_closed(meeting, now=now) and not (by is not None and can_organize(by, meeting.chapter_id)):
        raise CheckInError(_door_closed_message(meeting))


def checkin_is_open(meeting, *, by=None, now=None):
    """Return True when `by` (anyone, without it) can change this meeting's check-ins now."""
    try:
        _ensure_door_open(meeting, by=by, now=now)
    except CheckInError:
        return False
    return True


def _record(meeting, action, *, by, **fields):
    CheckInChange.objects.create(
        meeting=meeting, action=action, by=by, after_close=checkin_is_closed(meeting), **fields
    )


def _set_checked_in(rsvp, by, *, arrived):
    """Record the member's arrival (or take it back) unless it already is so; return the RSVP."""
    meeting = rsvp.meeting
    _ensure_allowed(meeting=meeting, by=by)
    with transaction.atomic():
        locked = RSVP.objects.select_for_update().filter(pk=rsvp.pk, meeting=meeting).first()
        if locked is None:
            raise CheckInError(_("This RSVP does not belong to this meeting."))
        if (locked.checked_in_at is not None) != arrived:
            locked.checked_in_at = timezone.now() if arrived else None
            locked.checked_in_by = by if arrived else None
            locked.save(update_fields=["checked_in_at", "checked_in_by", "updated_at"])
            action = CheckInChange.Action.CHECK_IN if arrived else CheckInChange.Action.UNDO
            _record(meeting, action, by=by, rsvp=locked)
    return locked


def rsvp_check_in(*, rsvp, by):
    """Record that the member of this RSVP arrived; checking in twice keeps the first time."""
    return _set_checked_in(rsvp, by, arrived=True)


def rsvp_check_in_undo(*, rsvp, by):
    """Take back a check-in made by mistake."""
    return _set_checked_in(rsvp, by, arrived=False)


def _clean_walk_in(email, name):
    """Return (email, name) cleaned, or raise CheckInError saying what to fix."""
    email = (email or "").strip().lower()
    name = " ".join((name or "").split())
    if not email:
        raise CheckInError(_("Enter the email address of the person at the door."))
    try:
        no_control_characters(email)
        no_control_characters(name)
        validate_email(email)
    except ValidationError as error:
        message = _("Enter a valid email address, and a name without control characters.")
        raise CheckInError(message) from error
    if len(name) > WalkInGuest._meta.get_field("name").max_length:
        raise CheckInError(_("Enter a shorter name."))
    return email, name


def _chapter_member(meeting, email):
    """Return the active member with this address who belongs to the meeting's chapter, or None.

    Someone with an RSVP to this very meeting counts: the door list shows them already.
    """
    member = Member.objects.filter(email__iexact=email, is_active=True).first()
    if member is None:
        return None
    if Membership.objects.filter(member=member, chapter_id=meeting.chapter_id).exists():
        return member
    if RSVP.objects.filter(member=member, meeting=meeting).exists():
        return member
    # A member of other chapters only is, at this door, a guest like anyone else: nothing about
    # their account may show here.
    return None


def meeting_walk_in(*, meeting, email, name="", by):
    """Check in someone who came without an RSVP (or with one), found by the email typed at the door.

    A member of the meeting's chapter is checked in on an RSVP (a "not going" one created when
    they had none, so the capacity never counts them); anyone else becomes a WalkInGuest with the
    name typed, counted in the meeting's guests. Return a WalkIn.
    """
    _ensure_allowed(meeting=meeting, by=by)
    email, name = _clean_walk_in(email, name)
    member = _chapter_member(meeting, email)
    if member is not None:
        return _member_walk_in(meeting, member, by=by)
    if not name:
        raise CheckInError(_("This address is not a member of this chapter: enter the guest's name too."))
    return _guest_walk_in(meeting, email=email, name=name, by=by)


def _member_walk_in(meeting, member, *, by):
    now = timezone.now()
    with transaction.atomic():
        # The meeting lock serialises this with the RSVP service, which also creates RSVPs.
        Meeting.objects.select_for_update().filter(pk=meeting.pk).first()
        rsvp, created = RSVP.objects.select_for_update().get_or_create(
            meeting=meeting,
            member=member,
            defaults={"status": RSVP.Status.NOT_GOING, "checked_in_at": now, "checked_in_by": by},
        )
        newly_in = created or rsvp.checked_in_at is None
        if not created and rsvp.checked_in_at is None:
            rsvp.checked_in_at = now
            rsvp.checked_in_by = by
            rsvp.save(update_fields=["checked_in_at", "checked_in_by", "updated_at"])
        if newly_in:
            _record(meeting, CheckInChange.Action.WALK_IN_MEMBER, by=by, rsvp=rsvp)
    return WalkIn(rsvp=rsvp, created=newly_in)


def _guest_walk_in(meeting, *, email, name, by):
    with transaction.atomic():
        # Under the meeting's lock, two volunteers typing the same guest at once count them once.
        locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
        existing = WalkInGuest.objects.filter(meeting=locked, email=email).first()
        if existing is not None:
            return WalkIn(guest=existing, created=False)
        guest = WalkInGuest.objects.create(meeting=locked, email=email, name=name, added_by=by)
        locked.guest_count += 1
        locked.save(update_fields=["guest_count", "updated_at"])
        _record(meeting, CheckInChange.Action.WALK_IN_GUEST, by=by, guest=guest, guests_delta=1)
    meeting.guest_count = locked.guest_count
    return WalkIn(guest=guest)


def meeting_guests_adjust(*, meeting, delta, by):
    """Add (or, with a negative delta, remove) guests who came without an account.

    Guests recorded by name at the door stay counted: the counter never goes below them.
    Return the new guest count.
    """
    _ensure_allowed(meeting=meeting, by=by)
    if not isinstance(delta, int) or delta == 0 or abs(delta) > MAX_GUEST_STEP:
        raise CheckInError(
            _("Add or remove between 1 and %(max)s guests at a time.") % {"max": MAX_GUEST_STEP}
        )
    with transaction.atomic():
        locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
        named = WalkInGuest.objects.filter(meeting=locked).count()
        if locked.guest_count + delta < named:
            raise CheckInError(_("There are not that many guests to remove."))
        locked.guest_count += delta
        locked.save(update_fields=["guest_count", "updated_at"])
        _record(meeting, CheckInChange.Action.GUESTS, by=by, guests_delta=delta)
    meeting.guest_count = locked.guest_count
    return locked.guest_count


#: The outbox kind of the one invitation a walk-in guest may get (registered in checkin/admin.py).
WALK_IN_INVITE = "walk_in_invite"


def walk_in_guest_invite(*, guest, by, language):
    """Email a walk-in guest one invitation to join the meeting's chapter, at an organizer's request.

    The guest gave their address at the door, not their consent to mail: nothing is sent unless an
    organizer asks, and never twice (the outbox's dedupe key). The link is signed and expires, and
    opening it creates nothing: the guest still signs up and chooses their emails themselves.
    Return True when the invitation was queued, False when it had been sent before.
    """
    meeting = guest.meeting
    if by is None or not can_organize(by, meeting.chapter_id):
        raise PermissionDenied(_("Only the chapter's organizers may invite guests."))
    chapter = meeting.chapter
    with transaction.atomic():
        row = outbox_queue(
            kind=WALK_IN_INVITE,
            to_email=guest.email,
            chapter=chapter,
            language=language,
            template="meetings/email/walk_in_invite",
            context={"guest": guest, "meeting": meeting, "join_url": invite_url(guest)},
            dedupe_key=f"{WALK_IN_INVITE}:{guest.pk}",
        )
    return row is not None
