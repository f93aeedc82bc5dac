from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SpeakersConfig(AppConfig):
    name = "speakers"
    verbose_name = _("Talks and speakers")

    def ready(self):
        from itprosig.page_cache import invalidate_pages_on_change

        from . import member_data, notifications

        # The meeting page links a talk to its speaker's public profile and tour.
        invalidate_pages_on_change(
            "speakers.SpeakerProfile", "speakers.Proposal", "speakers.Tour", "speakers.TourStop"
        )
        # Workers render the review emails queued by requests: the composer must be known there too.
        notifications.register()
        # A member's export and the closing of their account cover what they hold here.
        member_data.register()
