"""What members are told when a meeting or their RSVP changes.

Services call these inside their own transaction, right after the change; each call writes the
email(s) to the outbox in that same transaction and the send happens after commit. The row holds
what to say (the RSVP, the template, what was true when it was queued: seat or waitlist place,
changed fields); the worker renders it just before sending, so answering an RSVP stays a few row
writes while the meeting is locked. Functions take model instances.
"""

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from meetings.checkin import links as checkin_links
from members.mail import kinds
from members.mail.outbox import Composition, outbox_queue
from members.mail.rendering import absolute_reverse, object_url, sender
from members.newsletters.announcements import announcements_unsubscribe_url

from . import calendar
from .models import RSVP, Meeting
from .reminder_key import reminder_dedupe_key


class Kind:
    """The outbox kinds of the emails about meetings and RSVPs (at most 20 characters)."""

    RSVP_GOING = "rsvp_going"
    RSVP_WAITLISTED = "rsvp_waitlisted"
    RSVP_PROMOTED = "rsvp_promoted"
    RSVP_CANCELLED = "rsvp_cancelled"
    MEETING_CHANGED = "meeting_changed"
    MEETING_CANCELLED = "meeting_cancelled"
    REMINDER = "reminder"
    ANNOUNCEMENT = "announcement"
    MESSAGE_GOING = "message_going"
    NOT_ANSWERED = "not_answered"


LABELS = {
    Kind.RSVP_GOING: _("RSVP confirmed"),
    Kind.RSVP_WAITLISTED: _("Waitlisted"),
    Kind.RSVP_PROMOTED: _("Promoted from the waitlist"),
    Kind.RSVP_CANCELLED: _("RSVP cancelled"),
    Kind.MEETING_CHANGED: _("Meeting changed"),
    Kind.MEETING_CANCELLED: _("Meeting cancelled"),
    Kind.REMINDER: _("Reminder"),
    Kind.ANNOUNCEMENT: _("Meeting announcement"),
    Kind.MESSAGE_GOING: _("Message to people going"),
    Kind.NOT_ANSWERED: _("Reminder to answer"),
}


def notify_rsvp_going(rsvp):
    """Tell a member their seat is confirmed (with the meeting as a calendar invitation)."""
    _send_to_rsvp(rsvp, Kind.RSVP_GOING, "rsvp_going", method="REQUEST", with_checkin=True)


def notify_rsvp_waitlisted(rsvp):
    """Tell a member they are on the waitlist, and at which position."""
    _send_to_rsvp(rsvp, Kind.RSVP_WAITLISTED, "rsvp_waitlisted", extra={"position": waitlist_position(rsvp)})


def notify_rsvp_promoted(rsvp):
    """Tell a waitlisted member a seat freed up and they are now going."""
    _send_to_rsvp(rsvp, Kind.RSVP_PROMOTED, "rsvp_promoted", method="REQUEST", with_checkin=True)


def notify_rsvp_cancelled(rsvp):
    """Confirm to a member that their RSVP is cancelled (calendar cancellation)."""
    _send_to_rsvp(rsvp, Kind.RSVP_CANCELLED, "rsvp_cancelled", method="CANCEL")


def notify_meeting_changed(meeting, changed_fields):
    """Tell everyone going or waitlisted that time, venue or online link changed."""
    meeting = _with_chapter(meeting.pk)
    changed = sorted(set(changed_fields))
    for rsvp in _affected_rsvps(meeting):
        going = rsvp.status == RSVP.Status.GOING
        _send_to_rsvp(
            rsvp,
            Kind.MEETING_CHANGED,
            "meeting_changed",
            meeting=meeting,
            # Only those going hold the event in their calendar; the update replaces it (same UID).
            method="REQUEST" if going else None,
            extra={"changed": changed},
            dedupe_key=f"meeting_changed:{meeting.pk}:{meeting.sequence}:{rsvp.member_id}",
        )


def notify_meeting_cancelled(meeting):
    """Tell everyone going or waitlisted that the meeting is cancelled."""
    meeting = _with_chapter(meeting.pk)
    for rsvp in _affected_rsvps(meeting):
        _send_to_rsvp(
            rsvp,
            Kind.MEETING_CANCELLED,
            "meeting_cancelled",
            meeting=meeting,
            method="CANCEL" if rsvp.status == RSVP.Status.GOING else None,
            dedupe_key=f"meeting_cancelled:{meeting.pk}:{rsvp.member_id}",
        )


def notify_meeting_reminder(rsvp):
    """Remind a member going to a meeting that it is about a day away; at most once per meeting.

    Return whether a reminder was queued (False when this member was reminded already).
    """
    return _send_to_rsvp(
        rsvp,
        Kind.REMINDER,
        "reminder",
        with_checkin=True,
        dedupe_key=reminder_dedupe_key(meeting_id=rsvp.meeting_id, member_id=rsvp.member_id),
    )


def notify_meeting_announced(meeting, members):
    """Announce a newly published meeting to these members (who opted in), on the bulk queue.

    One email per member and meeting, ever: the dedupe key refuses a second. Return how many
    were queued.
    """
    meeting = _with_chapter(meeting.pk)
    queued = 0
    for member in members:
        row = _send_to_member(
            member,
            meeting,
            Kind.ANNOUNCEMENT,
            "announcement",
            method="PUBLISH",
            dedupe_key=f"announcement:{meeting.pk}:{member.pk}",
            bulk=True,
        )
        queued += row is not None
    return queued


def notify_not_answered(meeting, member):
    """Ask a member who has not answered yet whether they are coming; at most once per meeting."""
    row = _send_to_member(
        member,
        meeting,
        Kind.NOT_ANSWERED,
        "not_answered",
        dedupe_key=f"not_answered:{meeting.pk}:{member.pk}",
        bulk=True,
    )
    return row is not None


def notify_people_going(meeting, rsvps, message):
    """Send the organizer's short message to these RSVPs (they answered: transactional mail)."""
    meeting = _with_chapter(meeting.pk)
    for rsvp in rsvps:
        _send_to_rsvp(rsvp, Kind.MESSAGE_GOING, "message_going", meeting=meeting, extra={"message": message})


def _send_to_member(member, meeting, kind, template, *, method=None, dedupe_key=None, bulk=False):
    spec = {"meeting": meeting.pk, "member": member.pk, "template": template, "method": method}
    # Sent because the member opted in to announcements: one click (RFC 8058) stops them.
    unsubscribe = announcements_unsubscribe_url(member_id=member.pk, chapter_id=meeting.chapter_id)
    return outbox_queue(
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
        kind=kind,
        to_email=member.email,
        member=member,
        chapter=meeting.chapter,
        calendar_method=method or "",
        dedupe_key=dedupe_key,
        from_email=sender(meeting.chapter, bulk=bulk),
        compose=(kind, spec),
        bulk=bulk,
    )


def meeting_email_context(meeting, member):
    """What an announcement shows one member: the meeting, its links, their preferences page."""
    with translation.override(member.preferred_language if member else None):
        return {
            "announcements_unsubscribe_url": announcements_unsubscribe_url(
                member_id=member.pk, chapter_id=meeting.chapter_id
            ),
            **_meeting_links(meeting, show_online_link=False),
        }


def _meeting_links(meeting, *, show_online_link):
    """What every email about a meeting shows: the meeting and its links, in the active language."""
    return {
        "meeting": meeting,
        "meeting_url": object_url(meeting),
        "google_calendar_url": calendar.google_calendar_url(meeting),
        "preferences_url": absolute_reverse("mail:preferences"),
        "show_online_link": show_online_link,
    }


def meeting_calendar_text(meeting, method, attendee=None):
    """The .ics an email carries: an announcement's has no attendee, an RSVP's invites the member."""
    return calendar.build_calendar([meeting], method=method, attendee=attendee).to_ical().decode()


def compose_member_email(spec):
    """Render-time half of announcements and answer reminders: the meeting as it is when sent."""
    meeting = _load(spec["meeting"])
    member = get_user_model().objects.get(pk=spec["member"])
    ics = meeting_calendar_text(meeting, spec["method"]) if spec["method"] else ""
    return Composition(
        template=f"meetings/email/{spec['template']}",
        context=meeting_email_context(meeting, member),
        calendar=ics,
    )


def waitlist_position(rsvp):
    """Return the member's place in the waitlist, first come first served (1 is next)."""
    ahead = Q(waitlisted_at__lt=rsvp.waitlisted_at) | Q(waitlisted_at=rsvp.waitlisted_at, pk__lt=rsvp.pk)
    waiting = RSVP.objects.filter(meeting_id=rsvp.meeting_id, status=RSVP.Status.WAITLISTED)
    return waiting.filter(ahead).count() + 1


def _with_chapter(meeting_pk):
    """Return the meeting as saved, with its chapter (the sender): all that queueing needs."""
    return Meeting.objects.select_related("chapter").get(pk=meeting_pk)


def _load(meeting_pk):
    """Return the meeting with what every email about it shows, for rendering one."""
    return (
        Meeting.objects.select_related("chapter", "venue")
        .prefetch_related("agenda_items", "topics")
        .get(pk=meeting_pk)
    )


def _affected_rsvps(meeting):
    return (
        meeting.rsvps.filter(status__in=[RSVP.Status.GOING, RSVP.Status.WAITLISTED])
        .select_related("member")
        .order_by("pk")
    )


# The composer's name before each kind was registered with it: rows queued then still name it.
LEGACY_COMPOSER = "meetings.rsvp"


def _send_to_rsvp(
    rsvp, kind, template, *, meeting=None, method=None, with_checkin=False, extra=None, dedupe_key=None
):
    member, chapter = rsvp.member, (meeting or rsvp.meeting).chapter
    going = rsvp.status == RSVP.Status.GOING
    spec = {
        "rsvp": rsvp.pk,
        "template": template,
        "method": method,
        # Decided now, from the answer this email is about, not from whatever it is at send time.
        "checkin": with_checkin and going,
        # The online link is for members with a seat, as on the meeting page.
        "online_link": going,
        "extra": extra or {},
    }
    return outbox_queue(
        kind=kind,
        to_email=member.email,
        member=member,
        chapter=chapter,
        calendar_method=method or "",
        dedupe_key=dedupe_key,
        compose=(kind, spec),
    )


def compose_rsvp_email(spec):
    """Render-time half of the notifications above: build the context from the RSVP as it is now."""
    rsvp = RSVP.objects.select_related("member").get(pk=spec["rsvp"])
    meeting = rsvp.meeting = _load(rsvp.meeting_id)
    member = rsvp.member
    # Links in the member's language: /fr/... for French readers.
    with translation.override(member.preferred_language):
        context = {
            "rsvp": rsvp,
            **_meeting_links(meeting, show_online_link=spec["online_link"]),
            **spec["extra"],
        }
    attachments = []
    if spec["checkin"]:
        # The QR code opens this RSVP's door check-in for a volunteer's phone.
        context["checkin_url"] = checkin_links.checkin_url(rsvp)
        attachments.append(("check-in.png", checkin_links.checkin_qr_png(rsvp), "image/png"))
    ics = meeting_calendar_text(meeting, spec["method"], attendee=member) if spec["method"] else ""
    return Composition(
        template=f"meetings/email/{spec['template']}", context=context, calendar=ics, attachments=attachments
    )


def register():
    """Register the kinds above with the outbox, each written by `compose_rsvp_email` when sent."""
    member_kinds = {Kind.ANNOUNCEMENT, Kind.NOT_ANSWERED}
    for kind, label in LABELS.items():
        composer = compose_member_email if kind in member_kinds else compose_rsvp_email
        kinds.register(kind, label, composer=composer)
    kinds.register_composer(LEGACY_COMPOSER, compose_rsvp_email)
