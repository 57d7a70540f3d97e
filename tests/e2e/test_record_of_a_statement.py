"""An analyst records the whole statement, in a real browser: the event it
was said at, who attributes it, its condition, and a quote the article's
text verifies; then sees the event on the chart."""

import datetime

import pytest
from playwright.sync_api import expect

from positions.models import Event, Position
from tests.e2e.test_analyst_workflow import log_in

pytestmark = pytest.mark.e2e

# A paragraph of the seed article (The Korea Herald, 2019-03-28), as pasted.
BODY = (
    "Before departing for Washington on Thursday, Lee Do-hoon, special "
    "representative for Korean Peninsula peace and security affairs at the "
    "Ministry of Foreign Affairs, said he would discuss ways to rekindle the "
    "bilateral dialogue between the US and North Korea.\n\n"
    "\u201cThe most important thing now is to resume US-North Korea negotiations "
    "and what we can do to help it,\u201d he said."
)
# Typed with straight quote marks: the check writes quote marks one way.
QUOTE = "The most important thing now is to resume US-North Korea negotiations"


@pytest.fixture
def talks_in_washington(korea_case):
    return Event.objects.create(
        negotiation=korea_case.talks,
        title="Kang and Pompeo meet in Washington",
        slug="kang-pompeo-washington",
        kind="talks",
        starts_on=datetime.date(2019, 3, 28),
        ends_on=datetime.date(2019, 3, 29),
        place="Washington",
    )


def test_it_records_a_conditional_attributed_statement_at_an_event(
    page, live_server, korea_case, analyst_login, talks_in_washington, screenshot
):
    log_in(page, live_server, *analyst_login)

    page.goto(f"{live_server.url}/articles/new/")
    page.get_by_label("Address (URL)").fill("https://news.example.org/envoy-leaves")
    page.get_by_label("Title").fill("Seoul's envoy leaves for Washington")
    page.get_by_label("Outlet").fill("Example News")
    page.get_by_label("Published on").fill("2019-03-28")
    page.locator("#id_body").fill(BODY)
    prefix = "#id_positions-0-"
    page.fill(prefix + "actor", "ROK")
    page.fill(prefix + "proposal", "road-map")
    page.select_option(prefix + "stance", "1")
    page.fill(prefix + "stated_on", "2019-03-28")
    page.fill(prefix + "quote", QUOTE)
    page.select_option(prefix + "attribution", "ally")
    page.fill(prefix + "event", "kang-pompeo-washington")
    page.fill(prefix + "condition", "if US-North Korea negotiations resume")
    page.fill(prefix + "condition_event", "Kang and Pompeo meet in Washington")
    screenshot("article-form-record")
    page.get_by_role("button", name="Save article and positions").click()

    expect(page.get_by_text("Saved the article and its positions.")).to_be_visible()
    position = Position.objects.get(quote=QUOTE)
    assert (
        position.actor,
        position.attribution,
        position.event,
        position.condition_event,
        position.quote_check,
    ) == (korea_case.rok, "ally", talks_in_washington, talks_in_washington, "verbatim")

    # The position page: the quote found in the article, its condition, the event.
    page.goto(f"{live_server.url}/positions/{position.pk}/")
    expect(page.locator(".quote-check").first).to_contain_text("verbatim")
    expect(page.locator("mark").first).to_have_text(
        "\u201cThe most important thing now is to resume US-North Korea negotiations"[
            1:
        ]
    )
    expect(page.locator("p.condition")).to_contain_text(
        "if US-North Korea negotiations resume"
    )
    expect(
        page.get_by_role("link", name="Kang and Pompeo meet in Washington").first
    ).to_be_visible()
    screenshot("position-record")

    # The proposal chart marks the event, linking to its page.
    page.goto(f"{live_server.url}/proposals/road-map/")
    marker = page.locator(
        'svg.chart-svg .event-marker a[href="/events/kang-pompeo-washington/"]'
    )
    expect(marker).to_have_count(1)
    expect(marker.locator("title")).to_contain_text(
        "Kang and Pompeo meet in Washington"
    )
    screenshot("proposal-with-event")

    # The event's page lists what each side said there; the chart's caption
    # links to it as well (a dashed line is a thin target for a pointer).
    page.locator("figcaption .chart-events").get_by_role(
        "link", name="Kang and Pompeo meet in Washington"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "Kang and Pompeo meet in Washington"
    )
    expect(page.get_by_text(QUOTE)).to_be_visible()
