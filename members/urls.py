from django.urls import path

from . import views

app_name = "members"

urlpatterns = [
    path("me/", views.me, name="me"),
    path("me/calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
    path("me/calendar/new-address/", views.calendar_feed_renew, name="calendar_feed_renew"),
    path("me/profile/", views.profile, name="profile"),
    path("me/export/", views.export, name="export"),
    path("me/delete/", views.delete, name="delete"),
]
