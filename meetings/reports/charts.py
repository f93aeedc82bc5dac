"""Charts for the reports, drawn on the server as SVG by pygal from the report's own tables."""

import base64
import hashlib
import re

import pygal
from django.core.cache import cache
from pygal.style import Style

from meetings.reports.tables import display

CHART_CACHE_SECONDS = 24 * 3600

_STYLE = Style(
    background="white",
    plot_background="white",
    foreground="#212529",
    foreground_strong="#212529",
    foreground_subtle="#6c757d",
    colors=("#0d6efd", "#198754", "#fd7e14", "#6f42c1", "#dc3545"),
    font_family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
    label_font_size=12,
    major_label_font_size=12,
    value_font_size=11,
    title_font_size=16,
)


def _config(title, **extra):
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


def _slim(svg):
    """Return the SVG without what an <img> never uses: about half its weight."""
    return _ATTRIBUTE.sub(_shorter, _UNSEEN.sub("", svg))


def chart_svg(table, *, horizontal=False, line=False):
    """Return the SVG (text) of a chart of one table column, or None when there is nothing to draw."""
    if table.chart_value is None or not table.rows:
        return None
    # The table's own words for each row: dates read the same in the chart and in the table.
    labels = [str(display(row[table.chart_label])) for row in table.rows]
    values = [row[table.chart_value] or 0 for row in table.rows]
    series_name = str(table.headers[table.chart_value])
    many = len(labels) > 24
    if line:
        chart = pygal.Line(**_config(table.caption, x_label_rotation=30, show_minor_x_labels=not many))
    elif horizontal:
        chart = pygal.HorizontalBar(**_config(table.caption))
    else:
        chart = pygal.Bar(**_config(table.caption, x_label_rotation=30, show_minor_x_labels=not many))
    if horizontal:
        # pygal stacks horizontal bars from the bottom up; reverse so the chart reads like the table.
        labels, values = labels[::-1], values[::-1]
    chart.x_labels = labels
    if many:
        chart.x_labels_major_every = max(1, len(labels) // 12)
    chart.add(series_name, values)
    return _slim(chart.render(is_unicode=True))


def _chart_key(table, kwargs):
    """Return a cache key made of everything the chart is drawn from, so a hit is always right."""
    rows = [(str(display(row[table.chart_label])), row[table.chart_value] or 0) for row in table.rows]
    parts = [str(table.caption), str(table.headers[table.chart_value]), sorted(kwargs.items()), rows]
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
        svg = chart_svg(table, **kwargs)
        uri = "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
        cache.set(key, uri, timeout=CHART_CACHE_SECONDS)
    return uri
