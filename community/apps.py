from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunityConfig(AppConfig):
    name = "community"
    verbose_name = _("Community")

    def ready(self):
        from . import member_data, notifications, page_invalidation

        page_invalidation.connect()
        # Workers compose the emails queued by web requests and beat: register the composer there too.
        notifications.register()
        # A member's export and the closing of their account cover what they hold here.
        member_data.register()
