"""The inline SVG of a chart from ``positions.charts``.

Rendered in Python rather than in a template: a proposal's chart has
hundreds of points, and each point's variables, conditions and links cost
more through the template engine than the whole point does here (the
proposal page spent most of its time drawing its chart).
"""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from positions.charts import Chart, Marker, Point, Series

register = template.Library()


def _linked(href: str, inner: SafeString) -> SafeString:
    if not href:
        return inner
    return format_html('<a href="{}">{}</a>', href, inner)


def _y_tick(chart: Chart, tick) -> SafeString:
    box = chart.box
    return format_html(
        '<line class="grid" x1="{}" x2="{}" y1="{}" y2="{}"></line>'
        '<text class="axis-label" x="{}" y="{}" text-anchor="end" '
        'dominant-baseline="middle">{}</text>',
        box.left,
        box.plot_right,
        tick.position,
        tick.position,
        box.left - 8,
        tick.position,
        tick.label,
    )


def _marker(chart: Chart, marker: Marker) -> SafeString:
    label = ""
    if marker.label:
        label = format_html(
            '<text class="event-label" x="{}" y="{}" text-anchor="{}">{}</text>',
            marker.label_x,
            marker.label_y,
            marker.anchor,
            marker.label,
        )
    inner = format_html(
        '<title>{}</title><line class="event-line" x1="{}" x2="{}" y1="{}" '
        'y2="{}"></line>{}',
        marker.title,
        marker.x,
        marker.x,
        chart.box.top,
        chart.box.plot_bottom,
        label,
    )
    return format_html('<g class="event-marker">{}</g>', _linked(marker.href, inner))


def _point(series: Series, point: Point, radius: int) -> SafeString:
    day_range = ""
    if point.has_range:
        day_range = format_html(
            '<line class="day-range" x1="{}" x2="{}" y1="{}" y2="{}" '
            'stroke="{}"></line>',
            point.x,
            point.x,
            point.y_low,
            point.y_high,
            series.colour,
        )
    circle = format_html(
        '<circle cx="{}" cy="{}" r="{}" fill="{}" stroke="{}" class="point{}">'
        "<title>{} · {}</title></circle>",
        point.x,
        point.y,
        radius,
        "#fff" if point.disputed else series.colour,
        series.colour,
        " disputed" if point.disputed else "",
        series.label,
        point.title,
    )
    return _linked(point.href, format_html("{}{}", day_range, circle))


def _series(series: Series, radius: int) -> SafeString:
    # Each point is already escaped by format_html.
    drawn = "".join(_point(series, point, radius) for point in series.points)
    points = mark_safe(drawn)  # noqa: S308
    return format_html(
        '<g class="series"><path d="{}" stroke="{}" class="line"></path>{}</g>',
        series.path,
        series.colour,
        points,
    )


@register.simple_tag
def chart_svg(chart: Chart, label: str, small: bool = False) -> SafeString:
    """``chart`` as an ``<svg>`` described by ``label`` for screen readers;
    ``small`` draws smaller points (the actor page's sparklines)."""
    box = chart.box
    description = ""
    if chart.markers:
        description = format_html(
            "<desc>Events marked: {}.</desc>",
            "; ".join(marker.title for marker in chart.markers),
        )
    radius = 3 if small else 5
    body = (
        format_html_join("", "{}", ((_y_tick(chart, tick),) for tick in chart.y_ticks))
        + format_html_join(
            "",
            '<text class="axis-label" x="{}" y="{}" text-anchor="middle">{}</text>',
            ((tick.position, box.height - 12, tick.label) for tick in chart.x_ticks),
        )
        + format_html_join(
            "", "{}", ((_marker(chart, marker),) for marker in chart.markers)
        )
        + format_html_join(
            "", "{}", ((_series(series, radius),) for series in chart.series)
        )
    )
    return format_html(
        '<svg class="chart-svg" viewBox="0 0 {} {}" role="img" aria-label="{}" '
        'preserveAspectRatio="xMinYMin meet"><title>{}</title>{}{}</svg>',
        box.width,
        box.height,
        label,
        label,
        description,
        body,
    )
