"""A fingerprint of the code and templates this process runs, for cache keys.

Cached pages and reports are kept until the data they show changes; a deploy that changes how they
are drawn must not serve copies rendered by the previous code. Keys carry this fingerprint, so a
process started on new code never reads what older code stored (the old entries simply expire).
"""

import functools
import hashlib

from django.conf import settings

# What decides how a page looks: Python code, templates and translations of the project's own apps.
SOURCES = ("itprosig", "chapters", "meetings", "members", "templates", "locale")
SUFFIXES = {".py", ".html", ".txt", ".po"}


@functools.cache
def fingerprint():
    digest = hashlib.sha256()
    for top in SOURCES:
        for path in sorted((settings.BASE_DIR / top).rglob("*")):
            if path.suffix in SUFFIXES and path.is_file() and "migrations" not in path.parts:
                digest.update(str(path.relative_to(settings.BASE_DIR)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:12]
