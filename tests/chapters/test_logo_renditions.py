"""The chapter logo's small copies: written at upload, offered in the img's srcset, none for SVG."""

import io
import re

import pytest
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from chapters.renditions import rendition_name
from tests.factories import ChapterFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    return settings.MEDIA_ROOT


def png(size):
    buffer = io.BytesIO()
    Image.new("RGB", size, (20, 90, 160)).save(buffer, "PNG")
    return SimpleUploadedFile("logo.png", buffer.getvalue())


def logo_tag(html, url):
    [tag] = [t for t in re.findall(r"<img\b[^>]*>", html) if f'src="{url}"' in t]
    return tag


def test_logo_upload_writes_small_copies_at_each_narrower_width():
    chapter = ChapterFactory(logo=png((400, 200)))
    for width, height in ((64, 32), (128, 64), (256, 128)):
        with default_storage.open(rendition_name(chapter.logo.name, width)) as copy:
            assert Image.open(copy).size == (width, height)
    assert not default_storage.exists(rendition_name(chapter.logo.name, 320))


def test_small_logo_gets_only_the_copies_narrower_than_itself():
    chapter = ChapterFactory(logo=png((100, 100)))
    assert default_storage.exists(rendition_name(chapter.logo.name, 64))
    assert not default_storage.exists(rendition_name(chapter.logo.name, 128))


def test_chapter_page_offers_the_logo_copies_in_srcset(client):
    chapter = ChapterFactory(logo=png((400, 200)))
    tag = logo_tag(client.get(chapter.get_absolute_url()).content.decode(), chapter.logo.url)
    copies = [f"{default_storage.url(rendition_name(chapter.logo.name, w))} {w}w" for w in (64, 128, 256)]
    expected = ", ".join([*copies, f"{chapter.logo.url} 400w"])
    assert f'srcset="{expected}"' in tag
    assert 'sizes="96px"' in tag and 'width="96"' in tag and 'height="48"' in tag
    assert 'alt="' in tag


def test_chapter_list_logo_copies_are_sized_for_its_box(client):
    chapter = ChapterFactory(logo=png((400, 200)))
    tag = logo_tag(client.get(reverse("chapters:list")).content.decode(), chapter.logo.url)
    assert 'sizes="48px"' in tag and "64w" in tag


def test_svg_logo_has_no_copies_and_no_srcset(client):
    svg = (
        b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 100"><rect width="10" height="10"/></svg>'
    )
    chapter = ChapterFactory(logo=SimpleUploadedFile("logo.svg", svg))
    assert not default_storage.exists(rendition_name(chapter.logo.name, 64))
    tag = logo_tag(client.get(chapter.get_absolute_url()).content.decode(), chapter.logo.url)
    assert "srcset" not in tag
