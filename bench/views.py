from django.http import HttpResponse


def ceiling(request):
    """Return a short text answer: the fastest a page can be with the app's own middleware."""
    return HttpResponse("ok\n", content_type="text/plain; charset=utf-8")
