"""Pages of the community program: volunteer sign-up, polls, feedback, notes for sponsors."""

import contextlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from chapters.rules import can_organize
from meetings.models import Meeting
from members.models import Member
from members.selectors import has_verified_email

from . import selectors, services, tokens
from .charts import chart_height, poll_chart_data_uri
from .forms import FeedbackForm, ThanksForm, VolunteerForm, VoteForm
from .models import VolunteerRole
from .services import CommunityRefused

# Volunteers.


@login_required
def volunteer(request, slug, pk):
    meeting = selectors.meeting_for_volunteering(slug=slug, pk=pk, user=request.user)
    if request.method == "POST":
        return _volunteer_post(request, meeting)
    context = {
        "meeting": meeting,
        "chapter": meeting.chapter,
        "roles": selectors.volunteer_roles(meeting, request.user),
        "open": meeting.status == Meeting.Status.SCHEDULED and not meeting.is_past,
    }
    return render(request, "community/volunteer.html", context)


def _volunteer_post(request, meeting):
    back = redirect("community:volunteer", slug=meeting.chapter.slug, pk=meeting.pk)
    if not has_verified_email(request.user):
        messages.error(
            request, _("Please confirm your email address before you volunteer: check your inbox.")
        )
        return back
    form = VolunteerForm(request.POST)
    role = None
    if form.is_valid():
        role = VolunteerRole.objects.filter(meeting=meeting, pk=form.cleaned_data["role"]).first()
    if role is None:
        messages.error(request, _("Choose one of this meeting’s volunteer roles."))
        return back
    try:
        if form.cleaned_data["action"] == VolunteerForm.SIGN_UP:
            services.volunteer_signup_create(
                role=role, member=request.user, thank_publicly=form.cleaned_data["thank_publicly"]
            )
            done = _("Thank you! You signed up as %(role)s. An organizer will confirm your place.")
        else:
            services.volunteer_signup_withdraw(role=role, member=request.user)
            done = _("You withdrew from %(role)s.")
    except CommunityRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, done % {"role": role.get_kind_display()})
    return back


@login_required
def my_volunteering(request):
    if request.method == "POST":
        return _thanks_post(request)
    context = {
        "contributions": selectors.volunteer_contributions(request.user),
        "signups": selectors.member_signups(request.user),
    }
    return render(request, "community/my_volunteering.html", context)


def _thanks_post(request):
    form = ThanksForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Your choice could not be read; please try again."))
        return redirect("community:my_volunteering")
    try:
        signup = services.volunteer_signup_set_thanks(
            signup_id=form.cleaned_data["signup"],
            member=request.user,
            thank_publicly=form.cleaned_data["thank_publicly"],
        )
    except CommunityRefused as refused:
        messages.error(request, refused.message)
    else:
        if signup.thank_publicly:
            messages.success(request, _("Saved: the chapter page may thank you by name."))
        else:
            messages.success(request, _("Saved: the chapter page will not show your name."))
    return redirect("community:my_volunteering")


# Polls.


def poll(request, slug, pk):
    poll = selectors.poll_for_page(slug=slug, pk=pk)
    if request.method == "POST":
        return _poll_post(request, poll)
    vote = selectors.member_vote(poll, request.user)
    return _poll_page(request, poll, VoteForm(poll=poll, initial=_initial_vote(poll, vote)), vote)


def _initial_vote(poll, vote):
    if vote is None:
        return {}
    ids = [str(c.pk) for c in vote.choices.all()]
    return {"choice": ids if poll.multiple else (ids[0] if ids else ""), "other": vote.other}


def _poll_page(request, poll, form, vote, status=200):
    user = request.user
    is_member = selectors.is_chapter_member(user, poll.chapter)
    context = {
        "poll": poll,
        "chapter": poll.chapter,
        "form": form,
        "vote": vote,
        "is_member": is_member,
        "is_open": poll.is_open(),
        "is_closed": poll.is_closed(),
    }
    if selectors.results_visible(poll, voted=vote is not None, is_member=is_member, user=user):
        results = selectors.poll_results(poll, other_label=_("Other"))
        context["results"] = results
        context["chart"] = poll_chart_data_uri(results.rows)
        context["chart_height"] = chart_height(results.rows)
    return render(request, "community/poll.html", context, status=status)


def _poll_post(request, poll):
    if not request.user.is_authenticated:
        messages.error(request, _("Log in to vote."))
        return redirect(f"{reverse('account_login')}?next={poll.get_absolute_url()}")
    if not has_verified_email(request.user):
        messages.error(request, _("Please confirm your email address before you vote: check your inbox."))
        return redirect(poll)
    form = VoteForm(request.POST, poll=poll)
    if not form.is_valid():
        messages.error(request, _("Your answer could not be read; please try again."))
        return _poll_page(request, poll, form, selectors.member_vote(poll, request.user), status=400)
    try:
        _vote, created = services.poll_vote(
            poll=poll,
            member=request.user,
            choice_ids=form.choice_ids(),
            other=form.cleaned_data.get("other", ""),
        )
    except CommunityRefused as refused:
        messages.error(request, refused.message)
        return redirect(poll)
    messages.success(request, _("Thank you for voting.") if created else _("Your vote was changed."))
    return redirect(poll)


# Feedback.


def feedback(request, token):
    meeting = member = None
    with contextlib.suppress(tokens.BadToken):
        meeting_id, member_id = tokens.read_feedback_token(token)
        meeting = Meeting.objects.select_related("chapter").filter(pk=meeting_id).first()
        member = Member.objects.filter(pk=member_id, is_active=True).first()
    if meeting is None or member is None:
        return _feedback_refused(
            request, _("This feedback link is not valid. Use the link in your email as it is.")
        )
    if request.user.is_authenticated and request.user.pk != member.pk:
        # Someone else's link opened while logged in: never show or change another member's answers.
        return _feedback_refused(request, _("This feedback link belongs to another member’s account."))
    talks = selectors.feedback_talks(meeting)
    response, ratings = selectors.member_feedback(meeting, member)
    closes_at = services.feedback_closes_at(meeting)
    if request.method == "POST":
        form = FeedbackForm(request.POST, talks=talks)
        if form.is_valid():
            try:
                _response, created = services.feedback_submit(
                    meeting=meeting,
                    member=member,
                    ratings=form.ratings(),
                    comment=form.cleaned_data["comment"],
                )
            except CommunityRefused as refused:
                messages.error(request, refused.message)
            else:
                messages.success(
                    request,
                    _("Thank you for your feedback!") if created else _("Your feedback was updated."),
                )
                return redirect("community:feedback", token=token)
        else:
            messages.error(request, _("Please correct the answers marked below."))
    else:
        initial = {f"talk_{pk}": rating for pk, rating in ratings.items()}
        initial["comment"] = response.comment if response else ""
        form = FeedbackForm(initial=initial, talks=talks)
    context = {
        "meeting": meeting,
        "chapter": meeting.chapter,
        "member": member,
        "form": form,
        "talk_fields": [(talk, form[f"talk_{talk.pk}"]) for talk in talks],
        "response": response,
        "closes_at": closes_at,
        "closed": meeting.status != Meeting.Status.SCHEDULED or timezone.now() >= closes_at,
    }
    return render(request, "community/feedback.html", context, status=400 if form.errors else 200)


def _feedback_refused(request, message):
    return render(request, "community/feedback_invalid.html", {"message": message}, status=400)


# Notes for sponsors.


@login_required
def meeting_notes(request, pk):
    meeting = get_object_or_404(Meeting.objects.select_related("chapter"), pk=pk)
    if meeting.status == Meeting.Status.DRAFT or not selectors.can_read_notes(request.user, meeting):
        raise PermissionDenied(_("Notes on this meeting are for its chapter’s organizers and sponsors."))
    day = meeting.local_starts_at.date()
    context = {
        "meeting": meeting,
        "chapter": meeting.chapter,
        "notes": selectors.notes_for_page(meeting, request.user),
        "is_organizer": can_organize(request.user, meeting.chapter_id),
        # Numbers only: sponsors never see a comment or who wrote it.
        "feedback": selectors.feedback_by_topic(meeting.chapter, (day, day)),
    }
    return render(request, "community/meeting_notes.html", context)
