from django.urls import path

from . import views

app_name = "members"

urlpatterns = [
    path("me/", views.me, name="me"),
    path("me/profile/", views.profile, name="profile"),
    path("me/export/", views.export, name="export"),
    path("me/delete/", views.delete, name="delete"),
]
