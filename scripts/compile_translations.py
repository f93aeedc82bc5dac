"""Compile every .po catalogue in the project into its .mo, with no system gettext needed.

Run by `make run` and `make test` so /fr/ pages always show the current French text.
"""

import pathlib
import sys

import polib

ROOT = pathlib.Path(__file__).resolve().parent.parent
SKIP = {".venv", "node_modules", "var"}


def main():
    compiled = 0
    # The project's catalogues, and each app's own (<app>/locale/).
    for po_path in [*ROOT.glob("locale/**/LC_MESSAGES/*.po"), *ROOT.glob("*/locale/*/LC_MESSAGES/*.po")]:
        if SKIP.intersection(po_path.relative_to(ROOT).parts):
            continue
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
        compiled += 1
    print(f"translations: {compiled} catalogue(s) compiled", file=sys.stderr)


if __name__ == "__main__":
    main()
