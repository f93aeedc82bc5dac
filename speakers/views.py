"""Talk proposals, the speaker's own page, public speaker profiles and speaker tours."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chapters.models import Chapter
from chapters.rules import is_organizer
from members.selectors import has_verified_email

from . import selectors, services
from .forms import AnswerForm, ProposalForm, SpeakerProfileForm, TourForm, TourRequestForm
from .models import TourStop
from .services import PROPOSAL_FIELDS, TalkRefused


def _attempt(request, service, success, **kwargs):
    """Run a service and show its refusal, or `success`; return what it returned, or None if refused."""
    try:
        result = service(**kwargs)
    except TalkRefused as refused:
        messages.error(request, refused.message)
        return None
    messages.success(request, success)
    return result


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
        if form.is_valid() and _attempt(
            request,
            services.proposal_submit,
            _("Thank you! Your proposal is with the organizers of %(chapter)s; follow it here.")
            % {"chapter": chapter.name},
            member=request.user,
            chapter=chapter,
            call=form.cleaned_data.get("call"),
            **{name: form.cleaned_data[name] for name in PROPOSAL_FIELDS},
        ):
            return redirect("speakers:my_talks")
    else:
        initial = {"call": request.GET.get("call")} if (request.GET.get("call") or "").isdigit() else {}
        if request.user.is_authenticated:
            profile = selectors.profile_of(request.user)
            initial["speaker_bio"] = (profile.bio if profile else "") or request.user.bio
        form = ProposalForm(initial=initial, calls=calls)
    context = {"chapter": chapter, "form": form, "refusal": refusal, "calls": calls}
    return render(request, "speakers/propose.html", context)


@login_required
def my_talks(request):
    member = request.user
    context = {
        "proposals": selectors.my_proposals(member),
        "tours": selectors.my_tours(member),
        "profile": selectors.profile_of(member),
    }
    return render(request, "speakers/my_talks.html", context)


@login_required
def proposal_edit(request, pk):
    proposal = selectors.my_proposal(request.user, pk)
    if not proposal.is_editable:
        messages.error(request, _("This proposal can no longer be changed: the organizers have decided."))
        return redirect("speakers:my_talks")
    form = ProposalForm(request.POST or None, instance=proposal)
    if request.method == "POST" and form.is_valid():
        _attempt(
            request,
            services.proposal_update,
            _("Your proposal is saved and back with the organizers."),
            proposal=proposal,
            member=request.user,
            **{name: form.cleaned_data[name] for name in PROPOSAL_FIELDS},
        )
        return redirect("speakers:my_talks")
    return render(request, "speakers/proposal_edit.html", {"form": form, "proposal": proposal})


@login_required
@require_POST
def proposal_withdraw(request, pk):
    proposal = selectors.my_proposal(request.user, pk)
    withdrawn = _("Your proposal “%(title)s” is withdrawn.") % {"title": proposal.title}
    _attempt(request, services.proposal_withdraw, withdrawn, proposal=proposal, member=request.user)
    return redirect("speakers:my_talks")


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
        return redirect("speakers:my_talks")
    return render(request, "speakers/profile_edit.html", {"form": form, "profile": profile})


@login_required
def tour_new(request):
    form = TourForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        offered = _("Your tour is on offer to every chapter.")
        tour = _attempt(request, services.tour_create, offered, speaker=request.user, **form.cleaned_data)
        if tour is not None:
            return redirect(tour)
    return render(request, "speakers/tour_new.html", {"form": form})


@login_required
@require_POST
def tour_stop_answer(request, pk):
    stop = get_object_or_404(TourStop, pk=pk, tour__speaker=request.user)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose accept or decline."))
        return redirect("speakers:my_talks")
    accept = form.cleaned_data["answer"] == "accept"
    if accept:
        answered = _("Accepted: your talk is on the meeting's agenda.")
    else:
        answered = _("Declined: the organizers are told.")
    _attempt(request, services.tour_stop_answer, answered, stop=stop, member=request.user, accept=accept)
    return redirect("speakers:my_talks")


def speaker_profile(request, slug):
    profile = selectors.public_profile(slug)
    member = profile.member
    context = {
        "profile": profile,
        "speaker": member,
        "talks": selectors.talks_given(member),
        "tours": selectors.public_tours_of(member),
    }
    return render(request, "speakers/speaker_profile.html", context)


def tour_list(request):
    return render(request, "speakers/tour_list.html", {"tours": selectors.tours_on_offer()})


def tour_detail(request, pk):
    tour = selectors.tour_for_page(pk)
    user = request.user
    request_form = None
    if user.is_authenticated and (user.is_superuser or is_organizer(user)):
        request_form = TourRequestForm(meetings=selectors.meetings_to_request(user, tour))
    context = {
        "tour": tour,
        "stops": tour.stops.all(),
        "speaker_url": selectors.speaker_profile_url(tour.speaker),
        "request_form": request_form,
    }
    return render(request, "speakers/tour_detail.html", context)


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
    sent = _("Request sent: the speaker will answer by email.")
    _attempt(request, services.tour_request, sent, tour=tour, meeting=form.cleaned_data["meeting"], by=user)
    return redirect(tour)
