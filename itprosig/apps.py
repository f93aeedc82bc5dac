from django.contrib.admin.apps import AdminConfig


class ItprosigAdminConfig(AdminConfig):
    default_site = "itprosig.admin_site.OrganizerAdminSite"

    def ready(self):
        super().ready()
        # Registers the deployment checks (a half production configuration is an error).
        from . import checks  # noqa: F401
