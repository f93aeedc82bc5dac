"""One meeting's RSVP list in the admin: totals, filters, promote, mark attended, walk-ins, CSV.

Organizers of the meeting's chapter only (the admin lets organizers in; each view checks the
chapter). Every change goes through a service that checks the permission again and records what it
did: promotions email the member, attendance corrections are CheckInChange rows with who and when.
The URLs hang under the walk-in guests' admin (meetings/checkin/admin.py).
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Case, IntegerField, When
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from chapters.rules import can_organize
from itprosig.validators import has_control_characters
from meetings.checkin.selectors import checkin_totals, search_rsvps
from meetings.checkin.services import (
    CheckInError,
    checkin_is_closed,
    rsvp_check_in,
    rsvp_check_in_undo,
    walk_in_guest_invite,
)
from meetings.exports import rsvps_csv_response
from meetings.models import RSVP, Meeting, WalkInGuest
from meetings.services.rsvp import RSVPRefused, rsvp_promote

#: The most rows the page shows; the CSV has them all.
LIST_LIMIT = 500


class RSVPListFilter(forms.Form):
    """What the list is narrowed to; a bad value is ignored (the whole list), never an error page."""

    status = forms.ChoiceField(
        label=gettext_lazy("Answer"),
        required=False,
        choices=[("", gettext_lazy("All answers")), *RSVP.Status.choices],
    )
    attended = forms.ChoiceField(
        label=gettext_lazy("Attendance"),
        required=False,
        choices=[
            ("", gettext_lazy("Everyone")),
            ("yes", gettext_lazy("Checked in")),
            ("no", gettext_lazy("Not checked in")),
        ],
    )
    q = forms.CharField(label=gettext_lazy("Name or email"), required=False, max_length=100)

    def clean_q(self):
        query = self.cleaned_data["q"].strip()
        if has_control_characters(query):
            raise forms.ValidationError(_("Type part of a name or an email address."))
        return query

    def filters(self):
        """Return the valid filters as a dict (empty values left out)."""
        if not self.is_valid():
            return {}
        return {key: value for key, value in self.cleaned_data.items() if value}


def rsvp_list_rows(meeting, *, status="", attended="", q=""):
    """Return the meeting's RSVPs narrowed by the filters, waitlist first in its order, then by name."""
    qs = RSVP.objects.filter(meeting=meeting).select_related("member", "checked_in_by")
    if status:
        qs = qs.filter(status=status)
    if attended == "yes":
        qs = qs.filter(checked_in_at__isnull=False)
    elif attended == "no":
        qs = qs.filter(checked_in_at__isnull=True)
    return (
        search_rsvps(qs, q)
        .annotate(
            status_order=Case(
                When(status=RSVP.Status.GOING, then=0),
                When(status=RSVP.Status.WAITLISTED, then=1),
                default=2,
                output_field=IntegerField(),
            ),
        )
        .order_by("status_order", "waitlisted_at", "sort_name", "pk")
    )


def _meeting_for(request, meeting_id):
    meeting = Meeting.objects.select_related("chapter", "venue").filter(pk=meeting_id).first()
    if meeting is None:
        raise Http404(_("No such meeting."))
    if not can_organize(request.user, meeting.chapter_id):
        raise PermissionDenied(_("Only the chapter's organizers may read this RSVP list."))
    return meeting


def _url(name, meeting, filters):
    """Return the URL of one of the list's pages for this meeting, with the filters it shows."""
    url = reverse(name, kwargs={"meeting_id": meeting.pk})
    return f"{url}?{urlencode(filters)}" if filters else url


def _back(request, meeting):
    # The filters the organizer was looking at come back with the POST, so the list stays as it was.
    return HttpResponseRedirect(
        _url("admin:meetings_rsvp_list", meeting, RSVPListFilter(request.POST).filters())
    )


def rsvp_list_view(request, meeting_id, *, admin_site):
    meeting = _meeting_for(request, meeting_id)
    form = RSVPListFilter(request.GET)
    filters = form.filters()
    rows = list(rsvp_list_rows(meeting, **filters)[:LIST_LIMIT])
    totals = checkin_totals(meeting)
    context = {
        **admin_site.each_context(request),
        "title": _("RSVPs: %(title)s") % {"title": meeting.title},
        "meeting": meeting,
        "form": form,
        "filters": filters,
        "rows": rows,
        "limited": len(rows) == LIST_LIMIT,
        "totals": totals,
        "over_capacity": meeting.capacity is not None and totals["going"] > meeting.capacity,
        "guests": list(WalkInGuest.objects.filter(meeting=meeting).order_by("added_at", "pk")),
        "door_closed": checkin_is_closed(meeting),
        "csv_url": _url("admin:meetings_rsvp_csv", meeting, filters),
    }
    return TemplateResponse(request, "admin/meetings/rsvp/list.html", context)


def rsvp_list_csv_view(request, meeting_id, *, admin_site):
    meeting = _meeting_for(request, meeting_id)
    filters = RSVPListFilter(request.GET).filters()
    return rsvps_csv_response(rsvp_list_rows(meeting, **filters), filename=f"rsvps-meeting-{meeting.pk}.csv")


def _posted(request, meeting, objects, field, not_found):
    """Return the object of this meeting among `objects` whose id the POST names in `field`, or 404."""
    if request.method != "POST":
        raise PermissionDenied
    pk = request.POST.get(field, "")
    found = objects.filter(pk=int(pk), meeting=meeting).first() if pk.isdigit() else None
    if found is None:
        raise Http404(not_found)
    found.meeting = meeting
    return found


def _rsvp_posted(request, meeting):
    return _posted(
        request, meeting, RSVP.objects.select_related("member"), "rsvp", _("No such RSVP at this meeting.")
    )


def rsvp_promote_view(request, meeting_id, *, admin_site):
    meeting = _meeting_for(request, meeting_id)
    rsvp = _rsvp_posted(request, meeting)
    try:
        rsvp_promote(rsvp=rsvp, by=request.user)
    except RSVPRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(
            request,
            _("%(name)s is now going and was told by email.") % {"name": rsvp.member.public_name},
        )
    return _back(request, meeting)


def rsvp_attended_view(request, meeting_id, *, admin_site):
    """Mark a member attended (or not) after the fact; the check-in service logs who and when."""
    meeting = _meeting_for(request, meeting_id)
    rsvp = _rsvp_posted(request, meeting)
    name = rsvp.member.public_name
    try:
        if request.POST.get("action") == "undo":
            rsvp_check_in_undo(rsvp=rsvp, by=request.user)
            messages.success(request, _("%(name)s is no longer marked as attended.") % {"name": name})
        else:
            rsvp_check_in(rsvp=rsvp, by=request.user)
            messages.success(request, _("%(name)s is marked as attended.") % {"name": name})
    except CheckInError as error:
        messages.error(request, error.message)
    return _back(request, meeting)


def guest_invite_view(request, meeting_id, *, admin_site):
    meeting = _meeting_for(request, meeting_id)
    guest = _posted(request, meeting, WalkInGuest.objects, "guest", _("No such guest at this meeting."))
    if walk_in_guest_invite(guest=guest, by=request.user, language=get_language()):
        messages.success(request, _("An invitation to join was sent to %(email)s.") % {"email": guest.email})
    else:
        messages.warning(
            request, _("%(email)s was invited before; nothing was sent.") % {"email": guest.email}
        )
    return _back(request, meeting)
