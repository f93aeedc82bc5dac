"""Read-side queries for the chapter list and chapter pages."""

from django.db.models import OuterRef, Q
from django.utils import timezone

from itprosig.db import subquery_count

from .models import Chapter, ChapterInterest, ChapterRole, Sponsorship


def _count(model, **filters):
    return subquery_count(model.objects.filter(chapter=OuterRef("pk"), **filters), per="chapter")


def chapters_with_counts():
    """Return every chapter with its member count and, for forming chapters, its interest count."""
    # Memberships live in the members app, which depends on this one: reach them through the relation.
    membership = Chapter._meta.get_field("memberships").related_model
    return Chapter.objects.annotate(
        member_count=_count(membership),
        interest_count=_count(ChapterInterest),
    ).order_by("status", "name")


def chapter_with_counts(slug):
    """Return the chapter with its member and interest counts, or None."""
    return chapters_with_counts().filter(slug=slug).first()


def chapter_organizers(chapter):
    """Return the chapter's organizers and board members, organizers first."""
    return (
        ChapterRole.objects.filter(
            chapter=chapter, role__in=(ChapterRole.Role.ORGANIZER, ChapterRole.Role.BOARD)
        )
        .select_related("user")
        .order_by("role", "user__display_name")
    )


def current_sponsorships(chapter, *, today=None):
    """Return the sponsorships running today, highest level first."""
    today = today or timezone.localdate()
    levels = [level for level, _label in Sponsorship.Level.choices]
    return sorted(
        Sponsorship.objects.filter(chapter=chapter, starts_on__lte=today)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        .select_related("sponsor"),
        key=lambda s: (levels.index(s.level), s.sponsor.name),
    )
