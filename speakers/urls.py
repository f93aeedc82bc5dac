from django.urls import path

from . import views

app_name = "speakers"

urlpatterns = [
    path("chapters/<slug:slug>/talks/propose/", views.propose, name="propose"),
    path("me/talks/", views.my_talks, name="my_talks"),
    path("me/talks/<int:pk>/edit/", views.proposal_edit, name="proposal_edit"),
    path("me/talks/<int:pk>/withdraw/", views.proposal_withdraw, name="proposal_withdraw"),
    path("me/talks/profile/", views.profile_edit, name="profile_edit"),
    path("me/talks/tours/new/", views.tour_new, name="tour_new"),
    path("me/talks/stops/<int:pk>/answer/", views.tour_stop_answer, name="stop_answer"),
    path("speakers/<slug:slug>/", views.speaker_profile, name="profile"),
    path("tours/", views.tour_list, name="tours"),
    path("tours/<int:pk>/", views.tour_detail, name="tour"),
    path("tours/<int:pk>/request/", views.tour_request, name="tour_request"),
]
