"""The navbar's "Organize" link: organizers to the admin, door volunteers to their next meeting's door."""

from django import template
from django.urls import reverse

from chapters.rules import may_enter_admin
from meetings.organizer_home import door_url

register = template.Library()


@register.simple_tag(takes_context=True)
def organize_url(context):
    """Return where "Organize" leads this reader, or "" when they hold no role."""
    request = context.get("request")
    # Error pages for requests refused before the middleware ran (a bad Host) have no user.
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return ""
    if may_enter_admin(user):
        return reverse("admin:index")
    return door_url(user) or ""
