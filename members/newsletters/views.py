"""Pages for a member's email: one-click unsubscribe (no login) and per-chapter preferences."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from chapters.models import Chapter
from members.forms import NewsletterPreferencesForm
from members.mail.tokens import BadToken, read_unsubscribe_token
from members.models import Member, Membership
from members.newsletters.announcements import (
    AnnouncementPreferencesForm,
    announcement_preferences_update,
    announcements_unsubscribe,
)
from members.newsletters.subscriptions import membership_unsubscribe, newsletter_preferences_update


def _token_subject(token):
    """Return (member, chapter) an unsubscribe token names, or (None, None) if it is bad or stale."""
    try:
        member_id, chapter_id = read_unsubscribe_token(token)
    except BadToken:
        return None, None
    member = Member.objects.filter(pk=member_id).first()
    chapter = Chapter.objects.filter(pk=chapter_id).first()
    if member is None or chapter is None:
        return None, None
    return member, chapter


# The signed token is the authorization here: mail providers POST it with no session or CSRF
# cookie when a reader clicks "unsubscribe" in their mail client (RFC 8058).
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    member, chapter = _token_subject(token)
    if member is None:
        return render(request, "mail/unsubscribe_invalid.html", status=400)
    member_id, chapter_id = member.pk, chapter.pk
    if request.method == "POST":
        membership_unsubscribe(member_id=member_id, chapter_id=chapter_id)
        return render(request, "mail/unsubscribe_done.html", {"chapter": chapter, "member": member})
    subscribed = Membership.objects.filter(
        member_id=member_id, chapter_id=chapter_id, newsletter_subscribed=True
    ).exists()
    return render(
        request,
        "mail/unsubscribe_confirm.html",
        {"chapter": chapter, "member": member, "subscribed": subscribed, "token": token},
    )


@csrf_exempt
@require_http_methods(["GET", "POST"])
def announcements_unsubscribe_view(request, token):
    """Stop a chapter's meeting announcements from the email's link (RFC 8058 one-click POST too)."""
    member, chapter = _token_subject(token)
    if member is None:
        return render(request, "mail/unsubscribe_invalid.html", status=400)
    member_id, chapter_id = member.pk, chapter.pk
    context = {"chapter": chapter, "member": member, "token": token}
    if request.method == "POST":
        announcements_unsubscribe(member_id=member_id, chapter_id=chapter_id)
        return render(request, "mail/announcements_unsubscribe.html", {**context, "done": True})
    context["subscribed"] = Membership.objects.filter(
        member_id=member_id, chapter_id=chapter_id, announcements_subscribed=True
    ).exists()
    return render(request, "mail/announcements_unsubscribe.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    memberships = list(
        Membership.objects.filter(member=request.user).select_related("chapter").order_by("chapter__name")
    )
    if request.method == "POST":
        form = NewsletterPreferencesForm(request.POST, memberships=memberships)
        announcements = AnnouncementPreferencesForm(request.POST, memberships=memberships)
        if not form.is_valid() or not announcements.is_valid():
            messages.error(request, _("That choice was not valid; nothing was changed."))
            return redirect("mail:preferences")
        with transaction.atomic():
            newsletter_preferences_update(
                member=request.user, subscribed_chapter_ids=form.cleaned_data["newsletter"]
            )
            announcement_preferences_update(
                member=request.user, chapter_ids=announcements.cleaned_data["announcements"]
            )
        messages.success(request, _("Your email preferences are saved."))
        return redirect("mail:preferences")
    return render(request, "mail/preferences.html", {"memberships": memberships})
