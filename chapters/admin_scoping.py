"""Admin classes that confine an organizer to the chapters they organize.

An admin for a chapter-owned model subclasses ChapterScopedAdmin (or the inline variant) and names
the lookup path from the model to its chapter in `chapter_path`. The list, the change and delete
views, the foreign-key and many-to-many choices and the permissions then all follow the user's
organizer roles: a superuser sees everything, an organizer only their chapters, anyone else nothing.

A choice is offered, and accepted on the server, exactly when the chosen row is in the list the
user would see in that model's own admin: the form field's queryset is what validates a submitted
id, whatever the widget (select, raw id, autocomplete).

Every admin class here also refuses malformed input before it reaches the database: an object id
that cannot be a primary key is a 404, a NUL byte in a form or a malformed action selection a 400.
"""

from django import forms
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.utils import get_fields_from_path
from django.core.exceptions import BadRequest, ValidationError
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from .models import Chapter
from .rules import is_superuser, may_enter_admin, organized_chapter_ids, organizes_any


def scoped_list_filter(model, item):
    """Return the list filter for `item`, offering only chapters present in the user's own list.

    A plain chapter filter would name every chapter of the network in the sidebar.
    """
    if isinstance(item, str):
        field = get_fields_from_path(model, item)[-1]
        if field.is_relation and field.related_model is Chapter:
            return (item, admin.RelatedOnlyFieldListFilter)
    return item


def _is_primary_key(model, value):
    try:
        model._meta.pk.to_python(value)
    except (ValidationError, ValueError, TypeError):
        return False
    return "\x00" not in str(value)


class AdminInputGuardMixin:
    """Answer malformed ids, NUL bytes and malformed action selections with a 404 or 400, never a 500.

    Django's admin hands such values to the database, which fails on them (PostgreSQL refuses NUL
    in text; an integer key refuses "abc"). Addresses holding NUL never get here (see
    itprosig.middleware); form bodies and ids in the path do.
    """

    def check_admin_input(self, request, object_id=None):
        if object_id is not None and not _is_primary_key(self.model, object_id):
            raise Http404
        if request.method != "POST":
            return
        if any("\x00" in key or "\x00" in value for key, values in request.POST.lists() for value in values):
            raise BadRequest("NUL byte in the form")
        selected = request.POST.getlist(ACTION_CHECKBOX_NAME)
        if not all(_is_primary_key(self.model, pk) for pk in selected):
            raise BadRequest("Malformed selection for an admin action")

    def changelist_view(self, request, extra_context=None):
        self.check_admin_input(request)
        return super().changelist_view(request, extra_context)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        self.check_admin_input(request, object_id)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        self.check_admin_input(request, object_id)
        return super().delete_view(request, object_id, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        self.check_admin_input(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def get_search_results(self, request, queryset, search_term):
        # The autocomplete view passes its term straight here.
        if "\x00" in search_term:
            raise BadRequest("NUL byte in a search")
        return super().get_search_results(request, queryset, search_term)


class _OneRuleAdmin(AdminInputGuardMixin):
    """Every permission of the admin (module, view, add, change, delete) is what the subclass's
    `_allowed(request, obj=None)` answers."""

    def _allowed_once(self, request, obj=None):
        # Every admin page asks all five permissions of every model for its sidebar, and a change
        # page asks about its object again and again: one answer per admin and object a request.
        answers = request.__dict__.setdefault("_admin_allowed", {})
        key = (type(self), self.model, None if obj is None else (type(obj), obj.pk))
        if key not in answers:
            answers[key] = self._allowed(request, obj)
        return answers[key]

    def has_module_permission(self, request):
        return self._allowed_once(request)

    def has_view_permission(self, request, obj=None):
        return self._allowed_once(request, obj)

    def has_add_permission(self, request, *args):
        return self._allowed_once(request)

    def has_change_permission(self, request, obj=None):
        return self._allowed_once(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._allowed_once(request, obj)


def scoped_choices(request, admin_site, queryset):
    """Return the rows of `queryset` this user may choose: those their own admin list would show.

    A model with a chapter-scoped admin offers its rows of the user's chapters; one the user may
    see network-wide (topics) offers all; any other model (no admin, or one the user may not
    open) offers nothing to anyone but a superuser.
    """
    if is_superuser.test(request.user):
        return queryset
    model_admin = admin_site._registry.get(queryset.model)
    if isinstance(model_admin, ChapterScopeMixin):
        return model_admin.scope_queryset(request, queryset)
    if model_admin is not None and model_admin.has_view_permission(request):
        return queryset
    return queryset.none()


class _KeepsCurrentChoices:
    """A saved row keeps the relations it already holds, even ones outside today's choices.

    An organizer's chapter may list a team member who is not (or no longer) a member of it; saving
    the chapter unchanged must not fail on that row. Nothing new becomes choosable: only the values
    the row already has are added back.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            return
        for name, field in self.fields.items():
            if isinstance(field, forms.ModelMultipleChoiceField):
                current = [obj.pk for obj in getattr(self.instance, name).all()]
            elif isinstance(field, forms.ModelChoiceField):
                current = [getattr(self.instance, f"{name}_id", None)]
            else:
                continue
            current = [pk for pk in current if pk is not None]
            if current:
                model = field.queryset.model
                field.queryset = model._default_manager.filter(
                    Q(pk__in=field.queryset.values("pk")) | Q(pk__in=current)
                )


def _keeping_current_choices(form_class):
    return type(form_class.__name__, (_KeepsCurrentChoices, form_class), {})


class ChapterScopeMixin(_OneRuleAdmin):
    #: Lookup path from the model to its Chapter ("" for Chapter itself, "chapter", "meeting__chapter").
    chapter_path = "chapter"

    def _scope_filter(self, request):
        field = f"{self.chapter_path}__in" if self.chapter_path else "pk__in"
        return {field: organized_chapter_ids(request.user)}

    def scope_queryset(self, request, queryset):
        """Return the rows of `queryset` (of this admin's model) inside the user's chapters."""
        if is_superuser.test(request.user):
            return queryset
        return queryset.filter(**self._scope_filter(request)).distinct()

    def get_queryset(self, request):
        return self.scope_queryset(request, super().get_queryset(request))

    def _allowed(self, request, obj=None):
        if is_superuser.test(request.user):
            return True
        if not organizes_any.test(request.user):
            return False
        return obj is None or self.get_queryset(request).filter(pk=obj.pk).exists()

    def get_list_filter(self, request):
        filters = super().get_list_filter(request)
        if is_superuser.test(request.user):
            return filters
        return [scoped_list_filter(self.model, item) for item in filters]

    def narrow_choices(self, request, field_name, queryset):
        """Return the rows this form may offer in `field_name`, within the user's scope.

        Override to narrow one field further; autocomplete searches for that field follow it.
        """
        return queryset

    def _scoped_formfield(self, request, db_field, field):
        if field is None or not hasattr(field, "queryset"):
            return field
        field.queryset = self.narrow_choices(
            request, db_field.name, scoped_choices(request, self.admin_site, field.queryset)
        )
        return field

    def get_form(self, request, obj=None, **kwargs):
        return _keeping_current_choices(super().get_form(request, obj, **kwargs))

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form = _keeping_current_choices(formset.form)
        return formset

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        """Offer, and accept, only rows the user may see in the chosen model's own admin."""
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        return self._scoped_formfield(request, db_field, field)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        return self._scoped_formfield(request, db_field, field)

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        source = self._autocomplete_source(request)
        if source is not None:
            # An autocomplete offers what the field it fills would accept.
            source_admin, field_name = source
            queryset = source_admin.narrow_choices(request, field_name, queryset)
        return queryset, may_have_duplicates

    def _autocomplete_source(self, request):
        """Return (admin, field name) of the form field an autocomplete request searches for."""
        match = request.resolver_match
        if match is None or match.url_name != "autocomplete":
            return None
        for model, model_admin in self.admin_site._registry.items():
            opts = model._meta
            if (opts.app_label, opts.model_name) == (
                request.GET.get("app_label"),
                request.GET.get("model_name"),
            ) and isinstance(model_admin, ChapterScopeMixin):
                return model_admin, request.GET.get("field_name", "")
        return None


class ChapterScopedAdmin(ChapterScopeMixin, admin.ModelAdmin):
    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        # An organizer of one chapter adds rows for that chapter: no choice to make.
        ids = organized_chapter_ids(request.user)
        if self.chapter_path == "chapter" and "chapter" not in initial and len(ids) == 1:
            initial["chapter"] = next(iter(ids))
        return initial


class ChapterScopedTabularInline(ChapterScopeMixin, admin.TabularInline):
    def _allowed(self, request, obj=None):
        # An inline lives inside a parent the user may already open; the parent's scope decides.
        return may_enter_admin(request.user)


class ChapterScopedStackedInline(ChapterScopedTabularInline, admin.StackedInline):
    template = admin.StackedInline.template


class SuperuserOnlyAdmin(_OneRuleAdmin, admin.ModelAdmin):
    """For network-wide models (sponsors): only superusers see or change them."""

    def _allowed(self, request, obj=None):
        return is_superuser.test(request.user)


class NetworkSharedAdmin(_OneRuleAdmin, admin.ModelAdmin):
    """For network-wide models every organizer works with (topics): whoever may enter the admin."""

    def _allowed(self, request, obj=None):
        return may_enter_admin(request.user)


class ReadOnlyAdminMixin:
    """A record of what happened: whoever may see it reads it; nobody adds or edits it.

    Deleting follows `deletable_by`: nobody (None), whoever the admin's scope lets delete
    ("scope"), or only a superuser within that scope ("superuser").
    """

    deletable_by = None

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        if self.deletable_by is None:
            return False
        if self.deletable_by == "superuser" and not is_superuser.test(request.user):
            return False
        return super().has_delete_permission(request, obj)


class SuperuserWritesMixin:
    """Those the admin's scope lets in read the rows; the actions in `superuser_actions` are a superuser's.

    Goes before the scoping mixin, so the scope still decides who sees what.
    """

    superuser_actions = ("add", "change", "delete")

    def _superuser_may(self, request, action):
        return action not in self.superuser_actions or is_superuser.test(request.user)

    def has_add_permission(self, request, *args):
        return self._superuser_may(request, "add") and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return self._superuser_may(request, "change") and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._superuser_may(request, "delete") and super().has_delete_permission(request, obj)


def in_chapter_time(form, cleaned, names):
    """Return the chapter a chapter-owned admin form is for (its row's, or the one chosen), or None.

    The form read the times in `names` in the time zone active for the request; they mean the
    chapter's wall-clock time, so they are read again in its zone.
    """
    chapter = form.instance.chapter if form.instance.pk else cleaned.get("chapter")
    if chapter is not None:
        current = timezone.get_current_timezone()
        for name in names:
            if cleaned.get(name) is not None:
                cleaned[name] = timezone.make_aware(
                    timezone.make_naive(cleaned[name], current), chapter.tzinfo
                )
    return chapter
