"""Who may do what, in one place: predicates composed into named permissions with `rules`.

Roles come from ChapterRole rows (organizer, board, volunteer) and SponsorLiaison rows; active
superusers may do everything. Views, the admin, templates (through the navbar context) and the
reports all ask here, either through a named permission (`has_perm("chapters.organize", user,
chapter)`) or one of the small functions at the end, which keep the names other apps import.

A predicate's object is a Chapter or a chapter id. The chapter ids of a user's roles are read once
per request and kept on the user object, so asking twice costs no query.
"""

import datetime

import rules
from django.db.models import Q
from django.utils import timezone

from .models import ChapterRole, Sponsorship

_CHECKIN_ROLES = (ChapterRole.Role.ORGANIZER, ChapterRole.Role.BOARD, ChapterRole.Role.VOLUNTEER)


def _chapter_id(chapter):
    return getattr(chapter, "pk", chapter)


def _role_chapter_ids(user, roles):
    if not user.is_authenticated:
        return frozenset()
    # All of the user's roles in one query, whichever role is asked about first: a page that asks
    # about organizing (the navbar's links) and about the door pays for one.
    if "_chapter_roles" not in user.__dict__:
        user.__dict__["_chapter_roles"] = tuple(
            ChapterRole.objects.filter(user=user).values_list("chapter_id", "role")
        )
    return frozenset(chapter_id for chapter_id, role in user.__dict__["_chapter_roles"] if role in roles)


def organized_chapter_ids(user):
    """Return the ids of the chapters this user organizes."""
    return _role_chapter_ids(user, (ChapterRole.Role.ORGANIZER,))


def checkin_chapter_ids(user):
    """Return the ids of the chapters whose meetings this user may check people in at."""
    return _role_chapter_ids(user, _CHECKIN_ROLES)


def sponsorships_for_liaison(user, *, on=None):
    """Return the sponsorships whose chapters this user reads as a sponsor's liaison.

    With `on`, only those running on that date.
    """
    if not user.is_authenticated:
        return Sponsorship.objects.none()
    qs = Sponsorship.objects.filter(sponsor__liaisons__user=user).select_related("chapter", "sponsor")
    if on is not None:
        qs = qs.filter(starts_on__lte=on).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on))
    return qs


def liaison_periods(user, chapter_id):
    """Return the (first, last) date spans this liaison may see for a chapter, oldest first.

    Overlapping or back-to-back sponsorships are joined into one span; a gap between two
    sponsorships stays a gap, so its months are as closed as those before or after. An open-ended
    sponsorship runs to today. An empty list: none.
    """
    today = timezone.localdate()
    spans = sorted(
        (start, max(end or today, start))
        for start, end in sponsorships_for_liaison(user)
        .filter(chapter_id=chapter_id)
        .values_list("starts_on", "ends_on")
    )
    joined = []
    for start, end in spans:
        if joined and start <= joined[-1][1] + datetime.timedelta(days=1):
            joined[-1] = (joined[-1][0], max(joined[-1][1], end))
        else:
            joined.append((start, end))
    return joined


# Predicates. Every one is False for anonymous and inactive accounts.


@rules.predicate
def is_active(user):
    return user.is_authenticated and user.is_active


@rules.predicate
def _is_superuser(user):
    return user.is_superuser


is_superuser = is_active & _is_superuser


@rules.predicate
def _organizes_any(user):
    return bool(organized_chapter_ids(user))


#: Organizes at least one chapter.
organizes_any = is_active & _organizes_any


@rules.predicate
def _organizes(user, chapter):
    return chapter is not None and _chapter_id(chapter) in organized_chapter_ids(user)


#: Organizes this chapter.
organizes = is_active & _organizes


@rules.predicate
def _checks_in_at(user, chapter):
    return chapter is not None and _chapter_id(chapter) in checkin_chapter_ids(user)


#: Holds a door role (organizer, board, volunteer) in this chapter.
checks_in_at = is_active & _checks_in_at


@rules.predicate
def _is_liaison(user):
    return user.sponsor_liaisons.exists()


#: Is a sponsor's liaison, for any chapter.
is_liaison = is_active & _is_liaison


@rules.predicate
def _is_liaison_for(user, chapter):
    return chapter is not None and bool(liaison_periods(user, _chapter_id(chapter)))


#: Is the liaison of a sponsor of this chapter, for at least one period (past, present or open).
is_liaison_for = is_active & _is_liaison_for


@rules.predicate
def _is_liaison_on(user, chapter_day):
    if chapter_day is None:
        return False
    chapter, day = chapter_day
    return sponsorships_for_liaison(user, on=day).filter(chapter_id=_chapter_id(chapter)).exists()


#: Is the liaison of a sponsor of this chapter on that day; the object is (chapter, day). A day
#: between two sponsorships is outside both.
is_liaison_on = is_active & _is_liaison_on


rules.add_perm("chapters.administer_network", is_superuser)
rules.add_perm("chapters.enter_admin", is_superuser | organizes_any)
rules.add_perm("chapters.organize", is_superuser | organizes)
rules.add_perm("meetings.check_in", is_superuser | checks_in_at)
rules.add_perm("meetings.read_reports", is_superuser | organizes_any | is_liaison)
rules.add_perm("meetings.read_report", is_superuser | organizes | is_liaison_for)


# The questions other modules ask by name. `rules.has_perm` asks the predicates only, never
# Django's per-model permissions, so it costs no query of its own.


def is_organizer(user):
    return organizes_any.test(user)


def can_organize(user, chapter_id):
    return rules.has_perm("chapters.organize", user, chapter_id)


def can_check_in(user, chapter_id):
    return rules.has_perm("meetings.check_in", user, chapter_id)


def may_enter_admin(user):
    return rules.has_perm("chapters.enter_admin", user)


def may_read_reports(user):
    return rules.has_perm("meetings.read_reports", user)


def date_in_sponsorship(user, chapter_id, day: datetime.date):
    return is_liaison_on.test(user, (chapter_id, day))
