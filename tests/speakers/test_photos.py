"""A speaker's photo: small PNG/JPEG/WebP accepted with its size recorded; anything else refused."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from speakers.models import SpeakerProfile

pytestmark = pytest.mark.django_db


def _png(width, height):
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "#336699").save(buffer, "PNG")
    return buffer.getvalue()


def _post(client, upload):
    return client.post(
        reverse("speakers:profile_edit"), {"bio": "Hi", "is_public": "on", "photo": upload}, follow=True
    )


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_photo_upload_small_png_is_shown_with_its_size(client, world, media):
    client.force_login(world["speaker"])
    _post(client, SimpleUploadedFile("me.png", _png(120, 90), content_type="image/png"))
    profile = SpeakerProfile.objects.get()
    assert (profile.photo_width, profile.photo_height) == (120, 90)
    html = client.get(profile.get_absolute_url()).content.decode()
    assert 'width="120" height="90"' in html
    assert 'alt="Photo of Avery Speaker"' in html


def test_photo_upload_too_many_pixels_refused_before_decoding(client, world, media):
    client.force_login(world["speaker"])
    response = _post(client, SimpleUploadedFile("huge.png", _png(5000, 10), content_type="image/png"))
    assert "a photo may be at most 4096 × 4096" in response.content.decode()
    assert not SpeakerProfile.objects.exists()


@pytest.mark.parametrize(
    ("name", "content"),
    [("me.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>"), ("me.png", b"not an image at all")],
)
def test_photo_upload_of_another_kind_refused(client, world, media, name, content):
    client.force_login(world["speaker"])
    response = _post(client, SimpleUploadedFile(name, content))
    assert response.status_code == 200
    assert not SpeakerProfile.objects.exists()
