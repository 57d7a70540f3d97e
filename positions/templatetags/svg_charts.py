"""The inline SVG of a chart from ``positions.charts``.

Rendered in Python, with the standard library's escape, rather than in a
template: a chart has hundreds of points, and each point's variables,
conditions, links and lazy escapes cost more through the template engine
than the whole point does here.
"""

from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe

from positions.charts import Box, Chart, Marker, Point, Series

register = template.Library()

# A target a finger can hit: 52 units are 26 CSS px where a big chart is
# drawn 364 px wide (a 390 px phone), above WCAG 2.2's 24.
HIT = 52


def _linked(href: str, inner: str, name: str = "") -> str:
    """``inner`` as a link to ``href`` (if any), named ``name`` for screen
    readers and keyboard users (js/chart-points.js shows the name beside a
    point while it has keyboard focus; its tooltip shows on hover only)."""
    if not href:
        return inner
    named = f' aria-label="{name}"' if name else ""
    return f'<a href="{escape(href)}"{named}>{inner}</a>'


def _y_tick(chart: Chart, tick) -> str:
    box, y = chart.box, tick.position
    line = (
        f'<line class="grid" x1="{box.left}" x2="{box.plot_right}" y1="{y}" '
        f'y2="{y}"></line>'
    )
    if not tick.label:
        return line
    # A phone shows the short start alone (app.css hides the rest).
    words = escape(tick.label)
    if tick.short and tick.label.startswith(tick.short) and tick.short != tick.label:
        rest = tick.label[len(tick.short) :]
        words = f'{escape(tick.short)}<tspan class="wide-only">{escape(rest)}</tspan>'
    return (
        f'{line}<text class="axis-label" x="{box.left - 8}" y="{y}" '
        f'text-anchor="end" dominant-baseline="middle">{words}</text>'
    )


def _marker(chart: Chart, marker: Marker) -> str:
    label = (
        f'<text class="event-label wide-only" x="{marker.label_x}" '
        f'y="{marker.label_y}" text-anchor="{escape(marker.anchor)}">'
        f"{escape(marker.label)}</text>"
        if marker.label
        else ""
    )
    if marker.phone is not None:
        label += (
            f'<text class="event-label phone-only" x="{marker.phone.x}" '
            f'y="{marker.phone.y}" text-anchor="{escape(marker.phone.anchor)}">'
            f"{escape(marker.phone.text)}</text>"
        )
    inner = (
        f'<title>{escape(marker.title)}</title><line class="event-line" '
        f'x1="{marker.x}" x2="{marker.x}" y1="{chart.box.top}" '
        f'y2="{chart.box.plot_bottom}"></line>{label}'
    )
    linked = _linked(marker.href, inner, escape(marker.title))
    return f'<g class="event-marker">{linked}</g>'


def _point(colour: str, label: str, point: Point, radius: int, box: Box) -> str:
    day_range = (
        f'<line class="day-range" x1="{point.x}" x2="{point.x}" y1="{point.y_low}" '
        f'y2="{point.y_high}" stroke="{colour}"></line>'
        if point.has_range
        else ""
    )
    fill, disputed = ("#fff", " disputed") if point.disputed else (colour, "")
    name = f"{label} · {escape(point.title)}"
    circle = (
        f'<circle cx="{point.x}" cy="{point.y}" r="{radius}" fill="{fill}" '
        f'stroke="{colour}" class="point{disputed}"><title>{name}</title></circle>'
    )
    if not point.href:
        return day_range + circle
    # Centred on the point, but moved inside the chart near its edges: the
    # drawing clips what lies outside, which a finger could not hit.
    x = _within(point.x - HIT / 2, box.width - HIT)
    y = _within(point.y - HIT / 2, box.height - HIT)
    hit = f'<rect class="hit" x="{x:g}" y="{y:g}" width="{HIT}" height="{HIT}"></rect>'
    return _linked(point.href, day_range + hit + circle, name)


def _within(start: float, highest: float) -> float:
    return round(max(0, min(start, highest)), 2)


def _series(series: Series, radius: int, box: Box) -> str:
    colour, label = escape(series.colour), escape(series.label)
    points = "".join(
        _point(colour, label, point, radius, box) for point in series.points
    )
    return (
        f'<g class="series"><path d="{escape(series.path)}" stroke="{colour}" '
        f'class="line"></path>{points}</g>'
    )


# What app.css gives a chart, for an SVG downloaded on its own.
STANDALONE_STYLE = (
    "<style>.grid{stroke:#e3e0d8;stroke-width:1}"
    ".axis-label{font:11px sans-serif;fill:#5c6475}"
    ".line{fill:none;stroke-width:2.5;stroke-linejoin:round}.point{stroke-width:2}"
    ".hit{fill:transparent}.event-line{stroke:#5c6475;stroke-dasharray:3 3}"
    ".event-label{font:10px sans-serif;fill:#5c6475}.day-range{stroke-width:2}"
    ".phone-only{display:none}</style>"
)


def standalone_svg(chart: Chart, label: str) -> str:
    """``chart`` as an SVG file: namespaced, its styles inside."""
    drawn = chart_svg(chart, label)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + drawn.replace(
        "<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1
    ).replace("</title>", "</title>" + STANDALONE_STYLE, 1)


@register.simple_tag
def chart_svg(chart: Chart, label: str, small: bool = False) -> SafeString:
    """``chart`` as an ``<svg>`` described by ``label`` for screen readers;
    ``small`` draws smaller points (the actor page's sparklines)."""
    box = chart.box
    label = escape(str(label))
    description = (
        "<desc>Events marked: "
        + escape("; ".join(marker.title for marker in chart.markers))
        + ".</desc>"
        if chart.markers
        else ""
    )
    radius = 3 if small else 5
    # An image holds no links; a chart whose points and events link is a
    # group of them, named by its label.
    linked = any(marker.href for marker in chart.markers) or any(
        point.href for series in chart.series for point in series.points
    )
    role = "group" if linked else "img"
    parts = [
        f'<svg class="chart-svg" viewBox="0 0 {box.width} {box.height}" role="{role}" '
        f'aria-label="{label}" preserveAspectRatio="xMinYMin meet">'
        f"<title>{label}</title>{description}",
        *(_y_tick(chart, tick) for tick in chart.y_ticks),
        *(
            f'<text class="axis-label" x="{tick.label_x:g}" y="{box.height - 12}" '
            f'text-anchor="middle">{escape(tick.label)}</text>'
            for tick in chart.x_ticks
        ),
        *(_marker(chart, marker) for marker in chart.markers),
        *(_series(series, radius, box) for series in chart.series),
        "</svg>",
    ]
    # Every text and attribute value above went through escape.
    return mark_safe("".join(parts))  # noqa: S308
