from django.urls import path

from meetings.reports import views as views_reports

app_name = "reports"

urlpatterns = [
    path("", views_reports.index, name="index"),
    path("network/", views_reports.network, name="network"),
    path("network/<slug:table>.csv", views_reports.network_csv, name="network_csv"),
    path("chapters/<slug:slug>/", views_reports.chapter, name="chapter"),
    path("chapters/<slug:slug>/summary.pdf", views_reports.chapter_pdf, name="chapter_pdf"),
    path("chapters/<slug:slug>/<slug:table>.csv", views_reports.chapter_csv, name="chapter_csv"),
    path("meetings/<int:pk>/", views_reports.meeting, name="meeting"),
    path("meetings/<int:pk>/<slug:table>.csv", views_reports.meeting_csv, name="meeting_csv"),
]
