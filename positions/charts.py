"""Geometry of the server-rendered SVG charts: pure functions, no database.

Views hand in plain data (dates, stances, labels, links); these functions
return coordinates and SVG path strings that template partials draw as
inline ``<svg>``. Keeping the arithmetic here lets it be tested without a
browser or a database.
"""

import datetime
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field

from positions.models import Stance

# Colour-blind-safe palette (Okabe–Ito, then Tol's muted), readable on white.
PALETTE = (
    "#0072B2",
    "#D55E00",
    "#009E73",
    "#CC79A7",
    "#E69F00",
    "#56B4E9",
    "#882255",
    "#117733",
    "#332288",
    "#999933",
)
STANCE_MIN, STANCE_MAX = -2, 2
GAP_MAX = 4


def colour_for(key: str) -> str:
    """The same colour for the same actor on every page and every chart."""
    return PALETTE[zlib.crc32(key.encode()) % len(PALETTE)]


@dataclass(frozen=True)
class Box:
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int

    @property
    def plot_width(self) -> int:
        return self.width - self.left - self.right

    @property
    def plot_height(self) -> int:
        return self.height - self.top - self.bottom

    @property
    def plot_right(self) -> int:
        return self.width - self.right

    @property
    def plot_bottom(self) -> int:
        return self.height - self.bottom


CHART = Box(width=720, height=300, left=170, right=24, top=16, bottom=36)
SPARK = Box(width=220, height=56, left=4, right=4, top=6, bottom=6)
GAP_CHART = Box(width=720, height=240, left=56, right=24, top=16, bottom=36)


@dataclass(frozen=True)
class Observation:
    """One point handed in by a view: a resolved stance of a day."""

    day: datetime.date
    value: float | None
    href: str = ""
    title: str = ""
    disputed: bool = False
    # A disputed day's lowest and highest stance, drawn as a range.
    low: float | None = None
    high: float | None = None


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    href: str
    title: str
    disputed: bool
    # The y of a disputed day's range (its highest stance is the smaller y).
    y_low: float | None = None
    y_high: float | None = None

    @property
    def has_range(self) -> bool:
        return self.y_low is not None and self.y_high is not None


@dataclass(frozen=True)
class Series:
    label: str
    colour: str
    path: str
    points: list[Point]


@dataclass(frozen=True)
class ChartEvent:
    """An event handed in by a view, drawn as a marker at its first day."""

    day: datetime.date
    label: str
    title: str = ""
    href: str = ""


@dataclass(frozen=True)
class Placement:
    """A label drawn starting (or ending) at (``x``, ``y``)."""

    text: str
    x: float
    y: float
    anchor: str = "start"


@dataclass(frozen=True)
class Marker:
    """A vertical line at ``x`` with a short label at (``label_x``, ``label_y``);
    ``label`` is empty where it would not fit, ``title`` is always the whole.
    ``phone`` places the label on a phone, where chart text is drawn about
    twice as large (None where it does not fit there)."""

    x: float
    label: str
    title: str
    href: str
    label_x: float = 0
    label_y: float = 0
    anchor: str = "start"
    phone: Placement | None = None


@dataclass(frozen=True)
class Tick:
    position: float
    label: str
    # Where a time tick's label is centred: at its position, or near an
    # edge as far inside as keeps the whole label on the chart.
    label_x: float = 0
    # The start of ``label`` that a phone shows, where the whole would not
    # fit beside the chart ("" for all of it).
    short: str = ""


@dataclass
class Chart:
    box: Box
    series: list[Series] = field(default_factory=list)
    x_ticks: list[Tick] = field(default_factory=list)
    y_ticks: list[Tick] = field(default_factory=list)
    markers: list[Marker] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not any(series.points for series in self.series)


class TimeScale:
    """Dates to x coordinates; a single day is widened so it sits mid-chart."""

    def __init__(self, days: Sequence[datetime.date], box: Box):
        first, last = min(days), max(days)
        # A margin of time on each side keeps the first and last points (and
        # their tick labels) off the chart's edges.
        margin = datetime.timedelta(days=max(15, (last - first).days // 30))
        self.first, self.last, self.box = first - margin, last + margin, box

    def __call__(self, day: datetime.date) -> float:
        span = (self.last - self.first).days
        return round(
            self.box.left + (day - self.first).days / span * self.box.plot_width, 2
        )

    def ticks(self, count: int = 5) -> list[Tick]:
        """At most ``count`` ticks on calendar boundaries, evenly stepped:
        the first of January every few years, the first of a month every few
        months, or every few days, after the span."""
        span = (self.last - self.first).days
        if span > 3 * 365:
            days, fmt = _steps(self.first, self.last, count, _years), "%Y"
        elif span > 60:
            days, fmt = _steps(self.first, self.last, count, _months), "%b %Y"
        else:
            days, fmt = _steps(self.first, self.last, count, _days), "%d %b %Y"
        ticks = []
        for day in days:
            label = day.strftime(fmt)
            # Kept inside (half the label and a free edge from either side)
            # at the phone's larger text, so that it fits on both; moved
            # rather than ended at its date, so that it does not run into the
            # next label.
            at, reach = self(day), len(label) * PHONE_CHAR_WIDTH / 2 + EDGE
            label_x = min(max(at, reach), self.box.width - reach)
            ticks.append(Tick(at, label, label_x=label_x))
        return ticks


def _years(first: datetime.date, step: int) -> datetime.date:
    year = first.year + ((first.month, first.day) != (1, 1))
    return datetime.date(year + -year % step, 1, 1)


def _months(first: datetime.date, step: int) -> datetime.date:
    index = first.year * 12 + first.month - 1 + (first.day != 1)
    index += -index % step
    return datetime.date(index // 12, index % 12 + 1, 1)


def _days(first: datetime.date, step: int) -> datetime.date:
    return first


def _advance(day: datetime.date, unit, step: int) -> datetime.date:
    if unit is _years:
        return day.replace(year=day.year + step)
    if unit is _months:
        index = day.year * 12 + day.month - 1 + step
        return datetime.date(index // 12, index % 12 + 1, 1)
    return day + datetime.timedelta(days=step)


def _steps(first, last, count: int, unit) -> list[datetime.date]:
    """Boundaries of ``unit`` within ``first``..``last``, the smallest step
    of 1, 2, 3, 6, 12, … units giving at most ``count``."""
    for step in (1, 2, 3, 6, 12, 24, 60, 120, 365):
        days, day = [], unit(first, step)
        while day <= last:
            days.append(day)
            day = _advance(day, unit, step)
        if len(days) <= count:
            return days
    return days


# Event labels: at most this many characters, in this many rows at the top of
# the plot, about this wide per character (the axis font), and kept apart.
LABEL_CHARS = 18
LABEL_ROWS = 2
CHAR_WIDTH = 6
LABEL_GAP = 6
# On a phone a big chart is drawn at about half size and app.css doubles its
# text (20 and 18 units for 11 and 10 px): characters about twice as wide,
# rows twice as far apart.
PHONE_CHAR_WIDTH = 12
# Kept free between a time label and the chart's edge.
EDGE = 4


@dataclass(frozen=True)
class TextSize:
    """Event labels at one size of text: a character's width, the first
    row's baseline below the plot's top, and the next row's below that."""

    char_width: int
    first_row: int
    row_step: int


WIDE_TEXT = TextSize(CHAR_WIDTH, 10, 12)
PHONE_TEXT = TextSize(PHONE_CHAR_WIDTH, 18, 22)


def short_label(text: str, limit: int = LABEL_CHARS) -> str:
    """``text`` within ``limit`` characters, cut at a word where one ends past
    the middle, with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip() + "…"


def event_markers(
    events: Sequence[ChartEvent], x: "TimeScale", box: Box, *, labels: bool = True
) -> list[Marker]:
    """A marker for each event within the chart's time range, in date order.

    Labels go into the first of ``LABEL_ROWS`` rows where they do not run
    into the previous label of that row; one that fits in none is left out
    (the marker keeps its line and its tooltip). Near the right edge a label
    ends at its line instead of starting there. The labels are placed twice:
    for a wide screen and for a phone's larger text (``Marker.phone``).
    ``labels=False`` (the small charts) draws lines and tooltips only."""
    markers = []
    wide_rows = [float("-inf")] * LABEL_ROWS
    phone_rows = [float("-inf")] * LABEL_ROWS
    for event in sorted(events, key=lambda e: (e.day, e.label)):
        if not x.first <= event.day <= x.last:
            continue
        at = x(event.day)
        title = event.title or event.label
        text = short_label(event.label) if labels else ""
        wide = _place(text, at, box, wide_rows, WIDE_TEXT)
        markers.append(
            Marker(
                x=at,
                label=text if wide else "",
                title=title,
                href=event.href,
                label_x=wide.x if wide else at,
                label_y=wide.y if wide else 0.0,
                anchor=wide.anchor if wide else "start",
                phone=_place(text, at, box, phone_rows, PHONE_TEXT),
            )
        )
    return markers


def _place(
    text: str, at: float, box: Box, row_ends: list[float], size: TextSize
) -> Placement | None:
    """Where ``text`` goes beside the line at ``at``, in the first row whose
    last label (``row_ends``, updated) it does not run into; None if none."""
    if not text:
        return None
    width = len(text) * size.char_width
    anchor = "end" if at + 3 + width > box.plot_right else "start"
    start = at - 3 - width if anchor == "end" else at + 3
    for row, end in enumerate(row_ends):
        if start >= end + LABEL_GAP and start >= box.left:
            row_ends[row] = start + width
            return Placement(
                text=text,
                x=at - 3 if anchor == "end" else at + 3,
                y=box.top + size.first_row + size.row_step * row,
                anchor=anchor,
            )
    return None


def value_scale(box: Box, low: float, high: float):
    def scale(value: float) -> float:
        return round(box.top + (high - value) / (high - low) * box.plot_height, 2)

    return scale


def step_path(coordinates: Sequence[tuple[float, float]], end_x: float) -> str:
    """A stance holds until the next one: horizontal, then vertical, steps,
    carried on to ``end_x`` (the as-of edge of the chart)."""
    if not coordinates:
        return ""
    x, y = coordinates[0]
    parts = [f"M{x:g} {y:g}"]
    for next_x, next_y in coordinates[1:]:
        parts.append(f"H{next_x:g}")
        if next_y != y:
            parts.append(f"V{next_y:g}")
        y = next_y
    if end_x > coordinates[-1][0]:
        parts.append(f"H{end_x:g}")
    return " ".join(parts)


def stance_chart(
    lines: Sequence[tuple[str, str, Sequence[Observation]]],
    *,
    box: Box = CHART,
    span: tuple[datetime.date, datetime.date] | None = None,
    events: Sequence[ChartEvent] = (),
) -> Chart:
    """Step lines of stance over time, one per (label, colour key, observations).

    The y axis is the stance scale −2..2 labelled with its words; the x axis
    spans every observation, or ``span`` (first, last day) when given, so that
    several small charts share one time axis. Each line runs on to the end.
    ``events`` within that time range are marked (see ``event_markers``).
    """
    chart = Chart(box=box)
    days = [o.day for _, _, observations in lines for o in observations]
    if not days:
        return chart
    if span is not None:
        days.extend(span)
    x = TimeScale(days, box)
    y = value_scale(box, STANCE_MIN, STANCE_MAX)
    end_x = x(max(days))
    for label, key, observations in lines:
        ordered = sorted(observations, key=lambda o: o.day)
        points = [
            Point(
                x(o.day),
                y(o.value),
                o.href,
                o.title,
                o.disputed,
                y_low=None if o.low is None else y(o.low),
                y_high=None if o.high is None else y(o.high),
            )
            for o in ordered
        ]
        chart.series.append(
            Series(
                label=label,
                colour=colour_for(key),
                path=step_path([(p.x, p.y) for p in points], end_x),
                points=points,
            )
        )
    chart.x_ticks = x.ticks() if box is not SPARK else []
    # A phone shows each stance's first word ("demands" of "demands /
    # strongly supports"); a small chart has no room beside it for any.
    chart.y_ticks = [
        Tick(y(stance.value), stance.label, short=stance.label.split()[0])
        if box is not SPARK
        else Tick(y(stance.value), "")
        for stance in Stance
    ]
    chart.markers = event_markers(events, x, box, labels=box is not SPARK)
    return chart


def gap_chart(
    observations: Sequence[Observation],
    *,
    box: Box = GAP_CHART,
    events: Sequence[ChartEvent] = (),
) -> Chart:
    """The gap (0 agree … 4 opposite extremes) over time as steps, since a gap
    holds until either side moves; a null gap (no shared proposal) breaks it."""
    chart = Chart(box=box)
    if not observations:
        return chart
    x = TimeScale([o.day for o in observations], box)
    y = value_scale(box, 0, GAP_MAX)
    ordered = sorted(observations, key=lambda o: o.day)
    runs: list[list[Observation]] = [[]]
    for observation in ordered:
        if observation.value is None:
            runs.append([])
        else:
            runs[-1].append(observation)
    paths = []
    for run in filter(None, runs):
        following = [o for o in ordered if o.day > run[-1].day]
        end_x = x(following[0].day) if following else x(ordered[-1].day)
        paths.append(step_path([(x(o.day), y(o.value)) for o in run], end_x))
    points = [
        Point(x(o.day), y(o.value), o.href, o.title, o.disputed)
        for o in ordered
        if o.value is not None
    ]
    chart.series.append(
        Series(label="gap", colour=PALETTE[0], path=" ".join(paths), points=points)
    )
    chart.x_ticks = x.ticks()
    chart.y_ticks = [Tick(y(value), str(value)) for value in range(GAP_MAX + 1)]
    chart.markers = event_markers(events, x, box)
    return chart
