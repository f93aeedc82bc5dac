"""Cover images and speaker photos: an admin upload stores resized copies; pages serve them with srcset."""

import io
import re

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from chapters.models import ChapterRole
from chapters.renditions import rendition_name
from meetings.models import AgendaItem, Meeting
from tests.factories import AgendaItemFactory, ChapterRoleFactory, MeetingFactory
from tests.support.html_forms import read_form, without_templates

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    return settings.MEDIA_ROOT


def image_upload(name="cover.jpg", size=(1600, 900), fmt="JPEG"):
    buffer = io.BytesIO()
    Image.new("RGB", size, (20, 90, 160)).save(buffer, fmt)
    return SimpleUploadedFile(name, buffer.getvalue())


def widths_stored(media_root, folder):
    found = {}
    for path in (media_root / folder).iterdir():
        with Image.open(path) as image:
            found[path.name] = image.width
    return sorted(found.values())


def test_cover_upload_stores_resized_copies_and_page_serves_srcset(client, media_root):
    meeting = MeetingFactory()
    meeting.cover_image = image_upload()
    meeting.full_clean()
    meeting.save()
    assert widths_stored(media_root, "meetings/covers") == [320, 640, 960, 1280, 1600]
    assert (meeting.cover_width, meeting.cover_height) == (1600, 900)
    html = client.get(meeting.get_absolute_url()).content.decode()
    img = re.search(r"<img [^>]*srcset[^>]*>", html).group(0)
    assert rendition_name(meeting.cover_image.name, 640).rsplit("/", 1)[-1] + " 640w" in img
    assert 'width="1600"' in img and 'height="900"' in img and 'alt=""' in img


def test_small_speaker_photo_keeps_only_the_original(media_root):
    item = AgendaItemFactory()
    item.speaker_photo = image_upload("robin.png", size=(300, 300), fmt="PNG")
    item.full_clean()
    item.save()
    assert widths_stored(media_root, "meetings/speakers") == [300]


def test_cover_wider_than_the_side_limit_is_refused(media_root):
    meeting = MeetingFactory()
    meeting.cover_image = image_upload(size=(5000, 10))
    with pytest.raises(Exception, match="4096"):
        meeting.full_clean()


def test_cover_upload_through_the_admin_stores_resized_copies(client, media_root):
    meeting = MeetingFactory(title="Hyper-V night")
    organizer = ChapterRoleFactory(chapter=meeting.chapter, role=ChapterRole.Role.ORGANIZER).user
    client.force_login(organizer)
    change_url = reverse("admin:meetings_meeting_change", args=[meeting.pk])
    form_page = client.get(change_url)
    assert form_page.status_code == 200
    data = without_templates(read_form(form_page.content.decode(), "meeting_form"))
    data["cover_image"] = image_upload("night.webp", size=(1000, 500), fmt="WEBP")
    response = client.post(change_url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert widths_stored(media_root, "meetings/covers") == [320, 640, 960, 1000]


def test_meeting_page_images_all_have_width_height_and_alt(client, media_root):
    meeting = MeetingFactory()
    meeting.cover_image = image_upload()
    meeting.save()
    for name in ("Robin Example", "Sam Example"):
        item = AgendaItemFactory(meeting=meeting, speaker=name)
        item.speaker_photo = image_upload(f"{name.split()[0]}.jpg", size=(800, 800))
        item.save()
    html = client.get(meeting.get_absolute_url()).content.decode()
    images = re.findall(r"<img [^>]*>", html)
    assert len(images) == 3
    for img in images:
        assert re.search(r' width="\d+"', img) and re.search(r' height="\d+"', img) and " alt=" in img, img
    assert 'alt="Robin Example"' in html and 'loading="lazy"' in html
    assert Meeting.objects.count() == 1 and AgendaItem.objects.count() == 2


def test_cover_cleared_in_the_admin_leaves_the_meeting_without_a_cover(client, media_root):
    meeting = MeetingFactory(title="Hyper-V night")
    meeting.cover_image = image_upload()
    meeting.save()
    client.force_login(ChapterRoleFactory(chapter=meeting.chapter, role=ChapterRole.Role.ORGANIZER).user)
    change_url = reverse("admin:meetings_meeting_change", args=[meeting.pk])
    data = without_templates(read_form(client.get(change_url).content.decode(), "meeting_form"))
    data["cover_image-clear"] = "on"
    assert client.post(change_url, data).status_code == 302
    meeting.refresh_from_db()
    assert not meeting.cover_image and meeting.cover_image.name == ""
    assert "<img" not in client.get(meeting.get_absolute_url()).content.decode()


def test_cover_replaced_deletes_the_old_file_and_its_copies(media_root, django_capture_on_commit_callbacks):
    meeting = MeetingFactory()
    with django_capture_on_commit_callbacks(execute=True):
        meeting.cover_image = image_upload("first.jpg")
        meeting.save()
    with django_capture_on_commit_callbacks(execute=True):
        meeting.cover_image = image_upload("second.jpg", size=(700, 400))
        meeting.save()
    names = sorted(path.name for path in (media_root / "meetings/covers").iterdir())
    assert names == ["second.320w.jpg", "second.640w.jpg", "second.jpg"]
