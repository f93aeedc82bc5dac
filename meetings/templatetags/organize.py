"""The navbar's role links: "Reports" for organizers and sponsors' liaisons, "Organize" for
organizers (to the admin) and door volunteers (to their next meeting's door)."""

import contextlib

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.translation import get_language

from chapters.rules import may_enter_admin, may_read_reports
from itprosig.page_cache import shared_data
from meetings.organizer_home import door_url

register = template.Library()
NO_LINKS = {"reports": "", "organize": ""}


@register.simple_tag(takes_context=True)
def role_links(context):
    """Return {"reports": address or "", "organize": address or ""} for the reader.

    Worked out once and kept with the pages' version, which every change to a role raises: the
    links are shown on every page a member opens, and the pages they lead to check access afresh.
    """
    request = context.get("request")
    # Error pages for requests refused before the middleware ran (a bad Host) have no user.
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return NO_LINKS
    return shared_data(request, f"role-links:{user.pk}:{get_language()}", lambda: _links(user))


def _links(user):
    links = dict(NO_LINKS)
    if may_read_reports(user):
        with contextlib.suppress(NoReverseMatch):  # a deployment without the reports
            links["reports"] = reverse("reports:index")
    links["organize"] = reverse("admin:index") if may_enter_admin(user) else door_url(user) or ""
    return links
