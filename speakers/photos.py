"""Speaker photos: PNG, JPEG or WebP, at most 2 MB and 4096 × 4096 pixels, checked before decoding."""

import warnings

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

PHOTO_MAX_BYTES = 2 * 1024 * 1024
PHOTO_MAX_SIDE = 4096
FORMATS = {"png": "PNG", "jpg": "JPEG", "jpeg": "JPEG", "webp": "WEBP"}


def validate_photo(upload):
    """Refuse a photo that is too heavy, too large, not what its name says, or unreadable."""
    if getattr(upload, "_committed", False):
        return  # stored already: it was checked when uploaded
    if upload.size > PHOTO_MAX_BYTES:
        raise ValidationError(
            _("This file is %(size)s; a photo may be at most %(limit)s."),
            code="too_heavy",
            params={"size": filesizeformat(upload.size), "limit": filesizeformat(PHOTO_MAX_BYTES)},
        )
    extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
    unreadable = ValidationError(_("A photo must be a PNG, JPEG or WebP image."), code="format")
    if extension not in FORMATS:
        raise unreadable
    upload.seek(0)
    try:
        # The declared size is read from the header and checked before any pixel is decoded.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                (width, height), found = image.size, image.format
        if width > PHOTO_MAX_SIDE or height > PHOTO_MAX_SIDE:
            raise ValidationError(
                _(
                    "This image is %(width)s × %(height)s pixels; "
                    "a photo may be at most %(limit)s × %(limit)s."
                ),
                code="too_large",
                params={"width": width, "height": height, "limit": PHOTO_MAX_SIDE},
            )
        upload.seek(0)
        with Image.open(upload) as image:
            image.verify()
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError) as error:
        raise unreadable from error
    finally:
        upload.seek(0)
    if found != FORMATS[extension]:
        raise unreadable
