"""On a phone (390 × 844), every chart's text lies inside its drawing and
every point is a target a finger can hit (WCAG 2.2: at least 24 × 24 px)."""

import pytest

from tests.e2e.conftest import PHONE_CONTEXT

pytestmark = pytest.mark.e2e

PAGES = ["/proposals/big-deal/", "/negotiations/talks/", "/actors/us/"]

# Each shown text's box and its chart's box, in CSS pixels (a text hidden on
# this screen has none), and each point's target as far as it lies inside its
# chart: the drawing clips the rest, which no finger can hit.
MEASURE = """() => [...document.querySelectorAll("svg.chart-svg")].map(svg => {
  const box = svg.getBoundingClientRect();
  const shown = t => t.getClientRects().length && t.getComputedTextLength() > 0;
  return {
    svg: [box.left, box.top, box.right, box.bottom],
    texts: [...svg.querySelectorAll("text")].filter(shown).map(t => {
      const r = t.getBoundingClientRect();
      return [t.textContent, r.left, r.top, r.right, r.bottom];
    }),
    targets: [...svg.querySelectorAll("a rect.hit")].map(r => {
      const b = r.getBoundingClientRect();
      return [
        Math.min(b.right, box.right) - Math.max(b.left, box.left),
        Math.min(b.bottom, box.bottom) - Math.max(b.top, box.top),
      ];
    }),
  };
})"""


@pytest.fixture
def browser_context_args(browser_context_args):
    return browser_context_args | PHONE_CONTEXT


@pytest.mark.parametrize("width", [390, 1366], ids=["phone", "desktop"])
def test_no_chart_text_runs_outside_its_chart(page, live_server, charted_case, width):
    page.set_viewport_size({"width": width, "height": 844})
    outside = {}
    for path in PAGES:
        page.goto(f"{live_server.url}{path}")
        charts = page.evaluate(MEASURE)
        assert charts, path
        for chart in charts:
            left, top, right, bottom = chart["svg"]
            for label, *box in chart["texts"]:
                # Half a pixel of rounding either way.
                if not (
                    box[0] >= left - 0.5
                    and box[1] >= top - 0.5
                    and box[2] <= right + 0.5
                    and box[3] <= bottom + 0.5
                ):
                    outside.setdefault(path, []).append(label)

    assert outside == {}


def test_every_chart_point_is_a_target_a_finger_can_hit(
    page, live_server, charted_case
):
    too_small = {}
    for path in PAGES:
        page.goto(f"{live_server.url}{path}")
        targets = [
            target for chart in page.evaluate(MEASURE) for target in chart["targets"]
        ]
        assert targets, path
        if small := [t for t in targets if min(t) < 24]:
            too_small[path] = small

    assert too_small == {}
