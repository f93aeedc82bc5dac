from django.http import HttpResponse
from django.shortcuts import render


def ceiling(request):
    """Return a short text answer: the fastest a page can be with the app's own middleware."""
    return HttpResponse("ok\n", content_type="text/plain; charset=utf-8")


def frame(request):
    """Return the site's frame alone (head, navbar, footer) drawn for the reader: the floor under
    every page's own work, logged in (the reader loaded, the navbar's links worked out) or not."""
    return render(request, "base.html", {})
