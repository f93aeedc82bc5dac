from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunityConfig(AppConfig):
    name = "community"
    verbose_name = _("Community")

    def ready(self):
        from itprosig.page_cache import invalidate_pages_on_change

        from . import member_data, notifications

        # The chapter page thanks volunteers and lists open polls; the meeting page links to roles.
        invalidate_pages_on_change("community.Poll", "community.VolunteerRole", "community.VolunteerSignup")
        # Workers compose the emails queued by web requests and beat: register the composer there too.
        notifications.register()
        # A member's export and the closing of their account cover what they hold here.
        member_data.register()
