from django.urls import path

from members.newsletters import views as views_mail

app_name = "mail"

urlpatterns = [
    path("unsubscribe/<str:token>/", views_mail.unsubscribe, name="unsubscribe"),
    path(
        "unsubscribe/announcements/<str:token>/",
        views_mail.announcements_unsubscribe_view,
        name="announcements_unsubscribe",
    ),
    path("me/email/", views_mail.preferences, name="preferences"),
]
