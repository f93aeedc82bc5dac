"""A member's own pages: dashboard, profile and consents, data export, closing the account."""

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from itprosig.page_cache import cache_member_page
from meetings import member_feed
from meetings import selectors as meeting_selectors

from . import selectors
from .calendar_feed import member_calendar_token_renew, member_for_calendar_token
from .forms import DeleteAccountForm, ProfileForm
from .services import PROFILE_FIELDS, member_close_account, member_profile_update


@login_required
@cache_member_page
def me(request):
    member = request.user
    return render(
        request,
        "members/me.html",
        {
            "memberships": selectors.memberships_of(member),
            "upcoming_rsvps": member_feed.member_upcoming_tickets(member),
            "calendar_feed_url": _calendar_feed_url(member),
            "past_rsvps": meeting_selectors.member_past_rsvps(member),
            "interests": member.chapter_interests.select_related("chapter").order_by("chapter__name"),
        },
    )


def _calendar_feed_url(member):
    # Calendar apps read the feed, not this browser: give them the site's own address.
    path = reverse("members:calendar_feed", kwargs={"token": member.calendar_token})
    return f"{settings.SITE_URL}{path}"


def calendar_feed(request, token):
    """The member's personal feed; the secret in the address stands in for a login."""
    member = member_for_calendar_token(token)
    if member is None:
        raise Http404
    with translation.override(member.preferred_language):
        body = member_feed.member_feed_ics(member)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def calendar_feed_renew(request):
    member_calendar_token_renew(request.user)
    messages.success(request, _("Your calendar feed has a new address; the old one no longer works."))
    return redirect(reverse("members:me") + "#calendar-heading")


@login_required
def profile(request):
    member = request.user
    form = ProfileForm(request.POST if request.method == "POST" else None, instance=member)
    if form.is_valid():
        member_profile_update(member=member, **{name: form.cleaned_data[name] for name in PROFILE_FIELDS})
        # The page follows the language the member just chose.
        with translation.override(member.preferred_language):
            messages.success(request, _("Your profile is saved."))
            return redirect(reverse("members:profile"))
    if form.is_bound:
        # The form changed the instance while validating: show the page with the stored values.
        member.refresh_from_db()
    return render(request, "members/profile.html", {"form": form})


@login_required
def export(request):
    member = request.user
    data = selectors.member_export(member)
    data["rsvps"] = meeting_selectors.member_rsvp_export(member)
    data["exported_at"] = timezone.now().isoformat()
    response = HttpResponse(
        json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="itprosig-my-data.json"'
    return response


@login_required
def delete(request):
    member = request.user
    form = DeleteAccountForm(request.POST if request.method == "POST" else None, member=member)
    if form.is_valid():
        member_close_account(member=member)
        logout(request)
        messages.success(request, _("Your account is closed and your personal data erased. Goodbye!"))
        return redirect("chapters:home")
    return render(request, "members/delete.html", {"form": form})
