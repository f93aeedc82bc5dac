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
# What a copy for next month takes from the meeting as it is, and what moves a month on.
COPIED_FIELDS = ("title_fr", "description", "description_fr", "venue", "online_url", "format", "capacity")
SHIFTED_FIELDS = ("starts_at", "ends_at", "rsvp_opens_at", "rsvp_closes_at")
# Slides and recordings belong to the meeting that was held.
COPIED_AGENDA_FIELDS = (
    "position",
    "title",
    "kind",
    "speaker",
    "speaker_bio",
    "starts_at",
    "duration_minutes",
    "description",
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
    _refuse_uneditable(changes)
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
    _refuse_uneditable(changes)
    locked = _lock(meeting)
    _check_version(locked, version)
    # The locked copy is this function's own: changing it in memory saves nothing.
    _apply_changes(locked, changes)


def _refuse_uneditable(changes):
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable through meeting_update: {sorted(unknown)}")


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
            "starts_at",
            "slides_url",
            "recording_url",
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


def meeting_cancel(*, meeting, reason=None):
    """Cancel the meeting and tell everyone going or waitlisted; return the meeting.

    `reason` (one line) goes into the cancellation email and onto the meeting page; None keeps the
    reason already saved. RSVPs are kept, so the organizer still sees who was coming. Cancelling
    twice is refused.
    """
    with transaction.atomic():
        locked = _lock(meeting)
        if locked.is_cancelled:
            raise ValidationError(_("This meeting is already cancelled."))
        was_scheduled = locked.status == Meeting.Status.SCHEDULED
        if reason is not None:
            locked.cancellation_reason = reason.strip()
            locked.full_clean(exclude=["chapter", "topics"])
        locked.status = Meeting.Status.CANCELLED
        locked.sequence += 1
        locked.save(update_fields=["status", "sequence", "cancellation_reason", "updated_at"])
        if was_scheduled:
            # A draft was never announced: nobody to tell.
            notifications.notify_meeting_cancelled(locked)
        _refresh(meeting, locked)
        return meeting


def meeting_duplicate_to_next_month(*, meeting, mark_title=False):
    """Plan the same meeting a month later and return the new draft.

    The copy falls on the same weekday of the same week of the month (the third Tuesday stays the
    third Tuesday; a fifth one becomes the month's last), at the same local time in the chapter's
    time zone, whatever daylight saving time does. Agenda, topics, venue, capacity and the RSVP
    window (relative to the start) are copied; RSVPs, slides and recordings are not. With
    `mark_title`, the title says it is a copy, so the organizer sees what to edit.
    """
    tz = meeting.chapter.tzinfo
    start_day = timezone.localtime(meeting.starts_at, tz).date()
    days = next_month_same_weekday(start_day) - start_day

    def shifted(moment):
        # Move the wall-clock time, not the UTC instant: 6 pm stays 6 pm across a DST change.
        local = _local_shifted(moment, tz, days)
        return None if local is None else timezone.make_aware(local, tz)

    with transaction.atomic():
        title = meeting.title
        if mark_title:
            title = (_("%(title)s (copy)") % {"title": title})[: Meeting._meta.get_field("title").max_length]
        copy = Meeting.objects.create(
            chapter=meeting.chapter,
            title=title,
            status=Meeting.Status.DRAFT,
            **{name: getattr(meeting, name) for name in COPIED_FIELDS},
            **{name: shifted(getattr(meeting, name)) for name in SHIFTED_FIELDS},
        )
        copy.topics.set(meeting.topics.all())
        AgendaItem.objects.bulk_create(
            AgendaItem(meeting=copy, **{name: getattr(item, name) for name in COPIED_AGENDA_FIELDS})
            for item in meeting.agenda_items.all()
        )
        return copy


def meeting_prefill(*, chapter, now=None):
    """Return the initial values of a new meeting of this chapter, from its last one.

    The same venue, format, link, capacity, local start and end times and RSVP window, on the
    same weekday of the same week next month (stepping on a month at a time until it is ahead).
    Times are naive wall-clock times in the chapter's zone, as the form shows them. A chapter's
    first meeting gets nothing but the chapter.
    """
    now = now or timezone.now()
    last = chapter.meetings.exclude(status=Meeting.Status.CANCELLED).order_by("-starts_at").first()
    if last is None:
        return {"chapter": chapter.pk}
    tz = chapter.tzinfo
    start = timezone.localtime(last.starts_at, tz).replace(tzinfo=None)
    day = next_month_same_weekday(start.date())
    while timezone.make_aware(datetime.datetime.combine(day, start.time()), tz) <= now:
        day = next_month_same_weekday(day)
    shift = day - start.date()

    def local(moment):
        return _local_shifted(moment, tz, shift)

    return {
        "chapter": chapter.pk,
        "venue": last.venue_id,
        "format": last.format,
        "online_url": last.online_url,
        "capacity": last.capacity,
        "starts_at": local(last.starts_at),
        "ends_at": local(last.ends_at),
        "rsvp_opens_at": local(last.rsvp_opens_at),
        "rsvp_closes_at": local(last.rsvp_closes_at),
        "topics": list(last.topics.values_list("pk", flat=True)),
    }


def meeting_publish_gaps(meeting, *, now=None):
    """Return what keeps this meeting from being published, as sentences an organizer can act on."""
    now = now or timezone.now()
    gaps = []
    if meeting.status != Meeting.Status.DRAFT:
        gaps.append(
            _("Only a draft can be published; this meeting is %(status)s.")
            % {"status": meeting.get_status_display().lower()}
        )
    if meeting.starts_at <= now:
        gaps.append(_("It starts in the past: set a date to come."))
    if meeting.format in Meeting.VENUE_FORMATS and meeting.venue_id is None:
        gaps.append(_("It has no venue."))
    if meeting.format in Meeting.ONLINE_FORMATS and not meeting.online_url:
        gaps.append(_("It has no online link."))
    if not meeting.agenda_items.exists():
        gaps.append(_("It has no agenda: add at least one talk or discussion."))
    return gaps


def announcement_recipients(meeting):
    """Return the members the meeting's announcement goes to: the chapter's who opted in."""
    from members.models import Member

    return Member.objects.filter(
        is_active=True,
        memberships__chapter_id=meeting.chapter_id,
        memberships__announcements_subscribed=True,
    ).order_by("pk")


def meeting_publish(*, meeting, announce=False, now=None):
    """Publish a draft; with `announce`, announce it too. Return how many announcements were queued.

    An incomplete meeting is refused with what is missing; an announcement nobody would receive is
    refused too. Either refusal leaves the meeting a draft: nothing half done.
    """
    with transaction.atomic():
        locked = _lock(meeting)
        gaps = meeting_publish_gaps(locked, now=now)
        if gaps:
            raise ValidationError(gaps, code="incomplete")
        locked.status = Meeting.Status.SCHEDULED
        locked.save(update_fields=["status", "updated_at"])
        queued = _announce(locked) if announce else 0
        _refresh(meeting, locked)
        return queued


def meeting_announce(*, meeting):
    """Announce a scheduled meeting to the chapter's members who opted in; return how many.

    A meeting is announced once: a second call is refused, and each member's email has a dedupe
    key besides, so even a race sends nobody two.
    """
    with transaction.atomic():
        locked = _lock(meeting)
        if locked.status != Meeting.Status.SCHEDULED or locked.is_past:
            raise ValidationError(_("Only a published meeting still to come can be announced."))
        queued = _announce(locked)
        _refresh(meeting, locked)
        return queued


def _announce(locked):
    if locked.announced_at is not None:
        raise ValidationError(
            _("This meeting was announced on %(date)s; it is not sent twice.")
            % {"date": f"{timezone.localtime(locked.announced_at, locked.chapter.tzinfo):%Y-%m-%d %H:%M}"},
            code="announced",
        )
    members = list(announcement_recipients(locked))
    if not members:
        raise ValidationError(
            _(
                "No member of this chapter has opted in to meeting announcements, "
                "so there is nobody to announce it to."
            ),
            code="no_recipients",
        )
    locked.announced_at = timezone.now()
    locked.save(update_fields=["announced_at", "updated_at"])
    return notifications.notify_meeting_announced(locked, members)


MESSAGE_AUDIENCES = {
    "going": (RSVP.Status.GOING,),
    "waitlisted": (RSVP.Status.WAITLISTED,),
    "both": (RSVP.Status.GOING, RSVP.Status.WAITLISTED),
}
MESSAGE_MAX_LENGTH = 2000


def meeting_message_recipients(meeting, audience):
    return meeting.rsvps.filter(status__in=MESSAGE_AUDIENCES[audience], member__is_active=True)


def meeting_message_people(*, meeting, message, audience="going"):
    """Email the organizers' short message to the people going and/or waitlisted; return how many.

    An empty message, a cancelled meeting or nobody to write to is refused, with nothing queued.
    """
    message = (message or "").strip()
    if not message:
        raise ValidationError(_("Write the message first."), code="empty")
    if len(message) > MESSAGE_MAX_LENGTH:
        raise ValidationError(
            _("Keep the message under %(count)d characters.") % {"count": MESSAGE_MAX_LENGTH}, code="long"
        )
    if audience not in MESSAGE_AUDIENCES:
        raise ValidationError(_("Choose who receives the message."), code="audience")
    with transaction.atomic():
        locked = _lock(meeting)
        if locked.is_cancelled:
            raise ValidationError(_("This meeting is cancelled; its members were told already."))
        rsvps = list(meeting_message_recipients(locked, audience).select_related("member").order_by("pk"))
        if not rsvps:
            raise ValidationError(
                _("Nobody is on this list yet, so the message was not sent."), code="no_recipients"
            )
        notifications.notify_people_going(locked, rsvps, message)
        return len(rsvps)


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


def _local_shifted(moment, tz, shift):
    """Return `moment` as a naive wall-clock time in `tz`, moved by `shift`; None stays None."""
    if moment is None:
        return None
    return timezone.localtime(moment, tz).replace(tzinfo=None) + shift


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
