"""Every relational field of every admin form refuses a row outside the user's scope.

The walk is built from the admin registry, so a model registered later is covered without
editing this file: each role opens (or, when refused, posts blindly to) the add page and the change
page of every model, then posts, one field at a time, an id the role may not choose into every
foreign-key and many-to-many field of the form and of its inlines. Nothing may be saved, and the
answer must be a refusal (login, 403, 404, "does not exist") or the form again with an error on
that very field.
"""

import itertools

import pytest
from django import forms
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from chapters.models import Chapter, ChapterRole
from members.models import Membership
from members.newsletters.models import Newsletter
from tests.factories import MeetingFactory, MemberFactory, MembershipFactory, VenueFactory
from tests.support.html_forms import read_form, with_new_inline_row, without_templates
from tests.support.world import PASSWORD

pytestmark = pytest.mark.django_db

ROLES = ["superuser", "organizer", "other_organizer", "volunteer", "liaison", "member"]
# Which chapter each organizer runs, by the world fixture's names.
OWN_CHAPTER = {"organizer": "toronto", "other_organizer": "montreal"}


@pytest.fixture
def both_sides(world):
    """Give Montréal a member, a venue, a meeting and a newsletter of its own, beside Toronto's."""
    montreal = world["chapters"]["montreal"]
    outsider = MemberFactory(email="only.montreal@example.org", display_name="Only Montréal")
    mtl_venue = VenueFactory(chapter=montreal, name="Salle Montréal")
    return {
        "chapters.chapter": montreal,
        "chapters.venue": mtl_venue,
        "chapters.chapterrole": ChapterRole.objects.get(chapter=montreal),
        "members.membership": MembershipFactory(member=outsider, chapter=montreal),
        "meetings.meeting": MeetingFactory(chapter=montreal, venue=mtl_venue, title="Réunion"),
        "members.newsletter": Newsletter.objects.create(
            chapter=montreal, subject="Nouvelles", body="Bonjour", created_by=outsider
        ),
    }


def _registered():
    """Return every model the admin registers, other packages' (allauth, auth) included."""
    registry = admin.site._registry.items()
    return sorted((model._meta.label_lower, model_admin) for model, model_admin in registry)


def _owner_path(model):
    """Return the lookup from `model` to the chapter that owns its rows, or None if shared."""
    if model is Chapter:
        return "pk"
    if model is get_user_model():
        return "memberships__chapter"
    names = {f.name: f for f in model._meta.get_fields() if f.many_to_one}
    if "chapter" in names:
        return "chapter"
    for name, field in names.items():
        inner = _owner_path(field.related_model)
        if inner and field.related_model is not get_user_model():
            return f"{name}__{inner}"
    return None


def _out_of_scope_ids(model, role, world):
    """Return ids of `model` that `role` may not choose: another chapter's rows, staff, unknown ids."""
    unknown = (model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 10_000
    if role not in OWN_CHAPTER:
        # A superuser may choose any row; the others have no admin at all.
        return [unknown]
    own = world["chapters"][OWN_CHAPTER[role]]
    path = _owner_path(model)
    ids = []
    if path is not None:
        theirs = model.objects.exclude(**{path: own.pk})
        ids.append(theirs.order_by("pk").values_list("pk", flat=True).first())
    if model is get_user_model():
        ids.append(world["users"]["superuser"].pk)
    return [pk for pk in ids if pk is not None] + [unknown]


def _relational_fields(response):
    """Yield (name, chosen model, form's model, inline prefix) of each relational field.

    The inlines' own row ids are left out: Django checks them against the parent's rows.
    """
    form = response.context["adminform"].form
    for name, field in form.fields.items():
        if isinstance(field, forms.ModelChoiceField):
            yield name, field.queryset.model, form._meta.model, None
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        skipped = {formset.fk.name, formset.model._meta.pk.name}
        for name, field in formset.empty_form.fields.items():
            if isinstance(field, forms.ModelChoiceField) and name not in skipped:
                yield name, field.queryset.model, formset.model, formset.prefix


def _rows_holding(model, field_name, value):
    """Return how many rows of `model` point to `value` through `field_name`."""
    return model._default_manager.filter(**{field_name: value}).count()


def _pages(label, world, both_sides):
    app_label, model_name = label.split(".")
    pages = [reverse(f"admin:{app_label}_{model_name}_add")]
    for obj in (world["objects"].get(label), both_sides.get(label)):
        if obj is not None:
            pages.append(reverse(f"admin:{app_label}_{model_name}_change", args=[obj.pk]))
    return pages


def _form_id(label):
    return f"{label.split('.')[1]}_form"


def _study(client, url, label):
    """Return (form data, relational fields) of the page at `url` as the logged-in user sees it."""
    response = client.get(url)
    if response.status_code != 200 or "adminform" not in (response.context or {}):
        return None
    data = without_templates(read_form(response.content.decode(), _form_id(label)))
    if "_save" not in data:
        return None  # a read-only view: nothing to post
    return response.content.decode(), data, list(_relational_fields(response))


def _accepted(response, posted):
    """Return why the post counts as accepted, or None when it was refused."""
    if response.status_code in (403, 404, 400):
        return None
    if response.status_code == 302:
        where = response["Location"]
        refused = "/admin/login/" in where or where.rstrip("/").endswith("/admin")
        return None if refused else f"redirected to {where}"
    if response.status_code != 200:
        return f"status {response.status_code}"
    form = response.context["adminform"].form
    if posted in form.errors:
        return None
    for inline in response.context["inline_admin_formsets"]:
        for row in inline.formset.forms:
            if posted.startswith(f"{row.prefix}-") and posted.removeprefix(f"{row.prefix}-") in row.errors:
                return None
    return f"answered 200 without an error on {posted}"


@pytest.mark.slow  # every admin form x six roles: make test runs it
def test_admin_forms_refuse_out_of_scope_choices(client, world, both_sides):
    superuser = world["users"]["superuser"]
    registered = _registered()
    assert len(registered) >= 15

    # The superuser's view of each page tells what a blind post may hold for users who are refused;
    # it is the same for every role, so it is read once.
    client.force_login(superuser)
    blueprint = {}
    for label, _admin in registered:
        for url in _pages(label, world, both_sides):
            blueprint[url] = (label, _study(client, url, label))
    client.logout()

    accepted, tried = [], 0
    for role in ROLES:
        user = world["users"][role]
        assert client.login(email=user.email, password=PASSWORD)
        role_accepted, role_tried = _walk(client, world, role, blueprint)
        accepted += role_accepted
        tried += role_tried
        client.logout()
    assert tried >= 10 * len(ROLES)
    assert accepted == [], "\n".join(accepted)


def _walk(client, world, role, blueprint):
    """Post every out-of-scope id into every relational field as `role`; return (accepted, tried)."""
    accepted, tried = [], 0
    for url, (label, seen_by_superuser) in blueprint.items():
        page = _study(client, url, label) or seen_by_superuser
        if page is None:
            continue
        html, data, relational = page
        for name, model, owner, prefix in relational:
            targets = []
            if prefix is None:
                targets.append((data, name))
            else:
                if int(data.get(f"{prefix}-INITIAL_FORMS", ["0"])[0]):
                    targets.append((data, f"{prefix}-0-{name}"))
                grown, row = with_new_inline_row(read_form(html, _form_id(label)), prefix)
                targets.append((without_templates(grown), f"{row}-{name}"))
            for (base, posted), bad_id in itertools.product(targets, _out_of_scope_ids(model, role, world)):
                if str(bad_id) in base.get(posted, []):
                    continue  # the row holds it already: keeping it is no new choice
                # Each post is undone afterwards, so one that got through cannot spoil the next.
                with transaction.atomic():
                    before = _rows_holding(owner, name, bad_id)
                    response = client.post(url, {**base, posted: [str(bad_id)]})
                    reason = _accepted(response, posted)
                    if _rows_holding(owner, name, bad_id) != before:
                        reason = f"saved ({reason or 'refused on screen'})"
                    transaction.set_rollback(True)
                tried += 1
                if reason:
                    accepted.append(f"{role} {url} {posted}={bad_id} ({model.__name__}): {reason}")
    return accepted, tried


def test_admin_form_walk_reaches_every_relational_field(client, world, both_sides):
    """The walk sees the fields that matter: without them it would prove nothing."""
    client.force_login(world["users"]["superuser"])
    found = set()
    for label, _admin in _registered():
        for url in _pages(label, world, both_sides):
            page = _study(client, url, label)
            if page:
                found |= {(label, name) for name, *_rest in page[2]}
    expected = {
        ("members.membership", "member"),
        ("members.membership", "chapter"),
        ("chapters.chapterrole", "user"),
        ("chapters.chapterrole", "chapter"),
        ("chapters.chapter", "user"),  # the team inline
        ("meetings.meeting", "venue"),
        ("meetings.meeting", "topics"),
        ("members.newsletter", "chapter"),
    }
    assert expected <= found


def test_admin_membership_add_refuses_another_chapters_member(client, world, both_sides):
    outsider = both_sides["members.membership"].member
    assert client.login(email="organizer@example.org", password=PASSWORD)
    response = client.post(
        reverse("admin:members_membership_add"),
        {
            "member": outsider.pk,
            "chapter": world["chapters"]["toronto"].pk,
            "joined_at_0": "2026-11-01",
            "joined_at_1": "19:00:00",
            "source": "admin",
        },
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Membership.objects.filter(member=outsider, chapter=world["chapters"]["toronto"]).exists()
    # And the member's profile stays out of reach.
    page = client.get(reverse("admin:members_member_change", args=[outsider.pk]))
    assert outsider.email not in page.content.decode()


@pytest.mark.parametrize("who", ["superuser", "outsider", "staff_member"])
def test_admin_chapterrole_add_refuses_users_outside_the_chapter(client, world, both_sides, who):
    toronto = world["chapters"]["toronto"]
    staff = MemberFactory(email="staff@example.org", is_staff=True)
    MembershipFactory(member=staff, chapter=toronto)
    user = {
        "superuser": world["users"]["superuser"],
        "outsider": both_sides["members.membership"].member,
        "staff_member": staff,
    }[who]
    assert client.login(email="organizer@example.org", password=PASSWORD)
    response = client.post(
        reverse("admin:chapters_chapterrole_add"),
        {"user": user.pk, "chapter": toronto.pk, "role": "organizer", "since": ""},
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not ChapterRole.objects.filter(user=user).exists()


def test_admin_member_autocomplete_lists_only_the_organizers_members(client, world, both_sides):
    outsider = both_sides["members.membership"].member
    assert client.login(email="organizer@example.org", password=PASSWORD)
    found = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "members", "model_name": "membership", "field_name": "member", "term": ""},
    ).json()
    names = {row["text"] for row in found["results"]}
    assert "Max Member" in names
    assert str(outsider) not in names


def test_admin_team_autocomplete_offers_no_staff_or_superuser(client, world):
    toronto = world["chapters"]["toronto"]
    staff = MemberFactory(email="staff@example.org", display_name="Staff Person", is_staff=True)
    MembershipFactory(member=staff, chapter=toronto)
    MembershipFactory(member=world["users"]["superuser"], chapter=toronto)
    assert client.login(email="organizer@example.org", password=PASSWORD)
    found = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "chapters", "model_name": "chapterrole", "field_name": "user", "term": ""},
    ).json()
    names = {row["text"] for row in found["results"]}
    assert "Max Member" in names
    assert "Staff Person" not in names
    assert str(world["users"]["superuser"]) not in names


def _membership_data(membership, **extra):
    joined = membership.joined_at
    return {
        "member": membership.member_id,
        "chapter": membership.chapter_id,
        "joined_at_0": joined.strftime("%Y-%m-%d"),
        "joined_at_1": joined.strftime("%H:%M:%S"),
        "source": membership.source,
        **extra,
    }


@pytest.mark.parametrize("role", ["organizer", "superuser"])
def test_admin_membership_newsletter_consent_cannot_be_recorded_in_the_admin(client, world, role):
    membership = world["objects"]["members.membership"]
    assert not membership.newsletter_subscribed
    client.force_login(world["users"][role])
    page = client.get(reverse("admin:members_membership_change", args=[membership.pk])).content.decode()
    assert 'name="newsletter_subscribed"' not in page
    response = client.post(
        reverse("admin:members_membership_change", args=[membership.pk]),
        _membership_data(
            membership,
            newsletter_subscribed="on",
            newsletter_consent_at_0="2026-11-01",
            newsletter_consent_at_1="19:00:00",
            newsletter_consent_source="website",
        ),
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert not membership.newsletter_subscribed
    assert membership.newsletter_consent_at is None


def test_admin_membership_unsubscribe_action_honours_a_members_request(client, world):
    membership = world["objects"]["members.membership"]
    Membership.objects.filter(pk=membership.pk).update(
        newsletter_subscribed=True, newsletter_consent_at=timezone.now(), newsletter_consent_source="website"
    )
    assert client.login(email="organizer@example.org", password=PASSWORD)
    response = client.post(
        reverse("admin:members_membership_changelist"),
        {"action": "unsubscribe_from_newsletter", ACTION_CHECKBOX_NAME: [membership.pk]},
        follow=True,
    )
    assert "1 member will no longer receive the newsletter." in response.content.decode()
    membership.refresh_from_db()
    assert not membership.newsletter_subscribed
    assert membership.newsletter_unsubscribed_at is not None


def test_admin_change_page_checks_the_objects_scope_once(client, world):
    """Django asks view, change and delete permissions of the object several times a page; the
    answer, one query, is worked out once."""
    venue = world["objects"]["chapters.venue"]
    client.force_login(world["users"]["organizer"])
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("admin:chapters_venue_change", args=[venue.pk]))
    assert response.status_code == 200 and "Delete" in response.text
    scope_checks = [
        q["sql"]
        for q in queries
        if '1 AS "a" FROM "chapters_venue"' in q["sql"] and f'"chapters_venue"."id" = {venue.pk}' in q["sql"]
    ]
    assert len(scope_checks) == 1, scope_checks
