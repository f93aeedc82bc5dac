"""Every write about talks: proposals and their review, scheduling, speaker profiles, tours.

Each service owns its transaction and locks the row it moves from one state to another, so two
organizers clicking at once cannot both accept and decline, nor place one talk twice. A refusal
raises :class:`TalkRefused` with a message fit to show, and changes nothing.
"""

import datetime

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from chapters.rules import can_organize
from meetings.models import AgendaItem, Meeting
from members.selectors import has_verified_email

from . import notifications
from .models import Proposal, SpeakerProfile, Tour, TourStop

State = Proposal.State

# How long each kind of session lasts on the agenda unless the organizer changes it.
DEFAULT_MINUTES = {AgendaItem.Kind.TALK: 45, AgendaItem.Kind.SHORT: 15, AgendaItem.Kind.DISCUSSION: 30}

PROPOSAL_FIELDS = ("title", "abstract", "kind", "level", "preferred_months", "speaker_bio")


class TalkRefused(Exception):
    """A change the rules do not allow; ``message`` is fit to show to the person who asked."""

    def __init__(self, message):
        self.message = message
        super().__init__(str(message))


class Decision:
    ACCEPT = "accept"
    DECLINE = "decline"
    CHANGES = "changes"
    STATES = {ACCEPT: State.ACCEPTED, DECLINE: State.DECLINED, CHANGES: State.CHANGES_REQUESTED}


def _now(now):
    return now or timezone.now()


def _check_speaker(member):
    if not member.is_authenticated or not member.is_active:
        raise TalkRefused(_("Log in to propose a talk."))
    if not has_verified_email(member):
        raise TalkRefused(_("Please confirm your email address before you propose a talk: check your inbox."))


def _check_organizer(by, chapter_id):
    if not (by.is_active and can_organize(by, chapter_id)):
        raise TalkRefused(_("Only the chapter's organizers may do this."))


def _locked(proposal):
    return (
        Proposal.objects.select_for_update(of=("self",))
        .select_related("chapter", "speaker")
        .get(pk=proposal.pk)
    )


# Proposals: the speaker's side.


def proposal_submit(*, member, chapter, call=None, now=None, **fields):
    """Record a member's talk proposal for a chapter and tell the chapter's organizers."""
    _check_speaker(member)
    if call is not None and (call.chapter_id != chapter.pk or not call.is_open_at(_now(now))):
        raise TalkRefused(_("This call for speakers is closed; propose your talk without it."))
    values = {name: fields[name] for name in PROPOSAL_FIELDS if name in fields}
    with transaction.atomic():
        proposal = Proposal.objects.create(chapter=chapter, call=call, speaker=member, **values)
        notifications.notify_proposal_submitted(proposal)
    return proposal


def proposal_update(*, proposal, member, **fields):
    """Change a proposal's text while organizers have not decided; a proposal sent back is resubmitted."""
    with transaction.atomic():
        proposal = _locked(proposal)
        if proposal.speaker_id != member.pk:
            raise TalkRefused(_("This proposal is not yours."))
        if not proposal.is_editable:
            raise TalkRefused(_("This proposal can no longer be changed: the organizers have decided."))
        for name in PROPOSAL_FIELDS:
            if name in fields:
                setattr(proposal, name, fields[name])
        resubmitted = proposal.state == State.CHANGES_REQUESTED
        proposal.state = State.SUBMITTED
        proposal.save()
        if resubmitted:
            notifications.notify_proposal_submitted(proposal)
    return proposal


def proposal_withdraw(*, proposal, member):
    """Withdraw a proposal not yet on an agenda."""
    with transaction.atomic():
        proposal = _locked(proposal)
        if proposal.speaker_id != member.pk:
            raise TalkRefused(_("This proposal is not yours."))
        if proposal.state == State.SCHEDULED:
            raise TalkRefused(
                _("This talk is on a meeting's agenda: ask the chapter's organizers to take it off.")
            )
        if not proposal.is_withdrawable:
            raise TalkRefused(_("This proposal is already closed."))
        proposal.state = State.WITHDRAWN
        proposal.save(update_fields=["state", "updated_at"])
    return proposal


# Proposals: the organizers' side.


def proposal_review(*, proposal, by, decision, message="", now=None):
    """Accept, decline or send back a proposal, and email the speaker the decision and message."""
    if decision not in Decision.STATES:
        raise TalkRefused(_("Choose accept, decline or request changes."))
    message = (message or "").strip()
    if decision == Decision.CHANGES and not message:
        raise TalkRefused(_("Say which changes you would like: the speaker reads this message."))
    with transaction.atomic():
        proposal = _locked(proposal)
        _check_organizer(by, proposal.chapter_id)
        if proposal.state not in (State.SUBMITTED, State.CHANGES_REQUESTED):
            raise TalkRefused(
                _("“%(title)s” is %(state)s: only a submitted proposal can be reviewed.")
                % {"title": proposal.title, "state": proposal.get_state_display().lower()}
            )
        proposal.state = Decision.STATES[decision]
        proposal.review_message = message
        proposal.reviewed_by = by
        proposal.reviewed_at = _now(now)
        proposal.save()
        notifications.notify_proposal_reviewed(proposal, message=message)
    return proposal


def upcoming_meetings_for(chapter_id, *, now=None):
    """Return the chapter's meetings a talk can still be placed on: not cancelled, not started."""
    return (
        Meeting.objects.filter(chapter_id=chapter_id, starts_at__gt=_now(now))
        .exclude(status=Meeting.Status.CANCELLED)
        .select_related("chapter")
        .order_by("starts_at", "pk")
    )


def _check_meeting_takes_talks(meeting, chapter_id, now):
    if meeting.chapter_id != chapter_id:
        raise TalkRefused(_("Choose one of this chapter's meetings."))
    if meeting.status == Meeting.Status.CANCELLED or meeting.starts_at <= _now(now):
        raise TalkRefused(_("Choose a meeting that is still to come and not cancelled."))


def _add_to_agenda(meeting, *, title, kind, speaker, bio, description, minutes=None):
    # Placed after the items already there; the organizer reorders in the meeting editor.
    last = meeting.agenda_items.aggregate(last=Max("position"))["last"]
    return AgendaItem.objects.create(
        meeting=meeting,
        position=0 if last is None else last + 1,
        title=title,
        kind=kind,
        speaker=speaker.public_name,
        speaker_bio=bio,
        description=description,
        duration_minutes=minutes or DEFAULT_MINUTES.get(kind, 45),
    )


def proposal_schedule(*, proposal, meeting, by, now=None):
    """Put an accepted proposal on a meeting's agenda, in one step, and tell the speaker."""
    with transaction.atomic():
        proposal = _locked(proposal)
        _check_organizer(by, proposal.chapter_id)
        if proposal.state != State.ACCEPTED:
            raise TalkRefused(
                _("“%(title)s” is %(state)s: accept it before placing it on a meeting.")
                % {"title": proposal.title, "state": proposal.get_state_display().lower()}
            )
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        _check_meeting_takes_talks(meeting, proposal.chapter_id, now)
        proposal.agenda_item = _add_to_agenda(
            meeting,
            title=proposal.title,
            kind=proposal.kind,
            speaker=proposal.speaker,
            bio=proposal.speaker_bio,
            description=proposal.abstract,
        )
        proposal.state = State.SCHEDULED
        proposal.save()
        notifications.notify_proposal_scheduled(proposal, meeting)
    return proposal


# Speaker profiles.


def _unique_slug(member):
    base = slugify(member.public_name)[:60] or "speaker"
    slug, n = base, 1
    while SpeakerProfile.objects.filter(slug=slug).exclude(member=member).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def speaker_profile_save(*, member, bio, is_public, photo=None, clear_photo=False, now=None):
    """Create or change a member's speaker profile; going public records the consent's time."""
    with transaction.atomic():
        profile = SpeakerProfile.objects.select_for_update().filter(member=member).first()
        if profile is None:
            profile = SpeakerProfile(member=member, slug=_unique_slug(member))
        profile.bio = bio
        if photo is not None:
            profile.photo = photo
        elif clear_photo:
            profile.photo = None
        if is_public and not profile.is_public:
            profile.public_consent_at = _now(now)
        elif not is_public:
            profile.public_consent_at = None
        profile.is_public = is_public
        profile.save()
    return profile


# Tours.


def tour_create(*, speaker, title, abstract, kind, duration_minutes, available_from, available_to):
    """Offer a talk to every chapter for a span of dates."""
    _check_speaker(speaker)
    if available_to < available_from:
        raise TalkRefused(_("The last available date must be on or after the first."))
    return Tour.objects.create(
        speaker=speaker,
        title=title,
        abstract=abstract,
        kind=kind,
        duration_minutes=duration_minutes,
        available_from=available_from,
        available_to=available_to,
    )


def tour_request(*, tour, meeting, by, now=None):
    """Ask the tour's speaker to give the talk at one of the requesting organizer's meetings."""
    _check_organizer(by, meeting.chapter_id)
    _check_meeting_takes_talks(meeting, meeting.chapter_id, now)
    day = meeting.local_starts_at.date()
    if not tour.available_from <= day <= tour.available_to:
        raise TalkRefused(
            _("The speaker is available from %(first)s to %(last)s; this meeting is on %(day)s.")
            % {"first": tour.available_from, "last": tour.available_to, "day": day}
        )
    try:
        with transaction.atomic():
            stop = TourStop.objects.create(
                tour=tour, chapter=meeting.chapter, meeting=meeting, requested_by=by
            )
            notifications.notify_tour_requested(stop)
    except IntegrityError as error:
        raise TalkRefused(
            _("%(chapter)s already asked for this talk; wait for the speaker's answer.")
            % {"chapter": meeting.chapter.name}
        ) from error
    return stop


def tour_stop_answer(*, stop, member, accept, now=None):
    """Accept or decline a chapter's request; accepting puts the talk on that meeting's agenda."""
    with transaction.atomic():
        stop = (
            TourStop.objects.select_for_update(of=("self",))
            .select_related("tour", "chapter", "requested_by")
            .get(pk=stop.pk)
        )
        tour = stop.tour
        if tour.speaker_id != member.pk:
            raise TalkRefused(_("This request is for another speaker."))
        if stop.state != TourStop.State.REQUESTED:
            raise TalkRefused(_("You answered this request already."))
        if accept:
            if stop.meeting_id is None:
                raise TalkRefused(_("The meeting of this request no longer exists; decline it."))
            meeting = (
                Meeting.objects.select_for_update(of=("self",))
                .select_related("chapter")
                .get(pk=stop.meeting_id)
            )
            _check_meeting_takes_talks(meeting, stop.chapter_id, now)
            item = _add_to_agenda(
                meeting,
                title=tour.title,
                kind=tour.kind,
                speaker=member,
                bio=_bio_of(member),
                description=tour.abstract,
                minutes=tour.duration_minutes,
            )
            stop.proposal = Proposal.objects.create(
                chapter=stop.chapter,
                speaker=member,
                title=tour.title,
                abstract=tour.abstract,
                kind=tour.kind,
                speaker_bio=item.speaker_bio,
                state=State.SCHEDULED,
                agenda_item=item,
                reviewed_by=stop.requested_by,
                reviewed_at=_now(now),
            )
        stop.state = TourStop.State.ACCEPTED if accept else TourStop.State.DECLINED
        stop.answered_at = _now(now)
        stop.save()
        notifications.notify_tour_answered(stop)
    return stop


def _bio_of(member):
    profile = SpeakerProfile.objects.filter(member=member).only("bio").first()
    return (profile.bio if profile else "") or member.bio


def months_ahead(*, count=12, today=None):
    """Return the next `count` months as "YYYY-MM", this month first (the choices a speaker picks from)."""
    day = today or timezone.localdate()
    first = day.year * 12 + day.month - 1  # months since January of year 0
    return [datetime.date(index // 12, index % 12 + 1, 1) for index in range(first, first + count)]
