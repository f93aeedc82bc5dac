"""The app's own URLs plus the reference views every page is compared with."""

from django.urls import path

from itprosig.urls import urlpatterns as app_urlpatterns

from .views import ceiling, frame

urlpatterns = [
    path("bench/ceiling/", ceiling, name="bench-ceiling"),
    path("bench/frame/", frame, name="bench-frame"),
    *app_urlpatterns,
]
