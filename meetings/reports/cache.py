"""Cache of rendered chapter reports, dropped whenever anything a report shows changes.

A report costs a dozen aggregate queries over the chapter's RSVPs, four charts and a long template;
it changes only when the chapter's data does. So the rendered report (everything inside the page's
frame) is kept in the cache and served again until one of these happens:

- a write to the chapter's meetings, RSVPs (answers, check-ins), agendas, topics of its meetings,
  memberships, sponsorships or the chapter itself: the chapter's version rises (model signals, so
  the admin's plain forms and every service reach it);
- a write to a member (name, email, consent to share them with sponsors): the versions of the
  chapters they were checked in at rise (nowhere else does a report show a member);
- a write to a topic, which may appear in any chapter's report: the version of all reports rises;
- a meeting of the period starts (it becomes "held" without any write): each entry remembers the
  next start and is not served past it;
- `REPORT_CACHE_SECONDS` pass (a bound for writes that bypass signals, such as bulk updates).

An entry is stored with the versions read before its data was, and served only while both are
unchanged (a write raises them once it commits), so a hit costs one cache round trip. Each entry
belongs to one variant of the report: the chapter, the reader's role (an organizer's report lists
every attendee; a liaison's only those who agreed to share their contact with sponsors), the dates
the reader may see, the period shown, the language and the day (the quick period choices depend on
it). Readers with the same variant see the same report, so they share the entry; nothing of the
reader themselves is in it.

Around the report, the page's frame (navigation, the log-out form's CSRF token) is the reader's
own: a reader's whole page is also kept, for their session and CSRF cookie alone, under the same
versions. Both entries are read in the same round trip.

The read is still checked on every request before the cache is looked at (who may read the chapter,
for which dates), and a liaison's read is still logged every time.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.db.models import Min
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.utils import timezone
from django.utils.translation import get_language

from itprosig import cache_versions, release

ALL_KEY = "itprosig:reports:version"
#: How long an entry may live when nothing invalidates it (bulk writes bypass the signals).
REPORT_CACHE_SECONDS = getattr(settings, "REPORT_CACHE_SECONDS", 3600)
#: How long a reader's own copy of the whole page is kept (one session's; bounds the memory used).
READER_PAGE_SECONDS = getattr(settings, "READER_PAGE_CACHE_SECONDS", 300)
#: Member fields a report shows or filters on; saves of other fields leave reports alone.
MEMBER_FIELDS = frozenset({"display_name", "email", "share_contact_with_sponsors", "is_active"})


def _chapter_key(chapter_id):
    return f"itprosig:reports:chapter:{chapter_id}:version"


def invalidate_chapter(chapter_id):
    if chapter_id is not None:
        cache_versions.raise_on_commit(_chapter_key(chapter_id))


def invalidate_all():
    cache_versions.raise_on_commit(ALL_KEY)


def variant_key(scope, period, today, extra=()):
    """Return the cache key of one variant of a chapter report (see the module's docstring).

    `extra` is data the report shows that no version tracks (community's feedback by topic).
    """
    # Every sponsored span, not only the first and last day: two liaisons may differ in their gaps.
    allowed = tuple((span.first, span.last) for span in scope.spans) if scope.spans else None
    parts = (
        # A deploy that changes how reports are drawn starts from fresh entries.
        release.fingerprint(),
        scope.chapter.pk,
        scope.role,
        scope.consenting_only,
        allowed,
        (period.first, period.last),
        get_language(),
        today,
        extra,
    )
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()
    return f"itprosig:report:chapter:{scope.chapter.pk}:{digest}"


def next_start(chapter, period, now):
    """Return when the period's next meeting starts (it then counts as held), or None."""
    from meetings.models import Meeting

    _start, end = period.bounds(chapter.tzinfo)
    return Meeting.objects.filter(
        chapter=chapter, status=Meeting.Status.SCHEDULED, starts_at__gt=now, starts_at__lt=end
    ).aggregate(first=Min("starts_at"))["first"]


def _reader_page_key(request, body_key):
    """Return the key of this reader's own copy of the whole page, or None to render it afresh.

    The frame around the report (navigation, the log-out form's CSRF token) belongs to the reader's
    session, so a whole page is kept for that session and CSRF cookie alone, like a member's pages.
    """
    csrf_cookie = request.COOKIES.get(settings.CSRF_COOKIE_NAME)
    session_key = request.session.session_key
    # Pending flash messages are shown once, by a fresh render.
    if not csrf_cookie or not session_key or "messages" in request.COOKIES or "_messages" in request.session:
        return None
    # The full path too: the frame's language links repeat the query string.
    private = hashlib.sha256(
        f"{session_key}|{csrf_cookie}|{request.get_full_path()}|{body_key}".encode()
    ).hexdigest()
    return f"itprosig:report:page:{request.user.pk}:{private}"


def _fresh(stored, versions, now):
    """Return the content of a stored entry still valid under these versions at `now`, else None."""
    if stored is None:
        return None
    stored_versions, valid_until, content = stored
    if stored_versions != versions or (valid_until is not None and now >= valid_until):
        return None
    return stored


def cached_chapter_page(request, scope, period, today, *, build_body, render_page, extra=()):
    """Return the bytes of the report page, rendering only what the cache does not hold.

    Two entries are looked up in one round trip: the reader's own copy of the whole page, and the
    report inside the frame (`build_body()`), shared by every reader of the same variant. On a miss
    of the page, `render_page(body)` puts the report into the reader's frame.
    """
    version_keys = (ALL_KEY, _chapter_key(scope.chapter.pk))
    body_key = variant_key(scope, period, today, extra)
    page_key = _reader_page_key(request, body_key)
    found = cache.get_many([*version_keys, body_key] + ([page_key] if page_key else []))
    # Missing versions are created.
    versions = tuple(cache_versions.current(key, found) for key in version_keys)
    now = timezone.now()
    page = _fresh(found.get(page_key), versions, now)
    if page is not None:
        return page[2]
    body = _fresh(found.get(body_key), versions, now)
    if body is not None:
        _versions_, valid_until, html = body
    else:
        # Read before the report's rows: a write from now on raises a version past the stored one.
        valid_until = next_start(scope.chapter, period, now)
        html = build_body()
        cache.set(body_key, (versions, valid_until, html), timeout=REPORT_CACHE_SECONDS)
    content = render_page(html)
    if page_key:
        cache.set(page_key, (versions, valid_until, content), timeout=READER_PAGE_SECONDS)
    return content


# Keeping the versions up to date --------------------------------------------------------------


def _meeting_chapter_id(instance):
    """Return the chapter of an object tied to a meeting (an RSVP, an agenda item)."""
    from meetings.models import Meeting

    meeting = instance._state.fields_cache.get("meeting")
    if meeting is not None:
        return meeting.chapter_id
    return Meeting.objects.filter(pk=instance.meeting_id).values_list("chapter_id", flat=True).first()


def _chapter_changed(sender, instance, **kwargs):
    invalidate_chapter(instance.pk)


def _own_chapter_changed(sender, instance, **kwargs):
    invalidate_chapter(instance.chapter_id)
    # A meeting moved to another chapter (noted by `_meeting_moving`) leaves the old one's reports too.
    previous = getattr(instance, "_report_cache_chapter_id", None)
    if previous is not None and previous != instance.chapter_id:
        invalidate_chapter(previous)


def _meeting_moving(sender, instance, **kwargs):
    """Before a meeting is saved, note its chapter: a move must drop the old chapter's reports too."""
    update_fields = kwargs.get("update_fields")
    if instance.pk is None or (update_fields is not None and "chapter" not in update_fields):
        return
    from meetings.models import Meeting

    instance._report_cache_chapter_id = (
        Meeting.objects.filter(pk=instance.pk).values_list("chapter_id", flat=True).first()
    )


def _meeting_part_changed(sender, instance, **kwargs):
    invalidate_chapter(_meeting_chapter_id(instance))


def _member_changed(sender, instance, created=False, **kwargs):
    """A member's name, email or consent shows in the reports of the chapters they were checked in at."""
    update_fields = kwargs.get("update_fields")
    if created or (update_fields is not None and not (set(update_fields) & MEMBER_FIELDS)):
        return
    from meetings.models import RSVP

    chapters = (
        RSVP.objects.filter(member_id=instance.pk, checked_in_at__isnull=False)
        .order_by()
        .values_list("meeting__chapter_id", flat=True)
        .distinct()
    )
    for chapter_id in chapters:
        invalidate_chapter(chapter_id)


def _everything_changed(sender, **kwargs):
    invalidate_all()


def _meeting_topics_changed(sender, instance, action, reverse, **kwargs):
    if not action.startswith("post_"):
        return
    if reverse:  # topic.meetings.add(...): the meetings may be anywhere.
        invalidate_all()
    else:
        invalidate_chapter(instance.chapter_id)


def connect():
    from chapters.models import Chapter, Sponsorship
    from meetings.models import RSVP, AgendaItem, Meeting, Topic
    from members.models import Member, Membership

    def both(receiver, model):
        name = f"reports-{receiver.__name__}-{model._meta.label}"
        post_save.connect(receiver, sender=model, dispatch_uid=f"{name}-save")
        post_delete.connect(receiver, sender=model, dispatch_uid=f"{name}-delete")

    both(_chapter_changed, Chapter)
    both(_own_chapter_changed, Sponsorship)
    both(_own_chapter_changed, Membership)
    both(_own_chapter_changed, Meeting)
    pre_save.connect(_meeting_moving, sender=Meeting, dispatch_uid="reports-meeting-moving")
    both(_meeting_part_changed, RSVP)
    both(_meeting_part_changed, AgendaItem)
    both(_member_changed, Member)
    both(_everything_changed, Topic)
    m2m_changed.connect(
        _meeting_topics_changed, sender=Meeting.topics.through, dispatch_uid="reports-meeting-topics"
    )
