"""Scheduling: change, cancel and repeat meetings, telling members what they need to know.

Each service locks the meeting row, so it never races an RSVP (which takes the same lock), and
writes members' notifications in its own transaction: if the change rolls back, no email goes out.
"""

import datetime
import hashlib

from dateutil.relativedelta import relativedelta, weekdays
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meetings import notifications
from meetings.models import RSVP, AgendaItem, Meeting

from .rsvp import rsvp_promote_waitlisted

# Changes that make members' calendars and plans out of date: these raise SEQUENCE and send email.
NOTIFIED_FIELDS = ("starts_at", "ends_at", "venue", "online_url", "format")
# Changes that calendars show but that do not warrant an email.
CALENDAR_FIELDS = ("title", "description")
EDITABLE_FIELDS = (
    "title",
    "starts_at",
    "ends_at",
    "venue",
    "online_url",
    "format",
    "capacity",
    "rsvp_opens_at",
    "rsvp_closes_at",
    "description",
    "status",
    "guest_count",
    # The page's French version, cover image and cancellation reason: shown on the page only.
    "title_fr",
    "description_fr",
    "cover_image",
    "cancellation_reason",
)


def meeting_update(*, meeting, changes, version=None):
    """Apply `changes` (field name to new value) to the meeting and return the changed field names.

    A change to the time, venue, online link or format raises the meeting's iCalendar SEQUENCE
    and, once the meeting is scheduled, tells everyone going or waitlisted. A title or description
    change raises SEQUENCE only. Raising the capacity gives the freed seats to the waitlist. Setting
    the status to cancelled goes through meeting_cancel. With `version` (from meeting_version()
    when the editor opened the meeting), a meeting changed since is refused. Invalid values raise
    ValidationError and change nothing.
    """
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable through meeting_update: {sorted(unknown)}")
    with transaction.atomic():
        locked = _lock(meeting)
        if version is not None:
            _check_version(locked, version)
        changed = _apply_changes(locked, changes)
        if not changed:
            return []
        cancelling = "status" in changed and changes["status"] == Meeting.Status.CANCELLED
        if any(name in NOTIFIED_FIELDS + CALENDAR_FIELDS for name in changed):
            locked.sequence += 1
        locked.save()
        notified = [name for name in changed if name in NOTIFIED_FIELDS]
        if notified and locked.status == Meeting.Status.SCHEDULED:
            notifications.notify_meeting_changed(locked, notified)
        if "capacity" in changed and locked.status == Meeting.Status.SCHEDULED:
            rsvp_promote_waitlisted(meeting=locked)
        if cancelling:
            meeting_cancel(meeting=locked)
        _refresh(meeting, locked)
        return changed


def meeting_update_check(*, meeting, changes, version):
    """Raise ValidationError if meeting_update would refuse these changes now; change nothing.

    Call it inside the transaction that will then call meeting_update (the admin saves the meeting,
    its topics and its agenda in one): the meeting stays locked until that transaction ends, so
    nobody can change it between the check and the save.
    """
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable through meeting_update: {sorted(unknown)}")
    locked = _lock(meeting)
    _check_version(locked, version)
    # The locked copy is this function's own: changing it in memory saves nothing.
    _apply_changes(locked, changes)


def meeting_version(meeting):
    """Return a fingerprint of everything an editor of the meeting sees and may change.

    It changes whenever anyone changes an editable field (a volunteer's guest count, another
    organizer's capacity or status), the topics or the agenda, so an editor can tell that the form
    they filled in no longer shows the meeting as it is.
    """
    names = ["chapter_id", *(Meeting._meta.get_field(name).attname for name in EDITABLE_FIELDS)]
    fields = tuple(repr(getattr(meeting, name)) for name in names)
    topics = tuple(meeting.topics.order_by("pk").values_list("pk", flat=True))
    agenda = tuple(
        AgendaItem.objects.filter(meeting_id=meeting.pk)
        .order_by("pk")
        .values_list(
            "pk",
            "position",
            "title",
            "kind",
            "speaker",
            "speaker_bio",
            "duration_minutes",
            "description",
            "resources_url",
        )
    )
    return hashlib.sha256(repr((fields, topics, agenda)).encode()).hexdigest()[:32]


def _check_version(locked, version):
    if version != meeting_version(locked):
        raise ValidationError(
            _(
                "Someone else changed this meeting while you were editing it, so nothing was saved. "
                "Reload the page to see the meeting as it is now, then make your change again."
            ),
            code="stale",
        )


def _apply_changes(locked, changes):
    """Set `changes` on the locked meeting and validate them; return the changed field names."""
    changed = [name for name, value in changes.items() if getattr(locked, name) != value]
    if locked.is_cancelled and changed:
        raise ValidationError(_("A cancelled meeting cannot be changed."))
    _check_not_unpublishing_with_people(locked, changes)
    cancelling = "status" in changed and changes["status"] == Meeting.Status.CANCELLED
    for name in changed:
        if name != "status" or not cancelling:
            setattr(locked, name, changes[name])
    if changed:
        locked.full_clean(exclude=["chapter", "topics"])
        _check_venue_belongs_to_chapter(locked)
    return changed


def _check_not_unpublishing_with_people(locked, changes):
    # A draft is hidden from members: those going would lose the meeting without a word while
    # their calendars keep it. Cancelling tells them and retracts the calendar entry.
    if locked.status != Meeting.Status.SCHEDULED or changes.get("status") != Meeting.Status.DRAFT:
        return
    if locked.rsvps.filter(status__in=[RSVP.Status.GOING, RSVP.Status.WAITLISTED]).exists():
        raise ValidationError(
            {
                "status": _(
                    "People are going or on the waitlist: cancel the meeting instead, so they are "
                    "told and their calendars updated. Only a meeting nobody answered goes back to draft."
                )
            },
            code="unpublish_with_rsvps",
        )


def meeting_cancel(*, meeting):
    """Cancel the meeting and tell everyone going or waitlisted; return the meeting.

    RSVPs are kept, so the organizer still sees who was coming. Cancelling twice is refused.
    """
    with transaction.atomic():
        locked = _lock(meeting)
        if locked.is_cancelled:
            raise ValidationError(_("This meeting is already cancelled."))
        was_scheduled = locked.status == Meeting.Status.SCHEDULED
        locked.status = Meeting.Status.CANCELLED
        locked.sequence += 1
        locked.save(update_fields=["status", "sequence", "updated_at"])
        if was_scheduled:
            # A draft was never announced: nobody to tell.
            notifications.notify_meeting_cancelled(locked)
        _refresh(meeting, locked)
        return meeting


def meeting_duplicate_to_next_month(*, meeting):
    """Plan the same meeting a month later and return the new draft.

    The copy falls on the same weekday of the same week of the month (the third Tuesday stays the
    third Tuesday; a fifth one becomes the month's last), at the same local time in the chapter's
    time zone, whatever daylight saving time does. Agenda, topics, venue, capacity and the RSVP
    window (relative to the start) are copied; RSVPs are not.
    """
    tz = meeting.chapter.tzinfo
    start_day = timezone.localtime(meeting.starts_at, tz).date()
    days = datetime.timedelta(days=(next_month_same_weekday(start_day) - start_day).days)

    def shifted(moment):
        # Move the wall-clock time, not the UTC instant: 6 pm stays 6 pm across a DST change.
        if moment is None:
            return None
        return timezone.make_aware(timezone.localtime(moment, tz).replace(tzinfo=None) + days, tz)

    with transaction.atomic():
        copy = Meeting.objects.create(
            chapter=meeting.chapter,
            title=meeting.title,
            starts_at=shifted(meeting.starts_at),
            ends_at=shifted(meeting.ends_at),
            venue=meeting.venue,
            online_url=meeting.online_url,
            format=meeting.format,
            capacity=meeting.capacity,
            rsvp_opens_at=shifted(meeting.rsvp_opens_at),
            rsvp_closes_at=shifted(meeting.rsvp_closes_at),
            status=Meeting.Status.DRAFT,
            description=meeting.description,
        )
        copy.topics.set(meeting.topics.all())
        AgendaItem.objects.bulk_create(
            AgendaItem(
                meeting=copy,
                position=item.position,
                title=item.title,
                kind=item.kind,
                speaker=item.speaker,
                speaker_bio=item.speaker_bio,
                duration_minutes=item.duration_minutes,
                description=item.description,
            )
            for item in meeting.agenda_items.all()
        )
        return copy


def next_month_same_weekday(day):
    """Return the day in the next month with the same weekday and week of the month as `day`.

    The third Tuesday gives the third Tuesday; a fifth one, when next month has none, the last.
    """
    weekday = weekdays[day.weekday()]
    week = (day.day - 1) // 7 + 1
    candidate = day + relativedelta(months=1, day=1, weekday=weekday(week))
    if candidate.month != (day + relativedelta(months=1)).month:
        candidate = day + relativedelta(months=1, day=31, weekday=weekday(-1))
    return candidate


def _lock(meeting):
    return Meeting.objects.select_for_update().select_related("chapter").get(pk=meeting.pk)


def _check_venue_belongs_to_chapter(meeting):
    if meeting.venue_id and meeting.venue.chapter_id != meeting.chapter_id:
        raise ValidationError({"venue": _("Choose one of this chapter's venues.")})


def _refresh(meeting, locked):
    # Keep the caller's instance in step with what was saved.
    if meeting is not locked:
        for field in Meeting._meta.concrete_fields:
            setattr(meeting, field.attname, getattr(locked, field.attname))
