"""Chart geometry: pure functions, worked by hand, no database."""

import datetime

from positions.charts import (
    CHART,
    EDGE,
    GAP_CHART,
    PALETTE,
    PHONE_CHAR_WIDTH,
    SPARK,
    Box,
    ChartEvent,
    Observation,
    TimeScale,
    colour_for,
    event_markers,
    gap_chart,
    short_label,
    stance_chart,
    step_path,
    value_scale,
)

D = datetime.date.fromisoformat

# 200 × 100 with a plot area of 180 × 80 starting at (20, 10).
BOX = Box(width=200, height=100, left=20, right=0, top=10, bottom=10)


def test_it_draws_a_step_path_horizontal_then_vertical_to_the_end():
    path = step_path([(10, 20), (30, 20), (50, 40)], end_x=70)

    assert path == "M10 20 H30 H50 V40 H70"


def test_it_does_not_carry_a_step_path_back_to_an_earlier_end():
    assert step_path([(1.5, 2.25), (4, 8)], end_x=4) == "M1.5 2.25 H4 V8"
    assert step_path([(1.5, 2.25)], end_x=1) == "M1.5 2.25"


def test_it_draws_no_step_path_without_coordinates():
    assert step_path([], end_x=100) == ""


def test_it_adds_a_margin_of_fifteen_days_around_a_short_time_span():
    # 2019-03-01 .. 2019-03-31 (30 days) becomes 2019-02-14 .. 2019-04-15 (60 days).
    x = TimeScale([D("2019-03-31"), D("2019-03-01")], BOX)

    assert (x.first, x.last) == (D("2019-02-14"), D("2019-04-15"))
    assert x(D("2019-02-14")) == 20
    assert x(D("2019-03-01")) == 65.0  # 20 + 15/60 × 180
    assert x(D("2019-03-31")) == 155.0  # 20 + 45/60 × 180
    assert x(D("2019-04-15")) == 200


def test_it_widens_the_margin_to_a_thirtieth_of_a_long_time_span():
    x = TimeScale([D("2010-01-01"), D("2010-01-01") + datetime.timedelta(3000)], BOX)

    assert x.first == D("2010-01-01") - datetime.timedelta(days=100)


def test_it_puts_a_single_day_in_the_middle_of_the_chart():
    x = TimeScale([D("2019-03-28")], BOX)

    assert x(D("2019-03-28")) == 110.0  # 20 + 180 / 2


def test_it_labels_time_ticks_by_day_month_or_year_after_the_span():
    days = TimeScale([D("2019-03-28")], BOX).ticks(2)
    assert [t.label for t in days] == ["13 Mar 2019", "06 Apr 2019"]
    months = TimeScale([D("2019-01-10"), D("2019-12-20")], BOX).ticks(5)
    assert [t.label for t in months] == [
        "Jan 2019",
        "Apr 2019",
        "Jul 2019",
        "Oct 2019",
        "Jan 2020",
    ]
    years = TimeScale([D("2010-06-01"), D("2019-06-01")], BOX).ticks(5)
    assert [t.label for t in years] == ["2012", "2014", "2016", "2018"]


def test_it_puts_time_ticks_on_calendar_boundaries_evenly():
    ticks = TimeScale([D("2018-03-01"), D("2019-09-30")], CHART).ticks(5)
    gaps = [b.position - a.position for a, b in zip(ticks, ticks[1:], strict=False)]

    # Every six months (every three would be seven ticks): 181 to 184 days.
    assert [t.label for t in ticks] == ["Jul 2018", "Jan 2019", "Jul 2019"]
    assert max(gaps) - min(gaps) < 0.02 * CHART.plot_width


def test_it_keeps_the_time_labels_inside_the_chart_at_a_phones_text_size():
    for box in (CHART, GAP_CHART):
        ticks = TimeScale([D("2019-02-27"), D("2019-03-01")], box).ticks(5)

        for tick in ticks:
            half = len(tick.label) * PHONE_CHAR_WIDTH / 2 + EDGE
            assert half <= tick.label_x <= box.width - half


def test_it_moves_a_time_label_near_the_edge_inside_instead_of_ending_it_there():
    # The gap chart's first label ("28 Feb 2019") once started left of the
    # drawing on a phone.
    first, second = TimeScale([D("2019-03-15"), D("2019-03-28")], GAP_CHART).ticks()[:2]

    half = len(first.label) * PHONE_CHAR_WIDTH / 2 + EDGE
    assert first.position < half == first.label_x
    # Centred on its date where it fits, and clear of its neighbour.
    assert second.label_x == second.position
    assert first.label_x + half <= second.label_x - half


def test_it_puts_the_highest_value_at_the_top_and_the_lowest_at_the_bottom():
    y = value_scale(BOX, -2, 2)

    assert (y(2), y(1), y(0), y(-1), y(-2)) == (10, 30, 50, 70, 90)


def test_it_plots_stance_two_at_the_top_and_minus_two_at_the_bottom_of_a_chart():
    lines = [
        ("US", "us", [Observation(D("2019-03-01"), 2)]),
        ("DPRK", "north-korea", [Observation(D("2019-03-01"), -2)]),
    ]

    chart = stance_chart(lines)

    [top], [bottom] = (series.points for series in chart.series)
    assert top.y == CHART.top
    assert bottom.y == CHART.plot_bottom
    assert [tick.label for tick in chart.y_ticks] == [
        "demands / strongly supports",
        "supports / open to",
        "neutral / ambiguous",
        "opposes / sceptical",
        "rejects outright",
    ]


def test_it_runs_each_stance_line_on_to_the_last_day_of_the_chart():
    early = Observation(D("2019-03-01"), -2, href="/positions/1/", title="t1")
    late = Observation(D("2019-03-31"), 1, href="/positions/2/", title="t2")

    chart = stance_chart(
        [("A", "a", [late, early]), ("B", "b", [Observation(D("2019-03-31"), 0)])],
        box=BOX,
    )

    a, b = chart.series
    # x: 03-01 → 65, 03-31 → 155; y: −2 → 90, +1 → 30, 0 → 50.
    assert a.path == "M65 90 H155 V30"
    assert [(p.x, p.y, p.href, p.title) for p in a.points] == [
        (65.0, 90.0, "/positions/1/", "t1"),
        (155.0, 30.0, "/positions/2/", "t2"),
    ]
    assert b.path == "M155 50"
    assert (a.label, a.colour) == ("A", colour_for("a"))


def test_it_shares_one_time_axis_when_given_a_span():
    observation = Observation(D("2019-03-01"), 0)

    chart = stance_chart(
        [("A", "a", [observation])],
        box=BOX,
        span=(D("2019-03-01"), D("2019-03-31")),
    )

    [series] = chart.series
    assert series.points[0].x == 65.0
    assert series.path == "M65 50 H155"


def test_it_draws_no_time_ticks_on_a_small_chart():
    chart = stance_chart([("A", "a", [Observation(D("2019-03-01"), 0)])], box=SPARK)

    assert chart.x_ticks == []
    assert len(chart.y_ticks) == 5


def test_it_breaks_the_gap_path_at_a_day_without_a_gap():
    observations = [
        Observation(D("2019-01-01"), 1.0),
        Observation(D("2019-01-31"), None),
        Observation(D("2019-03-02"), 2.0),
    ]

    chart = gap_chart(observations)

    # 2018-12-17 .. 2019-03-17 is 90 days over 640 px from x = 56; the gap
    # 0..4 runs over 188 px from y = 16, 4 at the top.
    [series] = chart.series
    assert series.path == "M162.67 157 H376 M589.33 110"
    assert [(p.x, p.y) for p in series.points] == [(162.67, 157.0), (589.33, 110.0)]
    assert [tick.label for tick in chart.y_ticks] == ["0", "1", "2", "3", "4"]
    assert chart.box == GAP_CHART


def test_it_holds_a_gap_until_the_next_day():
    chart = gap_chart(
        [Observation(D("2019-01-01"), 0.0), Observation(D("2019-03-02"), 4.0)]
    )

    assert chart.series[0].path == "M162.67 204 H589.33 V16"


def test_it_gives_a_key_the_same_colour_from_the_palette_every_time():
    keys = ["us", "north-korea", "south-korea", "china", "japan", "russia"]

    first = [colour_for(key) for key in keys]

    assert first == [colour_for(key) for key in keys]
    assert set(first) <= set(PALETTE)
    assert len(set(first)) > 1


def test_it_reports_an_empty_chart_for_empty_input():
    assert stance_chart([]).is_empty
    assert stance_chart([("A", "a", [])]).is_empty
    assert gap_chart([]).is_empty
    assert gap_chart([Observation(D("2019-01-01"), None)]).is_empty
    assert not gap_chart([Observation(D("2019-01-01"), 0.0)]).is_empty


def test_it_spans_a_disputed_day_from_its_lowest_to_its_highest_stance():
    lines = [
        (
            "US",
            "us",
            [
                Observation(D("2019-03-01"), -2, disputed=True, low=-2, high=0),
                Observation(D("2019-03-02"), 1),
            ],
        )
    ]

    [series] = stance_chart(lines).series

    disputed, plain = series.points
    assert disputed.has_range and not plain.has_range
    assert disputed.y_low == CHART.plot_bottom
    assert disputed.y_high == CHART.top + CHART.plot_height / 2


def _line(*days):
    return [("US", "us", [Observation(D(day), 1) for day in days])]


def test_it_marks_an_event_with_a_line_at_its_date_and_its_title():
    chart = stance_chart(
        _line("2019-01-01", "2019-12-31"),
        events=[ChartEvent(D("2019-02-27"), "Hanoi summit", "Hanoi (summit)", "/e/")],
    )

    [marker] = chart.markers
    x = TimeScale([D("2019-01-01"), D("2019-12-31")], CHART)
    assert marker.x == x(D("2019-02-27"))
    assert (marker.label, marker.title, marker.href) == (
        "Hanoi summit",
        "Hanoi (summit)",
        "/e/",
    )
    assert marker.anchor == "start" and marker.label_x == marker.x + 3


def test_it_leaves_out_events_outside_the_charts_time_range():
    chart = stance_chart(
        _line("2019-03-01", "2019-04-01"),
        events=[
            ChartEvent(D("2018-06-12"), "Singapore summit"),
            ChartEvent(D("2019-03-15"), "Inside"),
            ChartEvent(D("2020-01-01"), "New year"),
        ],
    )

    assert [marker.label for marker in chart.markers] == ["Inside"]


def test_it_marks_the_events_on_the_gap_chart_too():
    chart = gap_chart(
        [Observation(D("2019-01-01"), 2), Observation(D("2019-06-01"), 1)],
        events=[ChartEvent(D("2019-02-27"), "Hanoi summit")],
    )

    assert [marker.label for marker in chart.markers] == ["Hanoi summit"]
    assert GAP_CHART.left < chart.markers[0].x < GAP_CHART.plot_right


def test_it_shortens_a_long_label_and_keeps_the_whole_title():
    events = [ChartEvent(D("2019-02-27"), "Second North Korea–United States summit")]

    [marker] = stance_chart(_line("2019-01-01", "2019-12-31"), events=events).markers

    assert marker.label == short_label(events[0].label) == "Second North…"
    assert marker.title == "Second North Korea–United States summit"


def test_it_puts_close_labels_on_a_second_row_and_drops_what_does_not_fit():
    days = ["2019-03-01", "2019-03-02", "2019-03-03"]
    events = [ChartEvent(D(day), f"Round {day[-1]}") for day in days]

    markers = stance_chart(_line("2019-01-01", "2019-12-31"), events=events).markers

    assert [marker.label for marker in markers] == ["Round 1", "Round 2", ""]
    assert markers[0].label_y != markers[1].label_y
    assert markers[2].title == "Round 3"


def test_it_ends_a_label_at_its_line_near_the_right_edge():
    chart = stance_chart(
        _line("2019-01-01", "2019-12-31"),
        events=[ChartEvent(D("2019-12-31"), "Year-end deadline")],
    )

    [marker] = chart.markers
    assert marker.anchor == "end"
    assert marker.label_x == marker.x - 3


def test_it_places_the_labels_again_for_a_phones_larger_text():
    # 50 days apart: 67 units, where "Round 1" is 42 units wide on a wide
    # screen and 84 on a phone.
    days = ["2019-03-01", "2019-04-20", "2019-06-09"]
    events = [ChartEvent(D(day), f"Round {n}") for n, day in enumerate(days, 1)]

    markers = stance_chart(_line("2019-01-01", "2019-12-31"), events=events).markers

    # Apart on a wide screen, in one row; on a phone the second goes to the
    # next row, twice as far down.
    assert [m.label_y for m in markers] == [CHART.top + 10] * 3
    assert [m.phone.y for m in markers] == [
        CHART.top + 18,
        CHART.top + 18 + 22,
        CHART.top + 18,
    ]
    assert [m.phone.text for m in markers] == [m.label for m in markers]
    assert markers[0].phone.x == markers[0].x + 3


def test_it_leaves_out_on_a_phone_a_label_that_fits_only_on_a_wide_screen():
    # 20 days apart (27 units): the third clears the first on a wide screen.
    days = ["2019-03-01", "2019-03-21", "2019-04-10"]
    events = [ChartEvent(D(day), f"Round {n}") for n, day in enumerate(days, 1)]

    markers = stance_chart(_line("2019-01-01", "2019-12-31"), events=events).markers

    assert [m.label for m in markers] == ["Round 1", "Round 2", "Round 3"]
    assert [m.phone is None for m in markers] == [False, False, True]
    assert markers[2].title == "Round 3"


def test_it_labels_the_stances_with_their_first_word_for_a_phone():
    chart = stance_chart(_line("2019-01-01"))

    assert [(t.label, t.short) for t in chart.y_ticks][::4] == [
        ("demands / strongly supports", "demands"),
        ("rejects outright", "rejects"),
    ]


def test_it_draws_no_labels_on_a_small_chart():
    chart = stance_chart(
        _line("2019-01-01", "2019-12-31"),
        box=SPARK,
        events=[ChartEvent(D("2019-02-27"), "Hanoi summit")],
    )

    [marker] = chart.markers
    assert marker.label == "" and marker.phone is None
    assert marker.title == "Hanoi summit"
    # Nor beside it: its stance grid lines go unlabelled.
    assert {tick.label for tick in chart.y_ticks} == {""}


def test_it_marks_nothing_on_an_empty_chart():
    chart = stance_chart([], events=[ChartEvent(D("2019-02-27"), "Hanoi summit")])

    assert chart.markers == []
    assert event_markers([], TimeScale([D("2019-01-01")], CHART), CHART) == []
