"""The chapter logo as an <img> with its width, height and alt text, scaled to fit a square box."""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from chapters.images import fit

register = template.Library()


@register.simple_tag
def chapter_logo(chapter, box, css_class="", lazy=False):
    """Return the chapter's logo fitted in a box x box square, or nothing when it has none."""
    if not chapter.logo:
        return ""
    width, height = fit(chapter.logo_width, chapter.logo_height, box)
    srcset = chapter.logo.srcset()  # the small copies of a raster logo; none for SVG
    return format_html(
        '<img src="{}"{} width="{}" height="{}" alt="{}" class="{}" loading="{}">',
        chapter.logo.url,
        format_html(' srcset="{}" sizes="{}px"', srcset, width) if srcset else "",
        width,
        height,
        _("%(chapter)s logo") % {"chapter": chapter.name},
        css_class,
        # Below the fold (a list of chapters) the browser may wait; a page's own header loads at once.
        "lazy" if lazy else "eager",
    )
