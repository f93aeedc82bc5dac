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
    for index, title in enumerate(header):
        if title.strip().lower() in names:
            return index
    return None


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
    header = next(reader, None)
    if not header or _column(header, EMAIL_COLUMNS) is None:
        raise ImportError_("The first line must name the columns, with at least an email column.")
    email_at, name_at, consent_at = (
        _column(header, EMAIL_COLUMNS),
        _column(header, NAME_COLUMNS),
        _column(header, CONSENT_COLUMNS),
    )
    report = ImportReport()
    seen = set()
    for line_number, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        problem = _import_row(row, line_number, email_at, name_at, consent_at, chapter, report, seen)
        if problem:
            report.bad_rows.append((line_number, problem))
    return report


def _cell(row, index):
    return row[index].strip() if index is not None and index < len(row) else ""


def _import_row(row, line_number, email_at, name_at, consent_at, chapter, report, seen):
    email = _cell(row, email_at).lower()
    try:
        validate_email(email)
    except ValidationError:
        return f"not a valid email address: {email!r}"
    if email in seen:
        return f"{email} appears more than once in the file"
    seen.add(email)
    name = _cell(row, name_at)[:80]
    consent_text = _cell(row, consent_at)
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
            member = Member.objects.create_user(email=email, password=None, display_name=name)
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
