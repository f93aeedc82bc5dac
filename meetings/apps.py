from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Meetings")

    def ready(self):
        from meetings.reports import cache as report_cache

        from . import member_data, notifications, page_invalidation

        page_invalidation.connect()
        report_cache.connect()
        # Workers render RSVP emails queued by web requests: the composer must be registered there too.
        notifications.register()
        # Members' account pages (data export, closing) reach meetings' data through these.
        member_data.register()
