"""RSVP rules: going, not going, cancel; capacity with a first-come waitlist and promotion.

Every write takes a row lock on the meeting first (``select_for_update``) and counts seats inside
that lock, so two last-second RSVPs can never both take the last seat. Whoever calls these (views,
admin, tasks) gets the same rules; a refusal raises :class:`RSVPRefused` and changes nothing.

Email verification is an account concern and is checked by the website before it calls in here:
organizers and imports may RSVP members on their behalf.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chapters.rules import can_organize
from meetings import notifications
from meetings.models import RSVP, Meeting
from members.models import Membership
from members.services import Refused, membership_ensure

ACTIVE_STATUSES = (RSVP.Status.GOING, RSVP.Status.WAITLISTED)


class RSVPRefused(Refused):
    """An RSVP change the rules do not allow."""

    MESSAGES = {
        "not_published": _("This meeting is not open for RSVPs."),
        "cancelled": _("This meeting has been cancelled."),
        "started": _("This meeting has already started; RSVPs are closed."),
        "not_open_yet": _("RSVPs for this meeting are not open yet."),
        "closed": _("RSVPs for this meeting are closed."),
        "no_rsvp": _("You have no RSVP to cancel for this meeting."),
        "inactive": _("This account is not active."),
        "not_waitlisted": _("This member is no longer on the waitlist."),
    }


def rsvp_going(*, meeting, member, now=None):
    """Take a seat for the member, or a place on the waitlist when the meeting is full.

    Answering "going" again keeps the member's seat or waitlist place; it never moves them to the
    back of the queue. RSVPing makes the member part of the meeting's chapter (without newsletter
    consent, which stays a separate choice). Return the RSVP.
    """
    with transaction.atomic():
        locked = _lock(meeting)
        # Read the clock inside the lock, so waitlist times follow the order of arrival.
        now = now or timezone.now()
        _check_can_answer(locked, member, now)
        rsvp = _rsvp_of(locked, member)
        if rsvp is not None and rsvp.status in ACTIVE_STATUSES:
            return rsvp
        answered_before = rsvp is not None
        if not answered_before:
            rsvp = RSVP(meeting=locked, member=member, created_at=now)
        if _has_free_seat(locked):
            rsvp.status = RSVP.Status.GOING
            rsvp.waitlisted_at = None
        else:
            rsvp.status = RSVP.Status.WAITLISTED
            rsvp.waitlisted_at = now
        # A changed answer writes the answer alone: a check-in recorded meanwhile stays.
        rsvp.save(update_fields=["status", "waitlisted_at", "updated_at"] if answered_before else None)
        membership_ensure(member=member, chapter_id=locked.chapter_id, source=Membership.Source.RSVP, now=now)
        if rsvp.status == RSVP.Status.GOING:
            notifications.notify_rsvp_going(rsvp)
        else:
            notifications.notify_rsvp_waitlisted(rsvp)
        return rsvp


def rsvp_not_going(*, meeting, member, now=None):
    """Record that the member is not coming, freeing their seat or waitlist place if they had one.

    A member may answer "not going" without having answered before. Return the RSVP.
    """
    with transaction.atomic():
        locked = _lock(meeting)
        now = now or timezone.now()
        _check_can_withdraw(locked, member, now)
        rsvp = _rsvp_of(locked, member)
        if rsvp is None:
            _check_window(locked, now)
            return RSVP.objects.create(
                meeting=locked, member=member, status=RSVP.Status.NOT_GOING, created_at=now
            )
        if rsvp.status not in ACTIVE_STATUSES:
            return rsvp
        return _withdraw(rsvp, locked)


def rsvp_cancel(*, meeting, member, now=None):
    """Cancel the member's seat or waitlist place; refuse when they hold neither. Return the RSVP."""
    with transaction.atomic():
        locked = _lock(meeting)
        now = now or timezone.now()
        _check_can_withdraw(locked, member, now)
        rsvp = _rsvp_of(locked, member, status__in=ACTIVE_STATUSES)
        if rsvp is None:
            raise RSVPRefused("no_rsvp")
        return _withdraw(rsvp, locked)


def rsvp_withdraw_all(*, member, now=None):
    """Give up every seat and waitlist place the member holds for meetings yet to start.

    Used when an account is closed, so the seats go to the waitlist. Return the RSVPs withdrawn.
    """
    now = now or timezone.now()
    meeting_ids = list(
        RSVP.objects.filter(
            member=member,
            status__in=ACTIVE_STATUSES,
            meeting__status=Meeting.Status.SCHEDULED,
            meeting__starts_at__gt=now,
        ).values_list("meeting_id", flat=True)
    )
    withdrawn = []
    with transaction.atomic():
        # Lock meetings in a fixed order so two closures never wait on each other.
        for meeting in Meeting.objects.filter(pk__in=meeting_ids).order_by("pk"):
            locked = _lock(meeting)
            rsvp = _rsvp_of(locked, member, status__in=ACTIVE_STATUSES)
            if rsvp is not None:
                withdrawn.append(_withdraw(rsvp, locked))
    return withdrawn


def rsvp_promote_waitlisted(*, meeting):
    """Give free seats to the waitlist in arrival order; return the promoted RSVPs.

    Call after anything that frees seats, such as raising the capacity.
    """
    with transaction.atomic():
        return _promote(_lock(meeting))


def rsvp_promote(*, rsvp, by, now=None):
    """Move one waitlisted member to going at an organizer's request, out of turn if need be.

    The organizer's call overrides the capacity (a seat for a speaker's colleague, a bigger room):
    the automatic promotion fills free seats in arrival order, so a manual one is only ever asked
    for when the meeting is full. The member gets the same email as an automatic promotion.
    Refused (RSVPRefused) for a meeting cancelled, unpublished or started, or an RSVP no longer
    waitlisted. Return the RSVP.
    """
    if by is None or not can_organize(by, rsvp.meeting.chapter_id):
        raise PermissionDenied(_("Only the chapter's organizers may promote from the waitlist."))
    with transaction.atomic():
        locked = _lock(rsvp.meeting)
        now = now or timezone.now()
        _check_can_withdraw(locked, rsvp.member, now)
        current = _rsvp_of(locked, rsvp.member, status=RSVP.Status.WAITLISTED)
        if current is None:
            raise RSVPRefused("not_waitlisted")
        _answer(current, RSVP.Status.GOING)
        notifications.notify_rsvp_promoted(current)
        return current


def _lock(meeting):
    """Return the meeting as it is now, its row locked until the transaction ends.

    Every RSVP write for a meeting queues on this row, so seat counts read inside are exact. Only
    the meeting row is locked, not its chapter: the emails need the chapter, so one the caller read
    already is kept rather than read again.
    """
    locking = Meeting.objects.select_for_update(of=("self",))
    chapter = meeting.chapter if Meeting.chapter.is_cached(meeting) else None
    if chapter is None:
        return locking.select_related("chapter").get(pk=meeting.pk)
    locked = locking.get(pk=meeting.pk)
    if locked.chapter_id == chapter.pk:
        locked.chapter = chapter
    return locked


def _rsvp_of(meeting, member, **filters):
    # get(), not first(): one row at most (unique per meeting and member), and first() would order
    # by RSVP's default ordering, which joins the meeting table only to sort that one row.
    try:
        rsvp = RSVP.objects.get(meeting=meeting, member=member, **filters)
    except RSVP.DoesNotExist:
        return None
    # The emails about it need both; they are at hand already.
    rsvp.meeting, rsvp.member = meeting, member
    return rsvp


def rsvp_refusal(meeting, *, now=None):
    """Return why no one can answer this meeting now (an RSVPRefused), or None when RSVPs are open.

    Pages use it to decide whether to offer the RSVP buttons; the writes above check again under
    the lock.
    """
    try:
        _check_meeting_open(meeting, now or timezone.now())
    except RSVPRefused as refused:
        return refused
    return None


def _check_can_answer(meeting, member, now):
    _check_can_withdraw(meeting, member, now)
    _check_window(meeting, now)


def _check_meeting_open(meeting, now):
    _check_not_started(meeting, now)
    _check_window(meeting, now)


def _check_window(meeting, now):
    if meeting.rsvp_opens_at and now < meeting.rsvp_opens_at:
        raise RSVPRefused("not_open_yet")
    if meeting.rsvp_closes_at and now >= meeting.rsvp_closes_at:
        raise RSVPRefused("closed")


def _check_can_withdraw(meeting, member, now):
    # Freeing a seat stays possible after RSVPs close, until the meeting starts: the seat can still
    # go to someone on the waitlist.
    if not member.is_active:
        raise RSVPRefused("inactive")
    _check_not_started(meeting, now)


def _check_not_started(meeting, now):
    if meeting.status == Meeting.Status.CANCELLED:
        raise RSVPRefused("cancelled")
    if meeting.status != Meeting.Status.SCHEDULED:
        raise RSVPRefused("not_published")
    if meeting.starts_at <= now:
        raise RSVPRefused("started")


def _answer(rsvp, status):
    """Save a new answer off the waitlist; only the answer: a check-in recorded meanwhile stays."""
    rsvp.status = status
    rsvp.waitlisted_at = None
    rsvp.save(update_fields=["status", "waitlisted_at", "updated_at"])


def _withdraw(rsvp, meeting):
    was_going = rsvp.status == RSVP.Status.GOING
    _answer(rsvp, RSVP.Status.NOT_GOING)
    notifications.notify_rsvp_cancelled(rsvp)
    if was_going:
        _promote(meeting)
    return rsvp


def _has_free_seat(meeting):
    if meeting.capacity is None:
        return True
    return RSVP.objects.filter(meeting=meeting, status=RSVP.Status.GOING).count() < meeting.capacity


def _promote(meeting):
    waitlist = RSVP.objects.filter(meeting=meeting, status=RSVP.Status.WAITLISTED).order_by(
        "waitlisted_at", "pk"
    )
    if meeting.capacity is None:
        candidates = list(waitlist)
    elif not waitlist.exists():
        # Most freed seats find nobody waiting: then there are no seats to count.
        candidates = []
    else:
        going = RSVP.objects.filter(meeting=meeting, status=RSVP.Status.GOING).count()
        free = max(meeting.capacity - going, 0)
        candidates = list(waitlist[:free]) if free else []
    for rsvp in candidates:
        _answer(rsvp, RSVP.Status.GOING)
        notifications.notify_rsvp_promoted(rsvp)
    return candidates
