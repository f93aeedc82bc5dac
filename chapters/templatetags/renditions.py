"""Images stored with resized copies, as <img> elements with srcset, sizes, width, height and alt."""

from django import template

register = template.Library()


@register.simple_tag
def responsive_img(image, alt, sizes="100vw", lazy=True, css_class=""):
    """Return the image's <img> (lazy unless told it is above the fold), or nothing without one."""
    if not image:
        return ""
    return image.img(alt=alt, sizes=sizes, lazy=lazy, css_class=css_class)
