"""Door check-in pages: a phone-friendly list with one tap per member, walk-ins and guests.

Every form posts and redirects, so the pages work without JavaScript; `static/js/checkin.js`
turns the taps into background requests (answered with JSON) and refreshes the totals.
"""

import base64

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from chapters.rules import can_check_in, can_organize
from itprosig.validators import has_control_characters
from meetings.checkin.forms import CheckInToggleForm, DoorSearchForm, GuestsForm, WalkInForm, first_error
from meetings.checkin.links import checkin_qr_png, guest_id_from_invite, rsvp_id_from_token
from meetings.checkin.selectors import checkin_meeting, checkin_totals, door_people
from meetings.checkin.services import (
    CheckInError,
    checkin_closes_at,
    checkin_is_closed,
    checkin_is_open,
    meeting_guests_adjust,
    meeting_walk_in,
    rsvp_check_in,
    rsvp_check_in_undo,
)
from meetings.models import RSVP, WalkInGuest


def _meeting_for(request, meeting_id):
    meeting = checkin_meeting(meeting_id)
    if meeting is None:
        raise Http404(_("No such meeting."))
    if not can_check_in(request.user, meeting.chapter_id):
        raise PermissionDenied(_("You may not check people in at this chapter's meetings."))
    return meeting


def _list_url(meeting, query=""):
    url = reverse("checkin:meeting", kwargs={"meeting_id": meeting.pk})
    return f"{url}?{urlencode({'q': query})}" if query else url


def _back(request, meeting):
    target = request.POST.get("next", "")
    if (
        target
        and not has_control_characters(target)
        and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})
    ):
        return HttpResponseRedirect(target)
    return HttpResponseRedirect(_list_url(meeting))


def _last_result_key(meeting):
    return f"checkin_last_result_{meeting.pk}"


def _answer(request, meeting, *, message, ok=True, rsvp=None, status=200):
    """Answer a check-in POST: JSON for the page's script, otherwise a redirect to the same page."""
    # The door page shows the last result beside its forms, and still after a reload: a volunteer
    # who looked away (or whose phone reloaded the page) can read what the last tap did.
    request.session[_last_result_key(meeting)] = {"message": str(message), "ok": ok}
    if request.headers.get("x-requested-with") == "fetch":
        body = {"ok": ok, "message": message, "totals": checkin_totals(meeting)}
        if rsvp is not None:
            body["rsvp"] = {"id": rsvp.pk, "checked_in": rsvp.checked_in_at is not None}
        return JsonResponse(body, status=status)
    return _back(request, meeting)


def _door_action(request, meeting, form, act):
    """Answer a door POST: `act(cleaned data)` does it and returns (message, RSVP or None).

    A bad form or a refused check-in is answered with its message and a 400.
    """
    if not form.is_valid():
        return _answer(request, meeting, message=first_error(form), ok=False, status=400)
    try:
        message, rsvp = act(form.cleaned_data)
    except CheckInError as error:
        return _answer(request, meeting, message=error.message, ok=False, status=400)
    return _answer(request, meeting, message=message, rsvp=rsvp)


def _door_context(request, meeting):
    """Return what the door pages say about the door: open for this reader, closed to volunteers."""
    return {
        "totals": checkin_totals(meeting),
        "door_open": checkin_is_open(meeting, by=request.user),
        "door_closed": checkin_is_closed(meeting),
        "door_closes_at": checkin_closes_at(meeting),
        "organizer": can_organize(request.user, meeting.chapter_id),
        "last_result": request.session.get(_last_result_key(meeting)),
    }


@login_required
@require_GET
def meeting_checkin(request, meeting_id):
    meeting = _meeting_for(request, meeting_id)
    search = DoorSearchForm(request.GET)
    status, query, search_error = 200, "", None
    if search.is_valid():
        query = search.cleaned_data["q"]
    else:
        status, search_error = 400, first_error(search)
    rsvps = door_people(meeting, query=query)
    context = {
        "meeting": meeting,
        "rsvps": rsvps,
        "query": query,
        "query_is_email": "@" in query,
        "search_error": search_error,
        "here": _list_url(meeting, query),
        **_door_context(request, meeting),
    }
    return render(request, "meetings/checkin/meeting.html", context, status=status)


@login_required
@require_GET
def meeting_totals(request, meeting_id):
    meeting = _meeting_for(request, meeting_id)
    return JsonResponse({"totals": checkin_totals(meeting)})


@require_GET
def rsvp_from_code(request, meeting_id, token):
    """The page a QR code opens.

    A volunteer or organizer of the chapter gets that member and one big button. Anyone else (the
    member opening the link from their email, most often) gets the code to show at the door.
    """
    meeting = checkin_meeting(meeting_id)
    rsvp_id = rsvp_id_from_token(token)
    rsvp = None
    if meeting is not None and rsvp_id is not None:
        rsvp = RSVP.objects.select_related("member").filter(pk=rsvp_id, meeting=meeting).first()
    if rsvp is None:
        raise Http404(_("This check-in code is not valid for this meeting."))
    if not can_check_in(request.user, meeting.chapter_id):
        context = {
            "meeting": meeting,
            "rsvp": rsvp,
            "is_holder": request.user.is_authenticated and request.user.pk == rsvp.member_id,
            "qr_code": "data:image/png;base64," + base64.b64encode(checkin_qr_png(rsvp)).decode("ascii"),
        }
        return render(request, "meetings/checkin/ticket.html", context)
    context = {
        "meeting": meeting,
        "rsvp": rsvp,
        "here": request.get_full_path(),
        **_door_context(request, meeting),
    }
    return render(request, "meetings/checkin/rsvp.html", context)


@login_required
@require_POST
def rsvp_toggle(request, meeting_id, rsvp_id):
    meeting = _meeting_for(request, meeting_id)
    rsvp = RSVP.objects.select_related("member", "meeting").filter(pk=rsvp_id, meeting=meeting).first()
    if rsvp is None:
        raise Http404(_("No such RSVP at this meeting."))
    name = {"name": rsvp.member.public_name}

    def toggle(data):
        if data["action"] == "in":
            return _("%(name)s is checked in.") % name, rsvp_check_in(rsvp=rsvp, by=request.user)
        return _("Check-in of %(name)s undone.") % name, rsvp_check_in_undo(rsvp=rsvp, by=request.user)

    return _door_action(request, meeting, CheckInToggleForm(request.POST), toggle)


@login_required
@require_POST
def meeting_walk_in_view(request, meeting_id):
    meeting = _meeting_for(request, meeting_id)

    def walk_in(data):
        done = meeting_walk_in(meeting=meeting, email=data["email"], name=data["name"], by=request.user)
        # Only what the volunteer typed is echoed: nothing about an account shows at the door.
        typed = {"email": data["email"].strip().lower()}
        if done.rsvp is not None and done.created:
            message = _("%(email)s is a member of this chapter and is checked in.") % typed
        elif done.rsvp is not None:
            message = _("%(email)s was already checked in.") % typed
        elif done.created:
            message = _("%(email)s is counted as a guest.") % typed
        else:
            message = _("%(email)s was already counted as a guest.") % typed
        return message, done.rsvp

    return _door_action(request, meeting, WalkInForm(request.POST), walk_in)


@login_required
@require_POST
def meeting_guests(request, meeting_id):
    meeting = _meeting_for(request, meeting_id)

    def add_guests(data):
        count = meeting_guests_adjust(meeting=meeting, delta=data["delta"], by=request.user)
        return ngettext("%(count)s guest so far.", "%(count)s guests so far.", count) % {"count": count}, None

    return _door_action(request, meeting, GuestsForm(request.POST), add_guests)


@require_GET
def guest_invitation(request, token):
    """The page a walk-in guest's invitation opens: the chapter, and how to sign up and join it."""
    guest_id = guest_id_from_invite(token)
    guest = None
    if guest_id is not None:
        guest = WalkInGuest.objects.select_related("meeting__chapter").filter(pk=guest_id).first()
    if guest is None:
        raise Http404(_("This invitation link is not valid, or it has expired."))
    chapter = guest.meeting.chapter
    return render(request, "meetings/checkin/join.html", {"chapter": chapter, "guest": guest})
