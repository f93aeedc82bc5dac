"""Talk proposals, the speaker's own page, public speaker profiles and speaker tours."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chapters.models import Chapter
from chapters.rules import is_organizer
from members.selectors import has_verified_email

from . import selectors, services
from .forms import AnswerForm, ProposalForm, SpeakerProfileForm, TourForm, TourRequestForm
from .models import TourStop
from .services import PROPOSAL_FIELDS, TalkRefused


def _my_talks():
    return redirect(reverse("speakers:my_talks"))


def _refusal_reason(user):
    """Return why this visitor cannot propose a talk yet, or "" when they can."""
    if not user.is_authenticated:
        return _("Log in or create a free account to propose a talk.")
    if not has_verified_email(user):
        return _("Please confirm your email address before you propose a talk: check your inbox.")
    return ""


def propose(request, slug):
    chapter = get_object_or_404(Chapter, slug=slug)
    refusal = _refusal_reason(request.user)
    calls = selectors.open_calls(chapter)
    if request.method == "POST":
        if not request.user.is_authenticated:
            messages.error(request, refusal)
            return redirect_to_login(request.path)
        if refusal:
            messages.error(request, refusal)
            return redirect(request.path)
        form = ProposalForm(request.POST, calls=calls)
        if form.is_valid():
            try:
                services.proposal_submit(
                    member=request.user,
                    chapter=chapter,
                    call=form.cleaned_data.get("call"),
                    **{name: form.cleaned_data[name] for name in PROPOSAL_FIELDS},
                )
            except TalkRefused as refused:
                messages.error(request, refused.message)
            else:
                messages.success(
                    request,
                    _("Thank you! Your proposal is with the organizers of %(chapter)s; follow it here.")
                    % {"chapter": chapter.name},
                )
                return _my_talks()
    else:
        initial = {"call": request.GET.get("call")} if (request.GET.get("call") or "").isdigit() else {}
        if request.user.is_authenticated:
            profile = selectors.profile_of(request.user)
            initial["speaker_bio"] = (profile.bio if profile else "") or request.user.bio
        form = ProposalForm(initial=initial, calls=calls)
    return render(
        request,
        "speakers/propose.html",
        {"chapter": chapter, "form": form, "refusal": refusal, "calls": calls},
    )


@login_required
def my_talks(request):
    member = request.user
    return render(
        request,
        "speakers/my_talks.html",
        {
            "proposals": selectors.my_proposals(member),
            "tours": selectors.my_tours(member),
            "profile": selectors.profile_of(member),
        },
    )


@login_required
def proposal_edit(request, pk):
    proposal = selectors.my_proposal(request.user, pk)
    if not proposal.is_editable:
        messages.error(request, _("This proposal can no longer be changed: the organizers have decided."))
        return _my_talks()
    form = ProposalForm(request.POST or None, instance=proposal)
    if request.method == "POST" and form.is_valid():
        try:
            services.proposal_update(
                proposal=proposal,
                member=request.user,
                **{name: form.cleaned_data[name] for name in PROPOSAL_FIELDS},
            )
        except TalkRefused as refused:
            messages.error(request, refused.message)
        else:
            messages.success(request, _("Your proposal is saved and back with the organizers."))
        return _my_talks()
    return render(request, "speakers/proposal_edit.html", {"form": form, "proposal": proposal})


@login_required
@require_POST
def proposal_withdraw(request, pk):
    proposal = selectors.my_proposal(request.user, pk)
    try:
        services.proposal_withdraw(proposal=proposal, member=request.user)
    except TalkRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("Your proposal “%(title)s” is withdrawn.") % {"title": proposal.title})
    return _my_talks()


@login_required
def profile_edit(request):
    profile = selectors.profile_of(request.user)
    form = SpeakerProfileForm(request.POST or None, request.FILES or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        profile = services.speaker_profile_save(
            member=request.user,
            bio=form.cleaned_data["bio"],
            is_public=form.cleaned_data["is_public"],
            photo=request.FILES.get("photo"),
            clear_photo=form.cleaned_data["photo"] is False,
        )
        if profile.is_public:
            messages.success(request, _("Your speaker profile is saved and public."))
        else:
            messages.success(request, _("Your speaker profile is saved; only you can see it."))
        return _my_talks()
    return render(request, "speakers/profile_edit.html", {"form": form, "profile": profile})


@login_required
def tour_new(request):
    form = TourForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            tour = services.tour_create(speaker=request.user, **form.cleaned_data)
        except TalkRefused as refused:
            messages.error(request, refused.message)
        else:
            messages.success(request, _("Your tour is on offer to every chapter."))
            return redirect(tour)
    return render(request, "speakers/tour_new.html", {"form": form})


@login_required
@require_POST
def tour_stop_answer(request, pk):
    stop = get_object_or_404(TourStop, pk=pk, tour__speaker=request.user)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose accept or decline."))
        return _my_talks()
    accept = form.cleaned_data["answer"] == "accept"
    try:
        services.tour_stop_answer(stop=stop, member=request.user, accept=accept)
    except TalkRefused as refused:
        messages.error(request, refused.message)
    else:
        if accept:
            messages.success(request, _("Accepted: your talk is on the meeting's agenda."))
        else:
            messages.success(request, _("Declined: the organizers are told."))
    return _my_talks()


def speaker_profile(request, slug):
    profile = selectors.public_profile(slug)
    member = profile.member
    return render(
        request,
        "speakers/speaker_profile.html",
        {
            "profile": profile,
            "speaker": member,
            "talks": selectors.talks_given(member),
            "tours": selectors.public_tours_of(member),
        },
    )


def tour_list(request):
    return render(request, "speakers/tour_list.html", {"tours": selectors.tours_on_offer()})


def tour_detail(request, pk):
    tour = selectors.tour_for_page(pk)
    user = request.user
    request_form = None
    if user.is_authenticated and (user.is_superuser or is_organizer(user)):
        request_form = TourRequestForm(meetings=selectors.meetings_to_request(user, tour))
    return render(
        request,
        "speakers/tour_detail.html",
        {
            "tour": tour,
            "stops": tour.stops.all(),
            "speaker_url": selectors.speaker_profile_url(tour.speaker),
            "request_form": request_form,
        },
    )


@require_POST
def tour_request(request, pk):
    tour = selectors.tour_for_page(pk)
    user = request.user
    if not user.is_authenticated:
        return redirect_to_login(tour.get_absolute_url())
    form = TourRequestForm(request.POST, meetings=selectors.meetings_to_request(user, tour))
    if not form.is_valid():
        messages.error(
            request, _("Choose one of your chapter's upcoming meetings within the speaker's dates.")
        )
        return redirect(tour)
    try:
        services.tour_request(tour=tour, meeting=form.cleaned_data["meeting"], by=user)
    except TalkRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("Request sent: the speaker will answer by email."))
    return redirect(tour)
