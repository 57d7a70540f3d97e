"""A chart point's details (date, stance, quote, source) are visible while it
has keyboard focus, not only to a mouse hovering over it or a screen reader."""

import pytest

pytestmark = pytest.mark.e2e

TIP = ".chart-tip"


def tab_into_a_chart(page, limit=80):
    """Press Tab until a chart point or event has focus; its name."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        name = page.evaluate(
            """() => {
              const a = document.activeElement;
              return a && a.closest("svg.chart-svg") ? a.getAttribute("aria-label") : null;
            }"""
        )
        if name:
            return name
    raise AssertionError("No chart point took the keyboard's focus.")


def _box(page, selector):
    return page.evaluate(
        f"""() => {{
          const r = document.querySelector({selector!r}).getBoundingClientRect();
          return [r.left, r.top, r.right, r.bottom];
        }}"""
    )


def test_focusing_a_point_by_keyboard_shows_its_details(page, live_server, korea_case):
    page.goto(f"{live_server.url}/proposals/big-deal/")
    tip = page.locator(TIP)

    name = tab_into_a_chart(page)

    # North Korea's rejection of 15 March comes first: its date, stance,
    # quote and outlet are on the screen, as its link's name says them.
    assert tip.is_visible()
    assert tip.inner_text() == name
    for words in (
        "North Korea",
        "2019-03-15",
        "rejects outright",
        "threatened to pull out of nuclear negotiations",
        "The Korea Herald",
    ):
        assert words in tip.inner_text()
    # Beside the point, not over its focus ring.
    left, top, right, bottom = _box(page, TIP)
    ring = page.evaluate(
        """() => { const r = document.activeElement.querySelector(".hit")
                     .getBoundingClientRect(); return [r.top, r.bottom]; }"""
    )
    assert top >= ring[1] or bottom <= ring[0]

    # The next point's details replace them; Escape hides them, leaving the
    # focus where it is; leaving the chart hides them too.
    next_name = tab_into_a_chart(page)
    assert tip.inner_text() == next_name != name
    page.keyboard.press("Escape")
    assert not tip.is_visible()
    page.keyboard.press("Shift+Tab")
    assert tip.is_visible()
    page.locator("h1").click()
    assert not tip.is_visible()


def test_a_mouse_shows_no_details_box(page, live_server, korea_case):
    # A mouse has the tooltip of hovering; pressing focuses the link, and
    # letting go follows it.
    page.goto(f"{live_server.url}/proposals/big-deal/")
    point = page.locator("svg.chart-svg a[aria-label] circle").first
    point.hover()
    page.mouse.down()

    assert page.evaluate("document.activeElement.closest('svg') !== null")
    assert not page.locator(TIP).is_visible()
    page.mouse.up()


@pytest.mark.parametrize("path", ["/negotiations/talks/", "/actors/us/"])
def test_the_details_stay_on_a_phones_screen(page, live_server, charted_case, path):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}{path}")

    name = tab_into_a_chart(page)

    tip = page.locator(TIP)
    assert tip.is_visible() and tip.inner_text() == name
    left, _, right, _ = _box(page, TIP)
    assert 0 <= left and right <= 390
