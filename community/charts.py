"""Poll results as a bar chart drawn on the server (SVG by pygal), shown as an <img>.

The page beside it holds the same counts as a table, which is the accessible version; the chart is
a picture of it. No script runs in an <img>, so pygal's tooltips script is left out.
"""

import pygal

from meetings.reports.charts import chart_config, chart_style, svg_data_uri, without_unseen

_STYLE = chart_style(colors=("#0d6efd",), label_font_size=13, major_label_font_size=13, value_font_size=13)


def chart_height(rows):
    return max(160, 60 + 44 * len(rows))


def poll_chart_svg(rows, *, title=""):
    """Return the SVG text of a horizontal bar chart of (label, count) rows, or None when empty."""
    if not rows:
        return None
    chart = pygal.HorizontalBar(
        **chart_config(
            title, style=_STYLE, width=700, height=chart_height(rows), print_values=True, margin=12
        )
    )
    # pygal draws horizontal bars bottom up; reverse so the chart reads in the table's order.
    chart.x_labels = [label for label, _count in rows][::-1]
    chart.add("", [count for _label, count in rows][::-1])
    return without_unseen(chart.render(is_unicode=True))


def poll_chart_data_uri(rows, *, title=""):
    svg = poll_chart_svg(rows, title=title)
    return None if svg is None else svg_data_uri(svg)
