from django.urls import path

from . import views

app_name = "chapters"

urlpatterns = [
    path("", views.home, name="home"),
    path("chapters/", views.chapter_list, name="list"),
    path("chapters/<slug:slug>/", views.chapter_detail, name="detail"),
    path("chapters/<slug:slug>/calendar.ics", views.chapter_calendar, name="calendar"),
    path("chapters/<slug:slug>/join/", views.chapter_join, name="join"),
    path("chapters/<slug:slug>/leave/", views.chapter_leave, name="leave"),
    path("chapters/<slug:slug>/count-me-in/", views.chapter_interest, name="interest"),
]
