"""Speaker photos: the raster image check of chapters.renditions, in a photo's words."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from chapters.renditions import validate_raster_image

MESSAGES = {
    "too_heavy": _("This file is %(size)s; a photo may be at most %(limit)s."),
    "too_large": _(
        "This image is %(width)s × %(height)s pixels; a photo may be at most %(limit)s × %(limit)s."
    ),
}
# Any other refusal (the name, the format, an unreadable file) reads the same for a photo.
NOT_A_PHOTO = _("A photo must be a PNG, JPEG or WebP image.")


def validate_photo(upload):
    """Refuse a photo that is too heavy, too large, not what its name says, or unreadable."""
    try:
        validate_raster_image(upload)
    except ValidationError as refused:
        code = refused.code if refused.code in MESSAGES else "format"
        raise ValidationError(MESSAGES.get(code, NOT_A_PHOTO), code=code, params=refused.params) from refused
