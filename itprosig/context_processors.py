"""Template context every page needs: the language switcher and the shared fragments' keys."""

from functools import cached_property

from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language, get_language_info

from .page_cache import SharedFragments


class Navigation:
    """Facts for the navbar, each worked out only if the page asks for it."""

    def __init__(self, request):
        self.request = request

    @cached_property
    def languages(self):
        """Return the other languages with the current page's address in each."""
        current = get_language()
        path = self.request.get_full_path()
        links = []
        for code, _name in settings.LANGUAGES:
            if code == current:
                continue
            info = get_language_info(code)
            links.append({"code": code, "name": info["name_local"], "url": translate_url(path, code)})
        return links


def site(request):
    return {"nav": Navigation(request), "shared": SharedFragments(request)}
