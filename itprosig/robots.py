"""/robots.txt: crawlers may read the public pages, not the admin, accounts, members' pages or reports."""

from django.conf import settings
from django.http import HttpResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

# Address prefixes behind a login (or a scanner at the door): nothing there for a search engine.
PRIVATE_PREFIXES = ("admin/", "accounts/", "me/", "reports/", "checkin/")


@require_safe
@cache_control(public=True, max_age=24 * 3600)
def robots_txt(request):
    """Return the rules for every crawler, for English (no prefix) and each other language's prefix."""
    languages = [""] + [f"{code}/" for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
    lines = ["User-agent: *"]
    lines += [f"Disallow: /{language}{prefix}" for language in languages for prefix in PRIVATE_PREFIXES]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
