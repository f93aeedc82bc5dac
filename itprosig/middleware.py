"""Small request guards that run before anything reads the request."""

from django.conf import settings
from django.core.exceptions import BadRequest
from django.utils import translation
from django.views.defaults import bad_request

NUL = "\x00"


def _has_nul(request):
    # The query string is still percent-encoded here; %00 is the only way to write NUL in it.
    query = request.META.get("QUERY_STRING", "")
    return NUL in request.path_info or NUL in query or "%00" in query


class RefuseNulMiddleware:
    """Answer any address holding a NUL byte with the 400 page.

    No page of ours takes NUL in a path or a query parameter, and PostgreSQL refuses it in text:
    every view, admin page and static file lookup that read one would otherwise end in a 500.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _has_nul(request):
            # The page is drawn in the address's language: LocaleMiddleware has not run yet.
            language = translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE
            with translation.override(language):
                return bad_request(request, BadRequest("NUL byte in the address"))
        return self.get_response(request)
