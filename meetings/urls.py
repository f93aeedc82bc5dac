from django.urls import path

from . import views

app_name = "meetings"

urlpatterns = [
    path("chapters/<slug:slug>/meetings/<int:pk>/", views.meeting_detail, name="detail"),
    path("chapters/<slug:slug>/meetings/<int:pk>/rsvp/", views.meeting_rsvp, name="rsvp"),
    path("chapters/<slug:slug>/meetings/<int:pk>/event.ics", views.meeting_ics, name="ics"),
    path("topics/", views.topic_list, name="topics"),
    path("topics/<slug:slug>/", views.topic_detail, name="topic"),
]
