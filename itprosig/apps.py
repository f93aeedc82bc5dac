from django.contrib.admin.apps import AdminConfig


class ItprosigAdminConfig(AdminConfig):
    default_site = "itprosig.admin_site.OrganizerAdminSite"
