"""Photos and cover images resized at upload into a few widths, served with srcset.

An upload is checked with the logo limits (bytes, then the declared pixel size read from the header,
then a structural check) but only raster formats are taken: a photo has no use for SVG. When the file
is first stored, Pillow writes a copy at each width in RENDITION_WIDTHS narrower than the original,
beside it, named `<name>.<width>w.<extension>`. The names follow from the original's name and width
alone, so a page builds its srcset without a query or a look at the storage.
"""

import io
import pathlib
import warnings

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models
from django.db.models.fields.files import ImageFieldFile
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django_cleanup.signals import cleanup_post_delete
from PIL import Image, ImageOps

from .images import RASTER_FORMATS, LogoField, LogoFieldFile, _check_bytes, _check_raster

RENDITION_WIDTHS = (320, 640, 960, 1280)
# Logos are shown in small boxes (32 to 96 CSS pixels): copies for those boxes on 1x to 3x screens.
LOGO_RENDITION_WIDTHS = (64, 128, 256)
JPEG_QUALITY = 82


def raster_format(name):
    """Return Pillow's format for a PNG, JPEG or WebP file name, or None for any other."""
    return RASTER_FORMATS.get(pathlib.PurePath(name).suffix.lower().lstrip("."))


def validate_raster_image(upload):
    """Refuse an image that is too heavy, too large, not PNG/JPEG/WebP, or not what its name says."""
    if not upload or getattr(upload, "_committed", False):
        return  # none (or cleared), or already stored: it was checked when it was uploaded
    _check_bytes(upload)
    expected_format = raster_format(upload.name)
    if expected_format is None:
        raise ValidationError(
            _("“%(name)s” is not a PNG, JPEG or WebP image; an image must be one of these."),
            code="format",
            params={"name": upload.name},
        )
    upload.seek(0)
    try:
        _check_raster(upload, expected_format)
    finally:
        upload.seek(0)


def rendition_name(name, width):
    """Return the storage name of the copy of `name` resized to `width` pixels wide."""
    path = pathlib.PurePosixPath(name)
    return str(path.with_name(f"{path.stem}.{width}w{path.suffix}"))


def rendition_widths(width, widths=RENDITION_WIDTHS):
    """Return the widths a copy exists at for an original `width` pixels wide, narrowest first."""
    return [w for w in widths if width and w < width]


def _resized(content, width, image_format):
    with warnings.catch_warnings():
        # The upload passed the pixel cap before it was stored; Pillow's own warning is redundant.
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        with Image.open(content) as image:
            # Photos from phones are stored sideways with an orientation tag: apply it first.
            image = ImageOps.exif_transpose(image)
            if image_format == "JPEG" and image.mode not in ("RGB", "L"):
                image = image.convert("RGB")
            height = max(1, round(image.height * width / image.width))
            resized = image.resize((width, height), Image.Resampling.LANCZOS)
            out = io.BytesIO()
            options = {"quality": JPEG_QUALITY, "optimize": True} if image_format == "JPEG" else {}
            resized.save(out, format=image_format, **options)
            return out.getvalue()


class RenditionsMixin:
    """Resized copies of a stored image at the field file's `widths`, and their srcset."""

    widths = RENDITION_WIDTHS

    def save(self, name, content, save=True):
        super().save(name, content, save=save)
        self.write_renditions()

    def write_renditions(self):
        """Store a resized copy at each width narrower than the original (none for SVG)."""
        width = getattr(self.instance, self.field.width_field)
        image_format = raster_format(self.name)
        if not width or image_format is None:
            return
        for target in rendition_widths(width, self.widths):
            # Read back what storage holds: the upload itself may be closed once stored.
            with self.storage.open(self.name, "rb") as stored:
                data = _resized(stored, target, image_format)
            self.storage.save(rendition_name(self.name, target), ContentFile(data))

    def srcset(self):
        """Return the srcset of the stored copies and the original, or "" without a recorded width."""
        width = getattr(self.instance, self.field.width_field)
        if not self or not width:
            return ""
        if raster_format(self.name) is None:
            return ""  # an SVG scales itself: no copies
        candidates = [
            (self.storage.url(rendition_name(self.name, w)), w) for w in rendition_widths(width, self.widths)
        ]
        candidates.append((self.url, width))
        return ", ".join(f"{url} {w}w" for url, w in candidates)

    def img(self, *, alt, sizes, lazy=True, css_class=""):
        """Return an <img> with srcset, sizes, width, height and alt; lazy unless it is above the fold."""
        if not self:
            return ""
        return format_html(
            '<img src="{}" srcset="{}" sizes="{}" width="{}" height="{}" alt="{}" class="{}" loading="{}"'
            ' decoding="async">',
            self.url,
            self.srcset(),
            sizes,
            getattr(self.instance, self.field.width_field) or "",
            getattr(self.instance, self.field.height_field) or "",
            alt,
            css_class,
            "lazy" if lazy else "eager",
        )


class ResizedImageFieldFile(RenditionsMixin, ImageFieldFile):
    pass


class ResizedLogoFieldFile(RenditionsMixin, LogoFieldFile):
    widths = LOGO_RENDITION_WIDTHS


class ResizedLogoField(LogoField):
    """A LogoField (PNG, JPEG, WebP or sanitised SVG) that stores small copies of a raster logo."""

    attr_class = ResizedLogoFieldFile


class ResizedImageField(models.ImageField):
    """An ImageField within the logo limits (raster only) that stores resized copies at upload.

    Give it width_field and height_field: the recorded size sets the img's width and height and
    names the copies.
    """

    attr_class = ResizedImageFieldFile
    default_validators = [validate_raster_image]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("help_text", _("PNG, JPEG or WebP; at most 2 MB and 4096 × 4096 pixels."))
        super().__init__(*args, **kwargs)

    def pre_save(self, model_instance, add):
        # A form's "clear" box gives False; a service that sets fields one by one passes it on.
        if getattr(model_instance, self.attname) is False:
            setattr(model_instance, self.attname, "")
        return super().pre_save(model_instance, add)


def delete_renditions(sender, *, field_name, file, file_name, success, **kwargs):
    """Delete the resized copies of an original that django-cleanup deleted (replaced or orphaned)."""
    field = sender._meta.get_field(field_name)
    if not success or not file_name or not isinstance(field, (ResizedImageField, ResizedLogoField)):
        return
    # The old width is gone with the old row: try every width (a missing copy is no error).
    for width in field.attr_class.widths:
        file.storage.delete(rendition_name(file_name, width))


# django-cleanup deletes a replaced file once the save commits; its copies follow here.
cleanup_post_delete.connect(delete_renditions, dispatch_uid="chapters.renditions.delete_renditions")
