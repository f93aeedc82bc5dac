"""The app's own URLs plus the ceiling view that every page is compared with."""

from django.urls import path

from itprosig.urls import urlpatterns as app_urlpatterns

from .views import ceiling

urlpatterns = [path("bench/ceiling/", ceiling, name="bench-ceiling"), *app_urlpatterns]
