"""Every string the community app marks has a French translation in its own catalogue."""

import os
import pathlib
import shutil
import subprocess
import sys

import polib
import pytest
from django.conf import settings

APP = pathlib.Path(settings.BASE_DIR) / "community"


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext is not installed")
def test_community_strings_all_have_french(tmp_path):
    shutil.copytree(APP, tmp_path / "community", ignore=shutil.ignore_patterns("locale", "__pycache__"))
    (tmp_path / "community" / "locale").mkdir()
    subprocess.run(
        # -P: the app's own selectors.py must not shadow the standard library's module of that name.
        [sys.executable, "-P", "-m", "django", "makemessages", "-l", "fr"],
        cwd=tmp_path / "community",
        check=True,
        capture_output=True,
        env={k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"},
    )
    extracted = polib.pofile(str(tmp_path / "community/locale/fr/LC_MESSAGES/django.po"))
    catalogue = polib.pofile(str(APP / "locale/fr/LC_MESSAGES/django.po"))
    translated = {(e.msgctxt, e.msgid) for e in catalogue.translated_entries()}

    missing = [e.msgid for e in extracted if e.msgid and (e.msgctxt, e.msgid) not in translated]

    assert missing == []
    assert catalogue.metadata["Plural-Forms"] == "nplurals=2; plural=(n > 1);"
