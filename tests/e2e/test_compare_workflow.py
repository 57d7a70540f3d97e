"""An analyst compares two dates of a negotiation, in a real browser."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_it_compares_two_dates_and_follows_a_changed_cell_to_its_source(
    page, live_server, korea_case
):
    page.goto(f"{live_server.url}/negotiations/{korea_case.talks.slug}/")
    page.get_by_role("link", name="Compare two dates").click()
    page.get_by_label("From").fill("2019-03-01")
    page.get_by_label("to", exact=True).fill("2019-03-30")
    page.get_by_role("button", name="Compare").click()

    changed = page.locator("table.matrix td.changed")
    expect(changed).to_have_count(4)
    expect(page.locator("table.matrix")).to_contain_text("none → rejects outright")
    expect(page.locator("li.moved-item").first).to_contain_text("The Korea Herald")

    page.locator("li.moved-item").filter(has_text="threatened to pull out").get_by_role(
        "link", name="March 15, 2019"
    ).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("North Korea")


def test_it_says_what_is_wrong_with_dates_in_the_wrong_order(
    page, live_server, korea_case
):
    page.goto(
        f"{live_server.url}/negotiations/{korea_case.talks.slug}/compare/"
        "?from_date=2019-03-30&to_date=2019-03-01"
    )

    expect(page.get_by_role("alert")).to_contain_text("From: ")
    expect(page.locator("table.matrix")).to_have_count(0)
