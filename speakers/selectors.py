"""Read-side queries for talk pages, each a fixed number of queries whatever the data size."""

import datetime

from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from chapters.rules import organized_chapter_ids
from meetings.models import Meeting

from .models import CallForSpeakers, Proposal, SpeakerProfile, Tour, TourStop

# Meetings a talk given may link to: published ones (a draft's page is for organizers only).
PUBLIC_MEETING_STATUSES = (Meeting.Status.SCHEDULED,)
_ONE_DAY = datetime.timedelta(days=1)


def open_calls(chapter, *, now=None):
    now = now or timezone.now()
    return (
        CallForSpeakers.objects.filter(chapter=chapter, opens_at__lte=now, closes_at__gt=now)
        .select_related("meeting", "topic")
        .order_by("closes_at", "pk")
    )


def my_proposals(member):
    """Return the member's own proposals, newest first, with where each one stands."""
    return (
        Proposal.objects.filter(speaker=member)
        .select_related("chapter", "call", "agenda_item__meeting__chapter")
        .order_by("-created_at", "-pk")
    )


def my_proposal(member, pk):
    """Return one of the member's proposals, or 404: nobody else's proposal is ever shown here."""
    return get_object_or_404(Proposal.objects.select_related("chapter", "call"), pk=pk, speaker=member)


def my_tours(member):
    """Return the member's tours with their stops (chapter, meeting) in two queries."""
    stops = TourStop.objects.select_related("chapter", "meeting__chapter", "requested_by").order_by(
        "requested_at", "pk"
    )
    return (
        Tour.objects.filter(speaker=member)
        .prefetch_related(Prefetch("stops", queryset=stops))
        .order_by("-available_from", "-pk")
    )


def profile_of(member):
    if not member.is_authenticated:
        return None
    return SpeakerProfile.objects.filter(member=member).first()


def public_profiles():
    # A closed account's profile is never shown, whatever its flag says.
    return SpeakerProfile.objects.filter(is_public=True, member__is_active=True)


def public_profile(slug):
    """Return a speaker's profile for its public page, or 404 when the speaker has not consented."""
    return get_object_or_404(public_profiles().select_related("member"), slug=slug)


def talks_given(member):
    """Return the member's talks placed on published meetings, latest first, with meeting and chapter."""
    return (
        Proposal.objects.filter(
            speaker=member,
            state=Proposal.State.SCHEDULED,
            agenda_item__meeting__status__in=PUBLIC_MEETING_STATUSES,
        )
        .select_related("agenda_item__meeting__chapter")
        .order_by("-agenda_item__meeting__starts_at", "-pk")
    )


def public_tours_of(member):
    return Tour.objects.filter(speaker=member).order_by("-available_from", "-pk")


def tours_on_offer(*, today=None):
    """Return tours still available, soonest first, with the speaker."""
    today = today or timezone.localdate()
    return (
        Tour.objects.filter(available_to__gte=today)
        .select_related("speaker")
        .order_by("available_from", "pk")
    )


def tour_for_page(pk):
    stops = (
        TourStop.objects.exclude(state=TourStop.State.DECLINED)
        .select_related("chapter", "meeting__chapter")
        .order_by("meeting__starts_at", "pk")
    )
    tour = get_object_or_404(
        Tour.objects.select_related("speaker").prefetch_related(Prefetch("stops", queryset=stops)), pk=pk
    )
    if not tour.speaker.is_active:
        raise Http404
    return tour


def speaker_profile_url(member):
    """Return the public profile's address of a member, or "" without consent."""
    profile = public_profiles().filter(member=member).only("slug").first()
    return profile.get_absolute_url() if profile else ""


def attach_speaker_profiles(agenda_items):
    """Set `speaker_profile_url` on each agenda item: its speaker's public profile, or "".

    One query for the whole agenda; the meeting page runs it only when it draws its shared part.
    """
    items = list(agenda_items)
    links = (
        dict(
            public_profiles()
            .filter(member__talk_proposals__agenda_item__in=[item.pk for item in items])
            .values_list("member__talk_proposals__agenda_item", "slug")
        )
        if items
        else {}
    )
    for item in items:
        slug = links.get(item.pk)
        item.speaker_profile_url = reverse("speakers:profile", kwargs={"slug": slug}) if slug else ""
    return items


def meetings_to_request(user, tour, *, now=None):
    """Return the meetings this organizer could ask the tour's speaker to: theirs, upcoming, in range."""
    now = now or timezone.now()
    qs = Meeting.objects.filter(starts_at__gt=now).exclude(status=Meeting.Status.CANCELLED)
    if not user.is_superuser:
        qs = qs.filter(chapter_id__in=organized_chapter_ids(user))
    asked = TourStop.objects.filter(tour=tour, state__in=[TourStop.State.REQUESTED, TourStop.State.ACCEPTED])
    qs = qs.exclude(chapter_id__in=asked.values("chapter_id"))
    meetings = qs.select_related("chapter").order_by("starts_at", "pk")
    # Availability is in dates; each chapter's meetings are compared in the chapter's own zone.
    return [
        m
        for m in meetings.filter(
            starts_at__date__gte=tour.available_from - _ONE_DAY,
            starts_at__date__lte=tour.available_to + _ONE_DAY,
        )
        if tour.available_from <= m.local_starts_at.date() <= tour.available_to
    ]
