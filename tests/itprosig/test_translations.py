"""Every string a user can see has a French translation, and the French pages use it."""

import os
import pathlib
import shutil
import subprocess
import sys

import polib
import pytest
from django.conf import settings

ROOT = pathlib.Path(settings.BASE_DIR)
SOURCE_DIRS = ["chapters", "members", "meetings", "itprosig", "templates"]


def _french_catalogue():
    translated = {}
    for po_path in sorted(ROOT.glob("locale/*/fr/LC_MESSAGES/django.po")):
        for entry in polib.pofile(str(po_path)).translated_entries():
            translated.setdefault((entry.msgctxt, entry.msgid), entry)
    return translated


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext is not installed")
def test_every_marked_string_has_a_french_translation(tmp_path):
    for name in SOURCE_DIRS:
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("locale", "__pycache__"))
    (tmp_path / "locale").mkdir()
    subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", "fr"],
        cwd=tmp_path,
        check=True,
        capture_output=True,
        # Extraction needs no settings; the suite's would not import from the scratch folder.
        env={k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"},
    )
    extracted = polib.pofile(str(tmp_path / "locale/fr/LC_MESSAGES/django.po"))
    translated = _french_catalogue()
    missing = [e.msgid for e in extracted if e.msgid and (e.msgctxt, e.msgid) not in translated]
    assert missing == [], f"{len(missing)} strings have no French translation: {missing[:40]}"


def test_french_catalogues_keep_named_placeholders():
    for (_ctx, msgid), entry in _french_catalogue().items():
        for placeholder in ("%(" + part.split(")", 1)[0] + ")" for part in msgid.split("%(")[1:]):
            forms = [entry.msgstr] if entry.msgstr else list(entry.msgstr_plural.values())
            for form in forms:
                assert placeholder in form or entry.msgid_plural, f"{msgid!r} lost {placeholder} in French"
