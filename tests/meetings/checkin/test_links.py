import io

import pytest
from PIL import Image

from meetings.checkin.links import checkin_path, checkin_qr_png, checkin_url, rsvp_id_from_token
from tests.factories import RSVPFactory

pytestmark = pytest.mark.django_db


def test_checkin_url_is_absolute_and_opens_this_rsvps_page(settings, client, tonight, volunteer):
    settings.SITE_URL = "https://itprosig.example.org"
    rsvp = RSVPFactory(meeting=tonight, member__display_name="Grace Example")
    url = checkin_url(rsvp)
    assert url.startswith(f"https://itprosig.example.org/checkin/{tonight.pk}/r/")

    client.force_login(volunteer)
    response = client.get(checkin_path(rsvp))
    assert response.status_code == 200
    assert "Grace Example" in response.text


def test_checkin_token_edited_to_another_rsvp_is_refused(client, tonight, volunteer):
    mine = RSVPFactory(meeting=tonight)
    other = RSVPFactory(meeting=tonight, member__display_name="Someone Else")
    forged = checkin_path(mine).replace(f"/r/{mine.pk}:", f"/r/{other.pk}:")
    assert rsvp_id_from_token(forged.rstrip("/").rsplit("/", 1)[1]) is None

    client.force_login(volunteer)
    response = client.get(forged)
    assert response.status_code == 404
    assert "Someone Else" not in response.text


def test_checkin_qr_png_is_a_png_image(tonight):
    png = checkin_qr_png(RSVPFactory(meeting=tonight))
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(png))
    assert image.width == image.height >= 150
