from django.urls import path

from . import views

app_name = "community"

urlpatterns = [
    path("chapters/<slug:slug>/meetings/<int:pk>/volunteer/", views.volunteer, name="volunteer"),
    path("chapters/<slug:slug>/polls/<int:pk>/", views.poll, name="poll"),
    path("community/feedback/<str:token>/", views.feedback, name="feedback"),
    path("community/notes/<int:pk>/", views.meeting_notes, name="notes"),
    path("me/volunteering/", views.my_volunteering, name="my_volunteering"),
]
