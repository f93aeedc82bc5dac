"""Admin classes that confine an organizer to the chapters they organize.

An admin for a chapter-owned model subclasses ChapterScopedAdmin (or the inline variant) and names
the lookup path from the model to its chapter in `chapter_path`. The list, the change and delete
views, the foreign-key choices and the permissions then all follow the user's organizer roles:
a superuser sees everything, an organizer only their chapters, anyone else nothing.
"""

from django.contrib import admin
from django.contrib.admin.utils import get_fields_from_path

from .models import Chapter
from .permissions import organized_chapter_ids


def _chapter_ids(request):
    return organized_chapter_ids(request.user)


def scoped_list_filter(model, item):
    """Return the list filter for `item`, offering only chapters present in the user's own list.

    A plain chapter filter would name every chapter of the network in the sidebar.
    """
    if isinstance(item, str):
        field = get_fields_from_path(model, item)[-1]
        if field.is_relation and field.related_model is Chapter:
            return (item, admin.RelatedOnlyFieldListFilter)
    return item


class ChapterScopeMixin:
    #: Lookup path from the model to its Chapter ("" for Chapter itself, "chapter", "meeting__chapter").
    chapter_path = "chapter"

    def _scope_filter(self, request):
        field = f"{self.chapter_path}__in" if self.chapter_path else "pk__in"
        return {field: _chapter_ids(request)}

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(**self._scope_filter(request)).distinct()

    def _allowed(self, request, obj=None):
        user = request.user
        if not user.is_active:
            return False
        if user.is_superuser:
            return True
        ids = _chapter_ids(request)
        if not ids:
            return False
        if obj is None:
            return True
        return self.get_queryset(request).filter(pk=obj.pk).exists()

    def has_module_permission(self, request):
        return self._allowed(request)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request, obj)

    def has_add_permission(self, request, *args):
        return self._allowed(request)

    def has_change_permission(self, request, obj=None):
        return self._allowed(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._allowed(request, obj)

    def get_list_filter(self, request):
        filters = super().get_list_filter(request)
        if request.user.is_superuser:
            return filters
        return [scoped_list_filter(self.model, item) for item in filters]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        """Offer only objects of the organizer's chapters in every chapter-owned choice."""
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if request.user.is_superuser or field is None:
            return field
        ids = _chapter_ids(request)
        model = db_field.remote_field.model
        if model is Chapter:
            field.queryset = field.queryset.filter(pk__in=ids)
        elif any(f.name == "chapter" for f in model._meta.get_fields()):
            field.queryset = field.queryset.filter(chapter__in=ids)
        return field


class ChapterScopedAdmin(ChapterScopeMixin, admin.ModelAdmin):
    pass


class ChapterScopedTabularInline(ChapterScopeMixin, admin.TabularInline):
    def _allowed(self, request, obj=None):
        # An inline lives inside a parent the user may already open; the parent's scope decides.
        user = request.user
        return user.is_active and (user.is_superuser or bool(_chapter_ids(request)))


class ChapterScopedStackedInline(ChapterScopedTabularInline, admin.StackedInline):
    template = admin.StackedInline.template


class SuperuserOnlyAdmin(admin.ModelAdmin):
    """For network-wide models (sponsors, topics' deletion): only superusers change them."""

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser
