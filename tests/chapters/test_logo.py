"""The chapter logo: what an organizer may upload in the admin, and how the public pages show it.

Each kind of refusal goes once through the admin's form (the message shows, nothing is stored);
its variants are checked against the logo validator the form runs.
"""

import functools
import importlib
import io
import re
import struct
import zlib

import pytest
from django.apps import apps as django_apps
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from PIL import Image

from chapters.images import LogoRefused, validate_logo
from chapters.models import Chapter, ChapterRole, Sponsor
from tests.factories import ChapterFactory, ChapterRoleFactory, MemberFactory, MembershipFactory

PASSWORD = "correct-horse-battery"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def fresh_page_cache():
    # Each test's rows are rolled back, but a page cached in another test would survive in memory.
    cache.clear()


@pytest.fixture
def chapter(db):
    return ChapterFactory(name="MITPro", slug="mitpro", city="Montréal", region="QC")


@pytest.fixture
def organizer_client(client, chapter):
    organizer = ChapterRoleFactory(
        user=MemberFactory(email="organizer@example.org"), chapter=chapter, role=ChapterRole.Role.ORGANIZER
    ).user
    MembershipFactory(member=organizer, chapter=chapter)
    client.force_login(organizer)
    return client


def raster(fmt, size=(240, 120), name=None):
    buffer = io.BytesIO()
    Image.new("RGB", size, (20, 90, 160)).save(buffer, fmt)
    extension = {"PNG": "png", "JPEG": "jpg", "WEBP": "webp", "BMP": "bmp", "GIF": "gif"}[fmt]
    return SimpleUploadedFile(name or f"logo.{extension}", buffer.getvalue())


def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


@functools.cache
def bomb_png(side=12000, *, with_pixels=True):
    """Return a small PNG file that decodes to side x side grey pixels (a decompression bomb)."""
    header = png_chunk(b"IHDR", struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0))
    chunks = [header]
    if with_pixels:
        compressor = zlib.compressobj(9)
        row = b"\0" * (side + 1)
        data = b"".join(compressor.compress(row) for _ in range(side)) + compressor.flush()
        chunks.append(png_chunk(b"IDAT", data))
    chunks.append(png_chunk(b"IEND", b""))
    return b"\x89PNG\r\n\x1a\n" + b"".join(chunks)


def svg(body, *, attributes='viewBox="0 0 200 100"'):
    text = f'<svg xmlns="http://www.w3.org/2000/svg" {attributes}>{body}</svg>'
    return SimpleUploadedFile("logo.svg", text.encode())


def admin_post(client, chapter, logo):
    """Post the chapter's admin form as the organizer sees it, with a new logo."""
    url = reverse("admin:chapters_chapter_change", args=[chapter.pk])
    page = client.get(url)
    assert page.status_code == 200
    data = {}
    forms = [page.context["adminform"].form]
    for inline in page.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
        forms += inline.formset.initial_forms
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if name != "logo" and value is not None:
                data[form.add_prefix(name)] = value
    data["logo"] = logo
    return client.post(url, data)


def stored_files(root):
    return sorted(p.name for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_logo_upload_30_mb_bmp_refused_with_clear_message(organizer_client, chapter, media_root):
    bmp = raster("BMP", size=(3200, 3200))
    assert bmp.size > 30_000_000
    response = admin_post(organizer_client, chapter, bmp)

    assert response.status_code == 200
    errors = " ".join(response.context["adminform"].form.errors.get("logo", []))
    assert f"This file is {filesizeformat(bmp.size)}; a logo may be at most 2.0\xa0MB." in errors
    chapter.refresh_from_db()
    assert not chapter.logo
    assert stored_files(media_root) == []


def test_logo_upload_12000_pixel_png_refused_by_pixel_cap(organizer_client, chapter, media_root):
    response = admin_post(organizer_client, chapter, SimpleUploadedFile("bomb.png", bomb_png()))

    assert response.status_code == 200
    errors = " ".join(response.context["adminform"].form.errors.get("logo", []))
    assert "12000 × 12000" in errors
    chapter.refresh_from_db()
    assert not chapter.logo
    assert stored_files(media_root) == []


def test_logo_pixel_cap_reads_the_header_only():
    # No pixel data at all: decoding would fail on it; the cap must refuse it from its size alone.
    with pytest.raises(LogoRefused, match="12000 × 12000"):
        validate_logo(SimpleUploadedFile("bomb.png", bomb_png(with_pixels=False)))


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP"])
def test_logo_upload_png_jpeg_webp_accepted(organizer_client, chapter, fmt):
    response = admin_post(organizer_client, chapter, raster(fmt))

    assert response.status_code == 302
    chapter.refresh_from_db()
    assert default_storage.exists(chapter.logo.name)
    assert (chapter.logo_width, chapter.logo_height) == (240, 120)


@pytest.mark.parametrize(
    "upload",
    [raster("GIF"), raster("PNG", name="logo.bmp"), SimpleUploadedFile("logo.png", b"not an image")],
    ids=["gif", "png-named-bmp", "not-an-image"],
)
def test_logo_of_another_format_refused(upload):
    with pytest.raises(LogoRefused):
        validate_logo(upload)


def test_logo_upload_of_another_format_refused_in_the_admin(organizer_client, chapter):
    response = admin_post(organizer_client, chapter, raster("GIF"))

    assert response.status_code == 200
    assert "is not a PNG, JPEG, WebP or SVG file" in " ".join(
        response.context["adminform"].form.errors["logo"]
    )
    chapter.refresh_from_db()
    assert not chapter.logo


@pytest.mark.parametrize(
    "body",
    [
        "<script>alert(document.cookie)</script>",
        '<rect width="10" height="10" onload="alert(1)"/>',
        '<a href="javascript:alert(1)"><rect width="10" height="10"/></a>',
        '<foreignObject><iframe xmlns="http://www.w3.org/1999/xhtml" src="https://evil.example"/></foreignObject>',
        '<set attributeName="onmouseover" to="alert(1)"/>',
        '<image href="https://tracker.example/pixel.png" width="1" height="1"/>',
        "<style>@import url(https://tracker.example/a.css);</style>",
        '<rect width="10" height="10" style="fill:url(https://tracker.example/p.svg#g)"/>',
    ],
    ids=[
        "script",
        "onload",
        "javascript-link",
        "foreign-object",
        "set-handler",
        "external-image",
        "style-import",
        "style-url",
    ],
)
def test_logo_svg_with_script_or_handler_refused(body):
    with pytest.raises(LogoRefused, match="SVG"):
        validate_logo(svg(body))


def test_logo_upload_svg_with_script_refused_in_the_admin(organizer_client, chapter):
    response = admin_post(organizer_client, chapter, svg("<script>alert(document.cookie)</script>"))

    assert response.status_code == 200
    errors = " ".join(response.context["adminform"].form.errors.get("logo", []))
    assert "SVG" in errors
    chapter.refresh_from_db()
    assert not chapter.logo


def test_logo_svg_with_entity_expansion_refused():
    text = (
        '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>'
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><text>&b;</text></svg>'
    )
    with pytest.raises(LogoRefused):
        validate_logo(SimpleUploadedFile("logo.svg", text.encode()))


def test_logo_svg_with_outside_stylesheet_refused():
    text = (
        '<?xml version="1.0"?><?xml-stylesheet href="https://tracker.example/a.css"?>'
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"/>'
    )
    with pytest.raises(LogoRefused, match="SVG"):
        validate_logo(SimpleUploadedFile("logo.svg", text.encode()))


def test_logo_upload_plain_svg_accepted_with_its_size(organizer_client, chapter):
    response = admin_post(
        organizer_client, chapter, svg('<circle cx="50" cy="50" r="40" fill="#036" style="opacity:.9"/>')
    )

    assert response.status_code == 302
    chapter.refresh_from_db()
    assert chapter.logo.name.endswith(".svg")
    assert (chapter.logo_width, chapter.logo_height) == (200, 100)


def test_logo_replaced_deletes_old_file(
    organizer_client, chapter, media_root, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert admin_post(organizer_client, chapter, raster("PNG", name="first.png")).status_code == 302
    chapter.refresh_from_db()
    first = chapter.logo.name

    with django_capture_on_commit_callbacks(execute=True):
        assert admin_post(organizer_client, chapter, raster("WEBP", name="second.webp")).status_code == 302

    chapter.refresh_from_db()
    assert not default_storage.exists(first)
    # Only the new logo and its small copies remain: the first one's copies went with it.
    name = chapter.logo.name.rsplit("/", 1)[-1]
    assert stored_files(media_root) == sorted([name, "second.64w.webp", "second.128w.webp"])


def img_tags(html):
    return re.findall(r"<img\b[^>]*>", html)


def test_logo_shows_on_chapter_page_with_size_and_alt(organizer_client, client, chapter):
    assert admin_post(organizer_client, chapter, raster("PNG", size=(400, 200))).status_code == 302
    chapter.refresh_from_db()
    client.logout()

    html = client.get(chapter.get_absolute_url()).content.decode()

    [tag] = [t for t in img_tags(html) if chapter.logo.url in t]
    assert 'width="96"' in tag and 'height="48"' in tag
    assert 'alt="MITPro logo"' in tag


def test_logo_shows_on_chapter_list_with_size_and_alt(organizer_client, client, chapter):
    assert admin_post(organizer_client, chapter, svg("<rect width='10' height='10'/>")).status_code == 302
    chapter.refresh_from_db()
    client.logout()

    html = client.get(reverse("chapters:list")).content.decode()

    [tag] = [t for t in img_tags(html) if chapter.logo.url in t]
    assert 'width="48"' in tag and 'height="24"' in tag
    assert 'alt="MITPro logo"' in tag


def test_chapter_without_logo_shows_no_image(client, chapter):
    assert Chapter.objects.get(pk=chapter.pk).logo.name == ""
    html = client.get(chapter.get_absolute_url()).content.decode()
    assert img_tags(html) == []


def test_sponsor_logo_with_script_refused(db):
    sponsor = Sponsor(name="Northwind Software", slug="northwind", logo=svg("<script>alert(1)</script>"))

    with pytest.raises(ValidationError) as refused:
        sponsor.full_clean()

    assert "SVG" in " ".join(refused.value.message_dict["logo"])


def test_sponsor_logo_bomb_png_refused(db):
    sponsor = Sponsor(name="Northwind Software", slug="northwind")
    sponsor.logo = SimpleUploadedFile("bomb.png", bomb_png())

    with pytest.raises(ValidationError) as refused:
        sponsor.full_clean()

    assert "12000 × 12000" in " ".join(refused.value.message_dict["logo"])


def test_chapter_page_with_logo_file_missing_from_storage_still_shows(client, chapter):
    # A row from before logo sizes were recorded, whose file is gone from storage.
    Chapter.objects.filter(pk=chapter.pk).update(logo="chapters/logos/gone.png")

    response = client.get(chapter.get_absolute_url())

    assert response.status_code == 200
    [tag] = img_tags(response.content.decode())
    assert 'width="96"' in tag and 'height="96"' in tag and 'alt="MITPro logo"' in tag


def test_logo_size_migration_measures_logos_stored_before(chapter, media_root):
    default_storage.save("chapters/logos/old.png", raster("PNG", size=(300, 100)))
    Chapter.objects.filter(pk=chapter.pk).update(logo="chapters/logos/old.png")
    migration = importlib.import_module("chapters.migrations.0006_logo_sizes_of_existing_logos")

    migration.record_logo_sizes(django_apps, None)

    chapter.refresh_from_db()
    assert (chapter.logo_width, chapter.logo_height) == (300, 100)
