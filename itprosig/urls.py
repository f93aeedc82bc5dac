from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path

from itprosig.robots import robots_txt
from members.account_views import confirm_email

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("robots.txt", robots_txt, name="robots_txt"),
]
urlpatterns += i18n_patterns(
    # /admin/ in English, /fr/admin/ in French; the admin site sends organizers to their language's.
    path("admin/", admin.site.urls),
    # Before allauth's own: the browser that signed up confirms its address in one click.
    re_path(r"^accounts/confirm-email/(?P<key>[-:\w]+)/$", confirm_email, name="account_confirm_email"),
    path("accounts/", include("allauth.urls")),
    path("", include("chapters.urls")),
    path("", include("meetings.urls")),
    path("", include("community.urls")),
    path("", include("members.urls")),
    path("", include("members.newsletters.urls")),
    path("", include("speakers.urls")),
    path("checkin/", include("meetings.checkin.urls")),
    path("reports/", include("meetings.reports.urls")),
    prefix_default_language=False,
)

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
