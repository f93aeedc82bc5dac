"""Import an existing mailing list (CSV: email, name, consent date) into a chapter.

Safe to run twice: members are matched by email, memberships are not duplicated, and nobody who
unsubscribed since is subscribed again. A row without a consent date joins the chapter but gets no
newsletter (CASL). Bad rows are reported with their line number and skipped; the rest go on.
"""

import csv
import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from members.models import Member, Membership
from members.newsletters.subscriptions import membership_subscribe

EMAIL_COLUMNS = ("email", "e-mail", "email address")
NAME_COLUMNS = ("name", "display name", "full name")
CONSENT_COLUMNS = ("consent date", "consent_date", "consented at", "consented_at", "consent")


@dataclass
class ImportReport:
    members_created: int = 0
    members_found: int = 0
    memberships_created: int = 0
    subscribed: int = 0
    without_consent: int = 0
    kept_unsubscribed: int = 0
    bad_rows: list = field(default_factory=list)


class ImportError_(Exception):
    """The file as a whole cannot be read (no header with an email column)."""


def _column(header, names):
    titles = [title.strip().lower() for title in header]
    return next((index for index, title in enumerate(titles) if title in names), None)


def _consent_time(value, tz):
    """Return the consent moment from a date or date-time text, or raise ValueError."""
    value = value.strip()
    moment = parse_datetime(value)
    if moment is None:
        day = parse_date(value)
        if day is None:
            raise ValueError(value)
        moment = datetime.datetime.combine(day, datetime.time(12, 0))
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, tz)
    if moment > timezone.now():
        raise ValueError(value)
    return moment


def members_import(*, lines, chapter):
    """Import rows from an iterable of CSV text lines into `chapter`; return an ImportReport."""
    reader = csv.reader(lines)
    header = next(reader, None) or []
    columns = [_column(header, names) for names in (EMAIL_COLUMNS, NAME_COLUMNS, CONSENT_COLUMNS)]
    if columns[0] is None:
        raise ImportError_("The first line must name the columns, with at least an email column.")
    report = ImportReport()
    seen = set()
    for line_number, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        cells = [row[index].strip() if index is not None and index < len(row) else "" for index in columns]
        problem = _import_row(*cells, chapter=chapter, report=report, seen=seen)
        if problem:
            report.bad_rows.append((line_number, problem))
    return report


def _import_row(email, name, consent_text, *, chapter, report, seen):
    email = email.lower()
    try:
        validate_email(email)
    except ValidationError:
        return f"not a valid email address: {email!r}"
    if email in seen:
        return f"{email} appears more than once in the file"
    seen.add(email)
    consent = None
    if consent_text:
        try:
            consent = _consent_time(consent_text, chapter.tzinfo)
        except ValueError:
            return f"consent date {consent_text!r} is not a past date (YYYY-MM-DD)"
    with transaction.atomic():
        member = Member.objects.filter(email__iexact=email).first()
        if member is None:
            # No password: the person sets one through "forgot password" when they first log in.
            member = Member.objects.create_user(email=email, password=None, display_name=name[:80])
            report.members_created += 1
        else:
            report.members_found += 1
        membership, created = Membership.objects.select_for_update().get_or_create(
            member=member,
            chapter=chapter,
            defaults={"source": Membership.Source.IMPORT, "joined_at": consent or timezone.now()},
        )
        report.memberships_created += created
        if consent is None:
            report.without_consent += 1
        elif membership.newsletter_unsubscribed_at and membership.newsletter_unsubscribed_at >= consent:
            # They said no after the consent this file records: that choice stands.
            report.kept_unsubscribed += 1
        elif not membership.newsletter_subscribed:
            membership_subscribe(membership=membership, source=Membership.Source.IMPORT, consented_at=consent)
            report.subscribed += 1
    return None
