"""Report charts are cached under a key made of their data: a hit must never show other figures."""

import base64

import pytest
from django.core.cache import cache

from meetings.reports.charts import chart_data_uri
from meetings.reports.tables import Table


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def svg_of(uri):
    return base64.b64decode(uri.split(",", 1)[1]).decode()


def attendance(values):
    rows = [[f"2026-{month:02d}", value] for month, value in enumerate(values, start=1)]
    return Table(
        slug="attendance", caption="Attendance", headers=["Month", "People"], rows=rows, chart_value=1
    )


def test_chart_cache_draws_again_when_a_figure_changes():
    before = chart_data_uri(attendance([12, 30, 18]))
    after = chart_data_uri(attendance([12, 31, 18]))
    assert before != after
    assert "31" in svg_of(after)


def test_chart_cache_serves_the_same_drawing_for_the_same_data(monkeypatch):
    first = chart_data_uri(attendance([5, 6]))

    def must_not_draw(*args, **kwargs):
        raise AssertionError("drawn again although the data did not change")

    monkeypatch.setattr("meetings.reports.charts.chart_svg", must_not_draw)
    assert chart_data_uri(attendance([5, 6])) == first


def test_chart_cache_keeps_orientation_apart():
    table = attendance([3, 9])
    assert chart_data_uri(table) != chart_data_uri(table, horizontal=True)


def test_chart_of_an_empty_table_is_none():
    assert chart_data_uri(attendance([])) is None
