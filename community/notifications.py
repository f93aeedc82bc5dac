"""What volunteers and attendees are told by email. Every message goes through the outbox.

All of these are transactional: each follows from something the member did themselves (signed up
to volunteer, attended a meeting) and goes to that one member, on the mail queue that never waits
behind a newsletter. The feedback request is a one-off follow-up of a meeting the member attended,
not marketing, so it needs no newsletter consent; it carries no unsubscribe link but the usual
email preferences link. Each is queued at most once (a dedupe key per member and subject).

Rows are composed by the mail worker just before sending (a registered composer), so the email
shows the meeting and the role as they are then.
"""

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from members.mail import kinds
from members.mail.dedupe import DedupeKey
from members.mail.outbox import Composition, outbox_queue
from members.mail.rendering import absolute_reverse, absolute_url, object_url

from . import tokens

# OutboxMessage.kind values (at most 20 characters), with the labels the outbox admin shows.
KIND_VOLUNTEER_CONFIRMED = "volunteer_confirmed"
KIND_VOLUNTEER_REMINDER = "volunteer_reminder"
KIND_FEEDBACK_REQUEST = "feedback_request"
LABELS = {
    KIND_VOLUNTEER_CONFIRMED: _("Volunteer place confirmed"),
    KIND_VOLUNTEER_REMINDER: _("Volunteer reminder"),
    KIND_FEEDBACK_REQUEST: _("Feedback request"),
}
# One email of each kind per subject: the keys the outbox refuses twice, and the sweeps look for.
VOLUNTEER_CONFIRMED_KEY = DedupeKey("volunteer_confirmed")
VOLUNTEER_REMINDER_KEY = DedupeKey("volunteer_reminder")
FEEDBACK_KEY = DedupeKey("feedback")


def notify_volunteer_confirmed(signup):
    """Tell a volunteer an organizer confirmed their place."""
    return _queue_for_signup(signup, KIND_VOLUNTEER_CONFIRMED, VOLUNTEER_CONFIRMED_KEY(signup.pk))


def notify_volunteer_reminder(signup):
    """Remind a confirmed volunteer of their role, about a day before; False when already sent."""
    return bool(_queue_for_signup(signup, KIND_VOLUNTEER_REMINDER, VOLUNTEER_REMINDER_KEY(signup.pk)))


def notify_feedback_request(rsvp):
    """Ask a member who attended a meeting for feedback; False when they were asked already."""
    member, meeting = rsvp.member, rsvp.meeting
    key = FEEDBACK_KEY(meeting.pk, member.pk)
    spec = {"meeting": meeting.pk, "member": member.pk}
    return bool(_queue(KIND_FEEDBACK_REQUEST, member, meeting.chapter, key, spec))


def _queue_for_signup(signup, kind, dedupe_key):
    return _queue(kind, signup.member, signup.role.meeting.chapter, dedupe_key, {"signup": signup.pk})


def _queue(kind, member, chapter, dedupe_key, spec):
    # Each kind's email template has the kind's name.
    return outbox_queue(
        kind=kind,
        to_email=member.email,
        member=member,
        chapter=chapter,
        dedupe_key=dedupe_key,
        compose=(kind, {"template": kind, **spec}),
    )


def compose_community_email(spec):
    """Render-time half of the notifications above, in the recipient's language."""
    from meetings.models import Meeting
    from members.models import Member

    from .models import VolunteerSignup

    template = spec["template"]
    if "signup" in spec:
        signup = VolunteerSignup.objects.select_related("role__meeting__chapter", "role__meeting__venue").get(
            pk=spec["signup"]
        )
        meeting, member = signup.role.meeting, signup.member
        context = {"signup": signup, "role": signup.role}
    else:
        meeting = (
            Meeting.objects.select_related("chapter").prefetch_related("agenda_items").get(pk=spec["meeting"])
        )
        member = Member.objects.get(pk=spec["member"])
        context = {"talks": list(meeting.agenda_items.all())}
    with translation.override(member.preferred_language):
        context.update(
            meeting=meeting,
            meeting_url=object_url(meeting),
            preferences_url=absolute_reverse("mail:preferences"),
        )
        if template == "feedback_request":
            token = tokens.feedback_token(meeting_id=meeting.pk, member_id=member.pk)
            context["feedback_url"] = absolute_url(reverse("community:feedback", kwargs={"token": token}))
        else:
            context["volunteer_url"] = absolute_url(
                reverse("community:volunteer", kwargs={"slug": meeting.chapter.slug, "pk": meeting.pk})
            )
    return Composition(template=f"community/email/{template}", context=context)


def register():
    """Register the kinds above with the outbox, each written by `compose_community_email` when sent."""
    for kind, label in LABELS.items():
        kinds.register(kind, label, composer=compose_community_email)
