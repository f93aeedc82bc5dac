"""Uploaded logos: what is accepted (PNG, JPEG, WebP, plain SVG), within which limits, and at what size.

Checks run in order of cost: the byte size, then the name, then the image header (its declared pixel
size, read without decoding pixels, so a small file that would decode to gigabytes is refused first),
and only then a structural check of the file. An SVG is parsed with defusedxml (no DTDs or entities)
and refused, rather than silently rewritten, when it holds anything that can run or load something.
"""

import re
import warnings

import defusedxml.ElementTree
from defusedxml import DefusedXmlException
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.fields.files import ImageFieldFile
from django.forms import FileField as FormFileField
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

LOGO_MAX_BYTES = 2 * 1024 * 1024
LOGO_MAX_SIDE = 4096
# Pillow's format name for each accepted extension; a file must be what its name says.
RASTER_FORMATS = {"png": "PNG", "jpg": "JPEG", "jpeg": "JPEG", "webp": "WEBP"}
SVG_EXTENSION = "svg"
ACCEPTED = "PNG, JPEG, WebP, SVG"

SVG_NS = "{http://www.w3.org/2000/svg}"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
# Elements that run script, embed other documents or pull in other content.
SVG_FORBIDDEN_ELEMENTS = {"script", "foreignobject", "iframe", "embed", "object", "handler", "listener"}
SVG_ANIMATIONS = {"set", "animate", "animatetransform", "animatemotion"}
# A reference may point inside the file, or hold an embedded raster image, nothing else.
LOCAL_REFERENCE = re.compile(r"^\s*(#|data:image/(png|jpeg|webp);)", re.IGNORECASE)
CSS_URL = re.compile(r"url\(\s*['\"]?\s*([^'\")]*)", re.IGNORECASE)
SVG_LENGTH = re.compile(r"^\s*([0-9]*\.?[0-9]+)\s*(px)?\s*$")


class LogoRefused(ValidationError):
    pass


def validate_logo(upload):
    """Refuse a logo that is too heavy, too large, of another format or an SVG with active content."""
    if getattr(upload, "_committed", False):
        return  # already stored: it was checked when it was uploaded
    _check_bytes(upload)
    extension = _extension(upload.name)
    upload.seek(0)
    try:
        if extension == SVG_EXTENSION:
            svg_size(upload.read())
        else:
            _check_raster(upload, RASTER_FORMATS[extension])
    finally:
        upload.seek(0)


def _check_bytes(upload):
    if upload.size > LOGO_MAX_BYTES:
        raise LogoRefused(
            _("This file is %(size)s; a logo may be at most %(limit)s."),
            code="too_heavy",
            params={"size": filesizeformat(upload.size), "limit": filesizeformat(LOGO_MAX_BYTES)},
        )


def _extension(name):
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension != SVG_EXTENSION and extension not in RASTER_FORMATS:
        raise LogoRefused(
            _("“%(name)s” is not a PNG, JPEG, WebP or SVG file; a logo must be one of these."),
            code="format",
            params={"name": name},
        )
    return extension


def _check_raster(upload, expected_format):
    try:
        # The declared size is checked before any pixel is decoded.
        width, height, found_format = _header(upload)
        _check_side(width, height)
        upload.seek(0)
        with Image.open(upload) as image:
            image.verify()
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError) as error:
        raise LogoRefused(
            _("This file is not a PNG, JPEG or WebP image that can be read."), code="unreadable"
        ) from error
    if found_format != expected_format:
        raise LogoRefused(
            _(
                "This file is a %(found)s image but its name says %(expected)s; "
                "a logo must be one of %(accepted)s."
            ),
            code="format",
            params={"found": found_format, "expected": expected_format, "accepted": ACCEPTED},
        )


def _header(file):
    """Return (width, height, format) from an image's header, without decoding its pixels."""
    # Pillow warns of a bomb above 89 million pixels; the logo cap is far stricter, so no warning.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        with Image.open(file) as image:
            return *image.size, image.format


def _check_side(width, height):
    if width > LOGO_MAX_SIDE or height > LOGO_MAX_SIDE or width < 1 or height < 1:
        raise LogoRefused(
            _(
                "This image is %(width)s × %(height)s pixels; a logo may be at most "
                "%(limit)s × %(limit)s pixels."
            ),
            code="too_large",
            params={"width": width, "height": height, "limit": LOGO_MAX_SIDE},
        )


def _svg_refused(reason):
    return LogoRefused(
        _("This SVG cannot be used as a logo: %(reason)s. Export it as a plain SVG, or as PNG."),
        code="svg",
        params={"reason": reason},
    )


def svg_size(content):
    """Return (width, height) of a plain SVG, refusing one with scripts, handlers or outside links."""
    # The parser drops processing instructions, but a browser opening the file would load this one.
    if b"<?xml-stylesheet" in content:
        raise _svg_refused(_("its style loads something from outside the file"))
    try:
        root = defusedxml.ElementTree.fromstring(content)
    except (DefusedXmlException, defusedxml.ElementTree.ParseError, ValueError) as error:
        raise _svg_refused(_("it is not well-formed XML without DTD or entities")) from error
    if root.tag != f"{SVG_NS}svg":
        raise _svg_refused(_("it is not an SVG image"))
    for element in root.iter():
        _check_svg_element(element)
    return _svg_dimensions(root)


def _check_svg_element(element):
    name = element.tag.rsplit("}", 1)[-1].lower() if isinstance(element.tag, str) else ""
    if name in SVG_FORBIDDEN_ELEMENTS:
        raise _svg_refused(_("it contains a <%(element)s> element") % {"element": name})
    for attribute, value in element.attrib.items():
        local = attribute.rsplit("}", 1)[-1].lower()
        if local.startswith("on"):
            raise _svg_refused(_("it contains an event handler (%(attribute)s)") % {"attribute": local})
        if (local == "href" or attribute == XLINK_HREF) and not LOCAL_REFERENCE.match(value):
            raise _svg_refused(_("it links to something outside the file"))
        if name in SVG_ANIMATIONS and local == "attributename":
            target = value.strip().lower()
            if target.startswith("on") or target.endswith("href"):
                raise _svg_refused(_("it animates a link or an event handler"))
    css = element.get("style", "")
    if name == "style":
        css += " " + (element.text or "")
    if "@import" in css.lower() or any(not LOCAL_REFERENCE.match(url) for url in CSS_URL.findall(css)):
        raise _svg_refused(_("its style loads something from outside the file"))


def _svg_dimensions(root):
    width, height = (_svg_length(root.get("width")), _svg_length(root.get("height")))
    if width and height:
        return _checked(width, height)
    try:
        view_box = re.split(r"[\s,]+", root.get("viewBox", "").strip())
        _x, _y, box_width, box_height = (float(part) for part in view_box)
    except ValueError:
        box_width = box_height = 0
    if box_width > 0 and box_height > 0:
        return _checked(box_width, box_height)
    raise _svg_refused(_("it does not give its size (a viewBox, or a width and a height in pixels)"))


def _svg_length(value):
    match = SVG_LENGTH.match(value or "")
    return float(match.group(1)) if match else None


def _checked(width, height):
    width, height = max(1, round(width)), max(1, round(height))
    _check_side(width, height)
    return width, height


def fit(width, height, box):
    """Return (width, height) scaled down to fit a box x box square, keeping the proportions."""
    if not width or not height:
        return box, box
    scale = min(1, box / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))


class LogoFieldFile(ImageFieldFile):
    def _get_image_dimensions(self):
        if not hasattr(self, "_dimensions_cache"):
            self._dimensions_cache = self._read_dimensions()
        return self._dimensions_cache

    def _read_dimensions(self):
        # Read from the header (or, for SVG, its attributes) only. A file that cannot be measured
        # (refused, unreadable, gone from storage) has no size: validate_logo tells an uploader why,
        # and a page shows it in a square box rather than failing.
        try:
            self.open()
            self.seek(0)
            if self.name.lower().endswith(f".{SVG_EXTENSION}"):
                return svg_size(self.read())
            return _header(self)[:2]
        except (LogoRefused, UnidentifiedImageError, OSError, SyntaxError, ValueError):
            return None, None
        finally:
            if not self.closed:
                self.seek(0)


class LogoField(models.ImageField):
    """An ImageField that also takes plain SVG, within the logo limits, and records its size."""

    attr_class = LogoFieldFile
    default_validators = [validate_logo]

    def formfield(self, **kwargs):
        # Django's form ImageField rejects SVG with Pillow; validate_logo checks every format instead.
        return super(models.ImageField, self).formfield(**{"form_class": FormFileField, **kwargs})
