"""Template filters for text organizers write: Markdown rendered, then sanitized."""

import markdown as markdown_lib
import nh3
from django import template
from django.utils.safestring import mark_safe

register = template.Library()

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li", "a", "h3", "h4", "h5", "hr",
}  # fmt: skip


@register.filter
def markdown(text):
    """Render Markdown as HTML that cannot carry scripts, styles or images from elsewhere."""
    if not text:
        return ""
    html = markdown_lib.markdown(text, extensions=["sane_lists"])
    # Headings are shifted under the page's own h1/h2 so the outline stays in order.
    for level in (2, 1):
        html = html.replace(f"<h{level}>", f"<h{level + 2}>").replace(f"</h{level}>", f"</h{level + 2}>")
    cleaned = nh3.clean(
        html, tags=ALLOWED_TAGS, attributes={"a": {"href", "title"}}, link_rel="nofollow noopener noreferrer"
    )
    return mark_safe(cleaned)  # noqa: S308 - sanitized by nh3 just above
