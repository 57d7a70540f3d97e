"""The analyst's day, on a desktop and on a phone: record an article with
three positions, one wrong; fix it from the error summary; save; then find
the move in the changes, the feed and the chart."""

import pytest
from playwright.sync_api import expect

from positions.models import Position
from tests.e2e.test_analyst_workflow import log_in

pytestmark = pytest.mark.e2e

SIZES = {"desktop": (1366, 900), "phone": (390, 844)}
QUOTE = "we will not accept a step-by-step approach"


@pytest.mark.parametrize("size", SIZES.values(), ids=SIZES.keys())
def test_record_fix_save_and_see_the_move_everywhere(
    page, live_server, korea_case, analyst_login, size
):
    page.set_viewport_size({"width": size[0], "height": size[1]})
    log_in(page, live_server, *analyst_login)
    page.goto(f"{live_server.url}/articles/new/")
    page.get_by_label("Address (URL)").fill("https://news.example.org/pompeo-day")
    page.get_by_label("Title").fill("Pompeo hardens the US line")
    page.get_by_label("Outlet").fill("Example News")
    page.get_by_label("Published on").fill("2019-04-02")
    rows = [
        ("big-deal", "-1", QUOTE),
        ("Atlantis plan", "1", "a road map"),  # the wrong one
        ("phased-deal", "-2", "not in phases"),
    ]
    for index, (proposal, stance, quote) in enumerate(rows):
        if index:
            page.get_by_role("button", name="Add a position").click()
        prefix = f"#id_positions-{index}-"
        page.fill(prefix + "speaker", "Pompeo")
        page.fill(prefix + "proposal", proposal)
        page.select_option(prefix + "stance", stance)
        page.fill(prefix + "quote", quote)
    recorded = Position.objects.count()

    page.get_by_role("button", name="Save article and positions").click()

    summary = page.get_by_role("alert").filter(has_text="Nothing was saved")
    expect(summary).to_be_focused()
    assert Position.objects.count() == recorded
    summary.get_by_role("link", name="Position 2, Proposal", exact=False).click()
    wrong = page.locator("#id_positions-1-proposal")
    expect(wrong).to_be_focused()
    wrong.fill("road-map")
    page.get_by_role("button", name="Save article and positions").click()
    expect(page.get_by_text("Saved the article and its positions.")).to_be_visible()
    assert Position.objects.count() == recorded + 3
    said = Position.objects.get(quote=QUOTE)
    assert (said.actor, said.speaker) == (korea_case.us, korea_case.pompeo)

    # The US went from demanding the big deal (28 March) to opposing it.
    page.goto(f"{live_server.url}/changes/?actor=United+States")
    row = page.locator("tr", has_text="Big deal").first
    expect(row).to_contain_text("reversal")
    expect(row).to_contain_text("April 2, 2019")

    feed = page.request.get(f"{live_server.url}/changes/feed/?actor=us").text()
    assert "United States: reversal on Big deal" in feed
    assert f"“{QUOTE}”" in feed

    page.goto(f"{live_server.url}/proposals/big-deal/")
    point = page.locator(f'svg.chart-svg a[href="/positions/{said.pk}/"]')
    expect(point).to_have_count(1)
    # Its date and stance are its name, for keyboards and screen readers.
    assert "2019-04-02" in point.get_attribute("aria-label")
    assert page.evaluate("document.documentElement.scrollWidth") <= max(size[0], 390)
