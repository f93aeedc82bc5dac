"""Poll results as a bar chart drawn on the server (SVG by pygal), shown as an <img>.

The page beside it holds the same counts as a table, which is the accessible version; the chart is
a picture of it. No script runs in an <img>, so pygal's tooltips script is left out.
"""

import base64
import re

import pygal
from pygal.style import Style

_STYLE = Style(
    background="white",
    plot_background="white",
    foreground="#212529",
    foreground_strong="#212529",
    foreground_subtle="#6c757d",
    colors=("#0d6efd",),
    font_family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
    label_font_size=13,
    major_label_font_size=13,
    value_font_size=13,
)
_UNSEEN = re.compile(r"<script[^>]*>.*?</script>|<!--.*?-->", re.DOTALL)


def chart_height(rows):
    return max(160, 60 + 44 * len(rows))


def poll_chart_svg(rows, *, title=""):
    """Return the SVG text of a horizontal bar chart of (label, count) rows, or None when empty."""
    if not rows:
        return None
    chart = pygal.HorizontalBar(
        title=title,
        style=_STYLE,
        width=700,
        height=chart_height(rows),
        show_legend=False,
        js=[],
        disable_xml_declaration=True,
        print_values=True,
        margin=12,
        truncate_label=-1,
        no_prefix=True,
    )
    # pygal draws horizontal bars bottom up; reverse so the chart reads in the table's order.
    labels = [label for label, _count in rows][::-1]
    chart.x_labels = labels
    chart.add("", [count for _label, count in rows][::-1])
    return _UNSEEN.sub("", chart.render(is_unicode=True))


def poll_chart_data_uri(rows, *, title=""):
    svg = poll_chart_svg(rows, title=title)
    if svg is None:
        return None
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
