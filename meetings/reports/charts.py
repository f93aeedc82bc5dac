"""Charts for the reports, drawn on the server as SVG by pygal from the report's own tables.

The site's other charts (community's poll results) draw with the same style and settings.
"""

import base64
import hashlib
import re

import pygal
from django.core.cache import cache
from pygal.style import Style

from meetings.reports.tables import display

CHART_CACHE_SECONDS = 24 * 3600


def chart_style(**colors_and_sizes):
    """Return a chart style in the site's colours and font, with these colours and font sizes."""
    return Style(
        background="white",
        plot_background="white",
        foreground="#212529",
        foreground_strong="#212529",
        foreground_subtle="#6c757d",
        font_family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
        **colors_and_sizes,
    )


_STYLE = chart_style(
    colors=("#0d6efd", "#198754", "#fd7e14", "#6f42c1", "#dc3545"),
    label_font_size=12,
    major_label_font_size=12,
    value_font_size=11,
    title_font_size=16,
)


def chart_config(title, **extra):
    """Return pygal's settings for a chart shown as an <img>; `extra` adds to them or overrides them."""
    return {
        "title": title,
        "style": _STYLE,
        "width": 800,
        "height": 360,
        "show_legend": False,
        # Served as an image: no scripts, no XML prologue.
        "js": [],
        "disable_xml_declaration": True,
        "print_values": False,
        "margin": 16,
        "truncate_label": -1,
        # Each chart is its own image document: no need to prefix every CSS rule with a unique id.
        "no_prefix": True,
        **extra,
    }


#: pygal writes its whole configuration into a <script> and credits itself in comments; an <img>
#: runs no script and shows no comment.
_UNSEEN = re.compile(r"<script[^>]*>.*?</script>|<!--.*?-->", re.DOTALL)
#: Coordinates come with up to 15 decimals; two are finer than a pixel of the 800-wide drawing.
#: Only attribute values are shortened: labels (text) keep their digits.
_ATTRIBUTE = re.compile(r'="([^"]*)"')
_LONG_DECIMALS = re.compile(r"(\d\.\d\d)\d+")


def _shorter(match):
    return '="' + _LONG_DECIMALS.sub(r"\1", match.group(1)) + '"'


def without_unseen(svg):
    return _UNSEEN.sub("", svg)


def svg_data_uri(svg):
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def _points(table):
    """Return (label, value) per row: the table's own words, so dates read the same in both."""
    return [(str(display(row[table.chart_label])), row[table.chart_value] or 0) for row in table.rows]


def chart_svg(table, *, horizontal=False, line=False):
    """Return the SVG (text) of a chart of one table column, or None when there is nothing to draw."""
    if table.chart_value is None or not table.rows:
        return None
    points = _points(table)
    many = len(points) > 24
    if line:
        chart = pygal.Line(**chart_config(table.caption, x_label_rotation=30, show_minor_x_labels=not many))
    elif horizontal:
        chart = pygal.HorizontalBar(**chart_config(table.caption))
        # pygal stacks horizontal bars from the bottom up; reverse so the chart reads like the table.
        points.reverse()
    else:
        chart = pygal.Bar(**chart_config(table.caption, x_label_rotation=30, show_minor_x_labels=not many))
    chart.x_labels = [label for label, _value in points]
    if many:
        chart.x_labels_major_every = max(1, len(points) // 12)
    chart.add(str(table.headers[table.chart_value]), [value for _label, value in points])
    # Without what an <img> never uses: about half the weight.
    return _ATTRIBUTE.sub(_shorter, without_unseen(chart.render(is_unicode=True)))


def _chart_key(table, kwargs):
    """Return a cache key made of everything the chart is drawn from, so a hit is always right."""
    parts = [
        str(table.caption),
        str(table.headers[table.chart_value]),
        sorted(kwargs.items()),
        _points(table),
    ]
    return "itprosig:chart:v4:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def chart_data_uri(table, **kwargs):
    """Return the chart as a data: URI for an <img>, or None.

    Drawing is the costliest part of a report page and past periods rarely change: charts are
    cached under a key made of their data, so no invalidation is needed.
    """
    if table.chart_value is None or not table.rows:
        return None
    key = _chart_key(table, kwargs)
    uri = cache.get(key)
    if uri is None:
        uri = svg_data_uri(chart_svg(table, **kwargs))
        cache.set(key, uri, timeout=CHART_CACHE_SECONDS)
    return uri
