"""manage.py import_members FILE.csv --chapter SLUG: bring an existing mailing list into a chapter."""

from django.core.management.base import BaseCommand, CommandError

from chapters.models import Chapter
from members.importing import ImportError_, members_import


class Command(BaseCommand):
    help = (
        "Import members from a CSV file with a header line naming the columns email, name and "
        "consent date (YYYY-MM-DD). Safe to run twice; rows without a consent date join the chapter "
        "without the newsletter; bad rows are reported and skipped."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV file (UTF-8)")
        parser.add_argument("--chapter", required=True, help="slug of the chapter to import into")

    def handle(self, *args, file, chapter, **options):
        try:
            chapter_obj = Chapter.objects.get(slug=chapter)
        except Chapter.DoesNotExist:
            raise CommandError(f"No chapter with the slug {chapter!r}.") from None
        try:
            with open(file, encoding="utf-8-sig", newline="") as lines:
                report = members_import(lines=lines, chapter=chapter_obj)
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}.") from None
        except UnicodeDecodeError:
            raise CommandError(f"{file} is not UTF-8 text.") from None
        except ImportError_ as exc:
            raise CommandError(str(exc)) from None
        for line, problem in report.bad_rows:
            self.stderr.write(f"line {line}: {problem}; skipped")
        self.stdout.write(
            f"{chapter_obj.name}: {report.members_created} new members, "
            f"{report.members_found} already known, {report.memberships_created} joined the chapter; "
            f"{report.subscribed} subscribed to the newsletter, "
            f"{report.without_consent} without a consent date (not subscribed), "
            f"{report.kept_unsubscribed} kept unsubscribed; {len(report.bad_rows)} bad rows skipped."
        )
