"""The French catalogues say each key term the one agreed way (locale/glossary.csv).

A member reads « participera » on the meeting page, in the email and in /me/: the same word for
the same thing everywhere, and never the word of another thing (an RSVP is not a sign-up).
"""

import csv
import pathlib
import re

import polib
import pytest
from django.conf import settings

from tests.factories import MeetingFactory

ROOT = pathlib.Path(settings.BASE_DIR)
GLOSSARY = ROOT / "locale" / "glossary.csv"
# Placeholders and markup name nothing a reader sees: "%(chapter)s" is not the word "chapter".
NOT_WORDS = re.compile(r"%\(\w+\)[sd]|<[^>]*>|\{\{[^}]*\}\}")


def _glossary():
    with GLOSSARY.open(encoding="utf-8", newline="") as table:
        return list(csv.DictReader(table))


def _french_catalogues():
    return sorted(
        [*ROOT.glob("locale/fr/LC_MESSAGES/django.po"), *ROOT.glob("*/locale/fr/LC_MESSAGES/django.po")]
    )


def _translations(path):
    """Yield (english, [french forms]) for each translated entry of one catalogue."""
    for entry in polib.pofile(str(path)).translated_entries():
        english = " ".join(filter(None, [entry.msgid, entry.msgid_plural]))
        french = [entry.msgstr] if not entry.msgid_plural else list(entry.msgstr_plural.values())
        yield NOT_WORDS.sub(" ", english), [NOT_WORDS.sub(" ", form) for form in french]


def _shown(path):
    return path.relative_to(ROOT) if path.is_relative_to(ROOT) else path.name


def _misuses(term, catalogues):
    """Return the entries whose English has the term but whose French misses or betrays it."""
    english = re.compile(term["english_pattern"], re.IGNORECASE)
    accepted = re.compile(term["accepted_french"], re.IGNORECASE)
    forbidden = re.compile(term["forbidden_french"], re.IGNORECASE) if term["forbidden_french"] else None
    found = []
    for path in catalogues:
        for msgid, forms in _translations(path):
            if not english.search(msgid):
                continue
            for form in forms:
                if not accepted.search(form) or (forbidden and forbidden.search(form)):
                    found.append(f"{_shown(path)}: {msgid!r} -> {form!r}")
    return found


def test_glossary_covers_the_terms_members_meet():
    terms = {row["english"] for row in _glossary()}
    expected = {"going", "waitlisted", "attended", "no-show", "check in", "RSVP", "sign up"}
    expected |= {"chapter", "walk-in"}
    assert expected <= terms


@pytest.mark.parametrize("term", _glossary(), ids=lambda row: row["english"])
def test_french_catalogues_use_the_agreed_term(term):
    misuses = _misuses(term, _french_catalogues())
    assert misuses == [], f"{term['english']} is « {term['french']} » in French:\n" + "\n".join(misuses)


def test_glossary_check_fails_when_going_is_written_as_sign_up(tmp_path):
    # The check itself: a catalogue saying « inscrit » for "going" is caught.
    catalogue = polib.POFile()
    catalogue.append(polib.POEntry(msgid="%(counter)s going", msgstr="%(counter)s inscrits"))
    catalogue.append(polib.POEntry(msgid="Join this chapter", msgstr="Rejoindre cette section"))
    path = tmp_path / "django.po"
    catalogue.save(str(path))
    (going,) = [row for row in _glossary() if row["english"] == "going"]
    (chapter,) = [row for row in _glossary() if row["english"] == "chapter"]
    assert len(_misuses(going, [path])) == 1
    assert _misuses(chapter, [path]) == []


@pytest.mark.django_db
def test_french_meeting_page_offers_the_agreed_rsvp_answers(member_client):
    meeting = MeetingFactory(capacity=10)
    page = member_client.get(f"/fr{meeting.get_absolute_url()}").content.decode()
    assert ">Je serai là</button>" in page
    assert ">Je ne serai pas là</button>" in page
    assert "inscri" not in page.split('id="rsvp-heading"', 1)[1].split("</section>", 1)[0]
