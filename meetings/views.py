"""Meeting and topic pages, RSVPs, and single-meeting calendar files."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from chapters.rules import can_check_in
from community.selectors import has_volunteer_roles
from itprosig.page_cache import cache_anonymous_page, page_key, shared_data, when_drawn
from members.selectors import has_verified_email
from speakers.selectors import attach_speaker_profiles

from . import selectors
from .calendar import build_calendar, google_calendar_url
from .forms import RSVPForm
from .jsonld import as_script, meeting_event
from .models import RSVP
from .page_states import CANCELLED, FULL, UPCOMING, address_lines, agenda_with_times, map_url, meeting_state
from .services import RSVPRefused, rsvp_cancel, rsvp_going, rsvp_not_going, rsvp_refusal

UPCOMING_LISTED = 24
PAST_PER_PAGE = 12


def meeting_lists(request, **filters):
    """Return a page's upcoming meetings and its page of past ones (`filters`: chapter=..., topics=...).

    Read only when the shared fragment showing them is drawn (itprosig.page_cache).
    """
    page = request.GET.get("page")
    return {
        "upcoming": when_drawn(lambda: selectors.upcoming_meetings(**filters)[:UPCOMING_LISTED]),
        "past": when_drawn(
            lambda: Paginator(selectors.past_meetings(**filters), PAST_PER_PAGE).get_page(page)
        ),
        "past_key": page_key(page),
    }


@cache_anonymous_page
def meeting_detail(request, slug, pk):
    user = request.user
    meeting = shared_data(request, f"meeting:{pk}", partial(selectors.meeting_with_counts, pk))
    meeting = selectors.page_meeting(meeting, slug=slug, user=user)
    counts = selectors.seat_counts(meeting)
    rsvp = selectors.reader_answer(meeting, user)
    state = meeting_state(meeting, counts)
    # Each talk's speaker links to their public profile, when they gave consent for one.
    items = when_drawn(attach_speaker_profiles, meeting.agenda_items.all())
    context = {
        "meeting": meeting,
        "chapter": meeting.chapter,
        "state": state,
        "counts": counts,
        "rsvp": rsvp,
        "rsvp_refusal": rsvp_refusal(meeting),
        "show_online_link": bool(
            state in (UPCOMING, FULL) and rsvp and rsvp["status"] == RSVP.Status.GOING and meeting.online_url
        ),
        "can_check_in": state != CANCELLED
        and user.is_authenticated
        and can_check_in(user, meeting.chapter_id),
        # What every reader sees alike, read only when its fragment is drawn (itprosig.page_cache).
        "agenda": when_drawn(lambda: agenda_with_times(meeting, items())),
        "attendees": when_drawn(selectors.listed_attendees, meeting) if state in (UPCOMING, FULL) else [],
        "jsonld": when_drawn(lambda: as_script(meeting_event(meeting, counts=counts, agenda_items=items()))),
        "has_volunteer_roles": when_drawn(has_volunteer_roles, meeting),
        "google_calendar_url": when_drawn(google_calendar_url, meeting),
        "address_lines": when_drawn(address_lines, meeting.venue) if meeting.venue else [],
        "map_url": when_drawn(map_url, meeting.venue) if meeting.venue else "",
    }
    return render(request, "meetings/meeting_detail.html", context)


def meeting_rsvp(request, slug, pk):
    meeting = selectors.meeting_to_answer(slug=slug, pk=pk, user=request.user)
    if request.method != "POST":
        return redirect(meeting)
    if not request.user.is_authenticated:
        return redirect_to_login(meeting.get_absolute_url())
    if not has_verified_email(request.user):
        messages.error(request, _("Please confirm your email address before you RSVP: check your inbox."))
        return redirect(meeting)
    form = RSVPForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose “Going” or “Not going”."))
        return redirect(meeting)
    answer = form.cleaned_data["answer"]
    try:
        if answer == RSVPForm.GOING:
            rsvp = rsvp_going(meeting=meeting, member=request.user)
        elif answer == RSVPForm.NOT_GOING:
            rsvp = rsvp_not_going(meeting=meeting, member=request.user)
        else:
            rsvp = rsvp_cancel(meeting=meeting, member=request.user)
    except RSVPRefused as refused:
        messages.error(request, refused.message)
        return redirect(meeting)
    messages.success(request, _answer_message(rsvp))
    return redirect(meeting)


def _answer_message(rsvp):
    if rsvp.status == RSVP.Status.GOING:
        return _("You are going. See you there!")
    if rsvp.status == RSVP.Status.WAITLISTED:
        return _("The meeting is full: you are on the waitlist, and we will email you if a seat frees up.")
    return _("Thanks for letting us know you are not coming.")


@cache_anonymous_page
def meeting_ics(request, slug, pk):
    meeting = selectors.page_meeting(selectors.meeting_with_counts(pk), slug=slug, user=request.user)
    calendar = build_calendar([meeting], name=meeting.chapter.name)
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{meeting.chapter.slug}-{meeting.pk}.ics"'
    return response


@cache_anonymous_page
def topic_list(request):
    return render(request, "meetings/topic_list.html", {"topics": when_drawn(selectors.topics_with_counts)})


@cache_anonymous_page
def topic_detail(request, slug):
    topic = shared_data(request, f"topic:{slug}", partial(selectors.topic_named, slug))
    if topic is None:
        raise Http404("No such topic.")
    context = {"topic": topic, **meeting_lists(request, topics=topic)}
    return render(request, "meetings/topic_detail.html", context)
