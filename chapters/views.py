"""Public chapter pages, the network home, and joining or leaving a chapter."""

import datetime
from functools import partial, wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from community import selectors as community_selectors
from itprosig.page_cache import cache_anonymous_page, shared_data, when_drawn
from meetings import selectors as meeting_selectors
from meetings.calendar import build_calendar
from meetings.filters import MeetingFilterForm
from meetings.views import meeting_lists
from members import selectors as member_selectors
from members.forms import JoinForm
from members.services import (
    MembershipRefused,
    chapter_interest_add,
    chapter_interest_remove,
    membership_join,
    membership_leave,
)

from . import selectors
from .models import Chapter, ChapterInterest

HOME_UPCOMING = 12
HOME_MY_RSVPS = 3
# A feed holds what calendars need: everything upcoming and about a year of history.
FEED_PAST_DAYS = 400


@cache_anonymous_page
def home(request):
    chapters = shared_data(request, "chapters", lambda: list(selectors.chapters_with_counts()))
    active = [c for c in chapters if not c.is_forming]
    # Only the filters' own parameters bind the form: the shared list is kept under their values.
    chosen = {name: request.GET[name] for name in MeetingFilterForm.base_fields if name in request.GET}
    filters = when_drawn(
        lambda: MeetingFilterForm(
            chosen or None, chapters=active, topics=list(meeting_selectors.topics_with_counts())
        )
    )
    context = {
        "active_chapters": active,
        "forming_chapters": [c for c in chapters if c.is_forming],
        "filters_key": sorted(chosen.items()),
        "filters": filters,
        "upcoming": when_drawn(
            lambda: filters().apply(meeting_selectors.upcoming_meetings())[:HOME_UPCOMING]
        ),
        "chosen_chapter": when_drawn(lambda: filters().chosen_chapter()),
    }
    if request.user.is_authenticated:
        member_chapter_ids = set(
            member_selectors.memberships_of(request.user).values_list("chapter_id", flat=True)
        )
        context["my_chapters"] = [c for c in active if c.pk in member_chapter_ids]
        context["my_rsvps"] = meeting_selectors.member_upcoming_rsvps(request.user)[:HOME_MY_RSVPS]
    return render(request, "chapters/home.html", context)


@cache_anonymous_page
def chapter_list(request):
    chapters = list(selectors.chapters_with_counts())
    return render(
        request,
        "chapters/chapter_list.html",
        {
            "active_chapters": [c for c in chapters if not c.is_forming],
            "forming_chapters": [c for c in chapters if c.is_forming],
        },
    )


@cache_anonymous_page
def chapter_detail(request, slug):
    chapter = shared_data(request, f"chapter:{slug}", partial(selectors.chapter_with_counts, slug))
    if chapter is None:
        raise Http404("No such chapter.")
    panel = when_drawn(community_selectors.chapter_panel, chapter)
    context = {
        "chapter": chapter,
        # What every reader sees alike, read only when its fragment is drawn (itprosig.page_cache).
        "organizers": when_drawn(lambda: list(selectors.chapter_organizers(chapter))),
        "sponsorships": when_drawn(selectors.current_sponsorships, chapter),
        **meeting_lists(request, chapter=chapter),
        "open_polls": when_drawn(lambda: panel()[0]),
        "volunteers_thanked": when_drawn(lambda: panel()[1]),
        # The reader's own.
        "membership": member_selectors.membership_of(request.user, chapter),
        "join_form": JoinForm(),
    }
    if chapter.is_forming and request.user.is_authenticated:
        context["counted_in"] = ChapterInterest.objects.filter(chapter=chapter, user=request.user).exists()
    return render(request, "chapters/chapter_detail.html", context)


@cache_anonymous_page
def chapter_calendar(request, slug):
    chapter = get_object_or_404(Chapter, slug=slug)
    since = timezone.now() - datetime.timedelta(days=FEED_PAST_DAYS)
    meetings = (
        meeting_selectors.with_topics(meeting_selectors.public_meetings())
        .filter(chapter=chapter, ends_at__gte=since)
        .prefetch_related("agenda_items")
        .order_by("starts_at")
    )
    calendar = build_calendar(meetings, name=chapter.name)
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{chapter.slug}.ics"'
    return response


def member_post(view):
    """Let a logged-in member's POST through; send a GET to the chapter page and a visitor to log in.

    The view returns the message to show (level, text); the member is then sent back to the chapter.
    """

    @wraps(view)
    def wrapped(request, slug):
        chapter = get_object_or_404(Chapter, slug=slug)
        if request.method != "POST":
            return redirect(chapter)
        if not request.user.is_authenticated:
            return redirect_to_login(chapter.get_absolute_url())
        level, text = view(request, chapter)
        messages.add_message(request, level, text)
        return redirect(chapter)

    return wrapped


@member_post
def chapter_join(request, chapter):
    form = JoinForm(request.POST)
    if not form.is_valid():
        return messages.ERROR, _("Your choice could not be read; please try again.")
    try:
        _membership, created = membership_join(
            member=request.user, chapter=chapter, newsletter=form.cleaned_data["newsletter"]
        )
    except MembershipRefused as refused:
        return messages.ERROR, refused.message
    if created:
        return messages.SUCCESS, _("Welcome to %(chapter)s!") % {"chapter": chapter.name}
    return messages.INFO, _("You are a member of %(chapter)s.") % {"chapter": chapter.name}


@member_post
def chapter_leave(request, chapter):
    if membership_leave(member=request.user, chapter=chapter):
        return messages.SUCCESS, _("You have left %(chapter)s.") % {"chapter": chapter.name}
    return messages.INFO, _("You were not a member of %(chapter)s.") % {"chapter": chapter.name}


@member_post
def chapter_interest(request, chapter):
    if request.POST.get("action") == "withdraw":
        chapter_interest_remove(member=request.user, chapter=chapter)
        return messages.INFO, _("You are no longer counted in for %(chapter)s.") % {"chapter": chapter.name}
    try:
        chapter_interest_add(member=request.user, chapter=chapter)
    except MembershipRefused as refused:
        return messages.ERROR, refused.message
    return messages.SUCCESS, _(
        "Thank you: you are counted in for %(chapter)s. We will write when it starts meeting."
    ) % {"chapter": chapter.name}
