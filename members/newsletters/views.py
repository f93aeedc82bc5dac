"""Pages for a member's email: one-click unsubscribe (no login) and per-chapter preferences."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from chapters.models import Chapter
from members.forms import EmailPreferencesForm
from members.mail.tokens import BadToken, read_unsubscribe_token
from members.models import Member, Membership
from members.newsletters.announcements import announcement_preferences_update, announcements_unsubscribe
from members.newsletters.subscriptions import membership_unsubscribe, newsletter_preferences_update
from members.selectors import memberships_of


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


def _unsubscribe_view(*, stop, subscribed_field, template, done_template=None):
    """Return the page that stops one kind of a chapter's email from the email's link, no login needed.

    The signed token is the authorization here: mail providers POST it with no session or CSRF
    cookie when a reader clicks "unsubscribe" in their mail client (RFC 8058).
    """

    @csrf_exempt
    @require_http_methods(["GET", "POST"])
    def view(request, token):
        member, chapter = _token_subject(token)
        if member is None:
            return render(request, "mail/unsubscribe_invalid.html", status=400)
        context = {"chapter": chapter, "member": member, "token": token}
        if request.method == "POST":
            stop(member_id=member.pk, chapter_id=chapter.pk)
            return render(request, done_template or template, {**context, "done": True})
        context["subscribed"] = Membership.objects.filter(
            member_id=member.pk, chapter_id=chapter.pk, **{subscribed_field: True}
        ).exists()
        return render(request, template, context)

    return view


unsubscribe = _unsubscribe_view(
    stop=membership_unsubscribe,
    subscribed_field="newsletter_subscribed",
    template="mail/unsubscribe_confirm.html",
    done_template="mail/unsubscribe_done.html",
)
announcements_unsubscribe_view = _unsubscribe_view(
    stop=announcements_unsubscribe,
    subscribed_field="announcements_subscribed",
    template="mail/announcements_unsubscribe.html",
)


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    memberships = list(memberships_of(request.user))
    if request.method == "POST":
        form = EmailPreferencesForm(request.POST, memberships=memberships)
        if not form.is_valid():
            messages.error(request, _("That choice was not valid; nothing was changed."))
            return redirect("mail:preferences")
        with transaction.atomic():
            newsletter_preferences_update(
                member=request.user, subscribed_chapter_ids=form.cleaned_data["newsletter"]
            )
            announcement_preferences_update(
                member=request.user, chapter_ids=form.cleaned_data["announcements"]
            )
        messages.success(request, _("Your email preferences are saved."))
        return redirect("mail:preferences")
    return render(request, "mail/preferences.html", {"memberships": memberships})
