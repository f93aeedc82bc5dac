"""Every admin page an organizer or a superuser can open works on the demo data (no 500, no leak)."""

import io

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import reverse

from chapters.models import Chapter
from members.models import Member

pytestmark = pytest.mark.django_db
PASSWORD = "itpro-demo-2026"


@pytest.fixture
def demo():
    call_command("seed_demo", stdout=io.StringIO())


def _pages(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    for model, model_admin in admin.site._registry.items():
        if not model_admin.has_module_permission(request):
            continue
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        changelist = reverse(f"{prefix}_changelist")
        yield changelist
        yield f"{changelist}?q=a"
        if model_admin.date_hierarchy:
            yield f"{changelist}?{model_admin.date_hierarchy}__year=2026"
        if model_admin.has_add_permission(request):
            yield reverse(f"{prefix}_add")
        obj = model_admin.get_queryset(request).order_by("pk").first()
        if obj is not None:
            yield reverse(f"{prefix}_change", args=[obj.pk])


@pytest.mark.slow  # opens every admin list and change page on the whole demo network
@pytest.mark.parametrize("email", ["organizer.toronto@example.org", "admin@example.org"])
def test_admin_pages_open_on_demo_data(client, demo, email):
    user = Member.objects.get(email=email)
    assert client.login(email=email, password=PASSWORD)
    opened = 0
    for url in _pages(user):
        response = client.get(url)
        assert response.status_code == 200, url
        opened += 1
        if not user.is_superuser:
            html = response.content.decode()
            for other in Chapter.objects.exclude(slug="it-pro-toronto"):
                assert f">{other.name}<" not in html, (url, other.name)
    assert opened > 20


def test_admin_autocomplete_offers_only_own_chapters_members(client, demo):
    assert client.login(email="organizer.toronto@example.org", password=PASSWORD)
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "members", "model_name": "membership", "field_name": "member", "term": ""},
    )
    assert response.status_code == 200
    offered = {int(result["id"]) for result in response.json()["results"]}
    assert offered
    toronto_members = set(
        Member.objects.filter(memberships__chapter__slug="it-pro-toronto").values_list("pk", flat=True)
    )
    assert offered <= toronto_members
