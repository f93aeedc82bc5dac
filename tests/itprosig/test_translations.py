"""Every string a user can see has a French translation, kept in its app's catalogue by makemessages."""

import os
import pathlib
import shutil
import subprocess
import sys

import polib
import pytest
from django.conf import settings

ROOT = pathlib.Path(settings.BASE_DIR)
COPIED = [
    "chapters",
    "members",
    "meetings",
    "speakers",
    "community",
    "itprosig",
    "templates",
    "locale",
    "manage.py",
]


def _catalogues(root):
    """Return {catalogue path relative to root: polib file} for every French catalogue under root."""
    paths = [*root.glob("*/locale/fr/LC_MESSAGES/django.po"), root / "locale/fr/LC_MESSAGES/django.po"]
    return {str(path.relative_to(root)): polib.pofile(str(path)) for path in paths if path.exists()}


def _ids(catalogue):
    return {(entry.msgctxt, entry.msgid) for entry in catalogue if not entry.obsolete}


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext is not installed")
def test_makemessages_finds_every_string_in_its_apps_catalogue_translated(tmp_path):
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
        else:
            shutil.copy(source, tmp_path / name)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "fr", "--no-obsolete", "--add-location", "file"],
        cwd=tmp_path,
        check=True,
        capture_output=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "itprosig.settings", "DEBUG": "true"},
    )
    kept, extracted = _catalogues(ROOT), _catalogues(tmp_path)
    assert set(extracted) == set(kept)
    for path, catalogue in extracted.items():
        new = sorted(msgid for _ctx, msgid in _ids(catalogue) - _ids(kept[path]))
        gone = sorted(msgid for _ctx, msgid in _ids(kept[path]) - _ids(catalogue))
        assert new == [], f"{path}: {len(new)} strings not in the catalogue (run make messages): {new[:30]}"
        assert gone == [], f"{path}: {len(gone)} strings no longer used (run make messages): {gone[:30]}"
        untranslated = [entry.msgid for entry in catalogue if not entry.translated() and entry.msgid]
        assert untranslated == [], f"{path}: {len(untranslated)} strings have no French: {untranslated[:30]}"


def test_french_catalogues_keep_named_placeholders():
    for catalogue in _catalogues(ROOT).values():
        for entry in catalogue.translated_entries():
            msgid = entry.msgid
            for placeholder in ("%(" + part.split(")", 1)[0] + ")" for part in msgid.split("%(")[1:]):
                forms = [entry.msgstr] if entry.msgstr else list(entry.msgstr_plural.values())
                for form in forms:
                    assert placeholder in form or entry.msgid_plural, (
                        f"{msgid!r} lost {placeholder} in French"
                    )
