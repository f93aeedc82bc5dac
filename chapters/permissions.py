"""Who may act on which chapter. Every scoped queryset, admin and view asks here.

Roles come from ChapterRole rows (organizer, board, volunteer) and SponsorLiaison rows; superusers
may do everything. Results are cached on the user object for the request's lifetime.
"""

import datetime

from django.db.models import Q
from django.utils import timezone

from .models import Chapter, ChapterRole, Sponsorship

_CHECKIN_ROLES = (ChapterRole.Role.ORGANIZER, ChapterRole.Role.BOARD, ChapterRole.Role.VOLUNTEER)


def _role_chapter_ids(user, roles):
    if not user.is_authenticated:
        return frozenset()
    cache = user.__dict__.setdefault("_chapter_role_cache", {})
    key = tuple(sorted(roles))
    if key not in cache:
        cache[key] = frozenset(
            ChapterRole.objects.filter(user=user, role__in=roles).values_list("chapter_id", flat=True)
        )
    return cache[key]


def organized_chapter_ids(user):
    """Return the ids of the chapters this user organizes."""
    return _role_chapter_ids(user, (ChapterRole.Role.ORGANIZER,))


def is_organizer(user):
    return bool(organized_chapter_ids(user))


def can_organize(user, chapter_id):
    return user.is_authenticated and (user.is_superuser or chapter_id in organized_chapter_ids(user))


def checkin_chapter_ids(user):
    """Return the ids of the chapters whose meetings this user may check people in at."""
    return _role_chapter_ids(user, _CHECKIN_ROLES)


def can_check_in(user, chapter_id):
    return user.is_authenticated and (user.is_superuser or chapter_id in checkin_chapter_ids(user))


def chapters_for_organizer(user):
    """Return the chapters this user may administer: all for a superuser."""
    if user.is_superuser:
        return Chapter.objects.all()
    return Chapter.objects.filter(pk__in=organized_chapter_ids(user))


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


def is_liaison(user):
    return user.is_authenticated and user.sponsor_liaisons.exists()


def date_in_sponsorship(user, chapter_id, day: datetime.date):
    return sponsorships_for_liaison(user, on=day).filter(chapter_id=chapter_id).exists()
