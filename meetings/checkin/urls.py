from django.urls import path

from meetings.checkin import views as views_checkin

app_name = "checkin"

urlpatterns = [
    path("<int:meeting_id>/", views_checkin.meeting_checkin, name="meeting"),
    path("<int:meeting_id>/totals/", views_checkin.meeting_totals, name="totals"),
    path("<int:meeting_id>/walk-in/", views_checkin.meeting_walk_in_view, name="walk_in"),
    path("<int:meeting_id>/guests/", views_checkin.meeting_guests, name="guests"),
    path("<int:meeting_id>/rsvp/<int:rsvp_id>/", views_checkin.rsvp_toggle, name="toggle"),
    # A walk-in guest's invitation to join the chapter, emailed at an organizer's request (signed).
    path("join/<str:token>/", views_checkin.guest_invitation, name="join"),
    # The QR code in an RSVP confirmation opens this page; the token is signed (checkin_links).
    path("<int:meeting_id>/r/<str:token>/", views_checkin.rsvp_from_code, name="rsvp"),
]
