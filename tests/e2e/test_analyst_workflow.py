"""The analyst's day, in a real browser against the live server."""

import re

import pytest
from playwright.sync_api import expect

from positions.models import Article, Position
from positions.services import position_update

pytestmark = pytest.mark.e2e


def log_in(page, live_server, username, password):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def fill_position(page, index, **values):
    prefix = f"#id_positions-{index}-"
    for name in ("speaker", "actor", "proposal", "quote"):
        if name in values:
            page.fill(prefix + name, values[name])
    page.select_option(prefix + "stance", str(values["stance"]))
    page.fill(prefix + "stated_on", values["stated_on"])


def test_it_records_an_article_with_two_positions_and_follows_them(
    page, live_server, korea_case, analyst_login, screenshot
):
    log_in(page, live_server, *analyst_login)

    page.goto(f"{live_server.url}/articles/new/")
    page.get_by_label("Address (URL)").fill("https://news.example.org/pompeo-kang")
    page.get_by_label("Title").fill("Pompeo and Kang meet in Washington")
    page.get_by_label("Outlet").fill("Example News")
    page.get_by_label("Published on").fill("2019-03-29")
    fill_position(
        page,
        0,
        speaker="Mike Pompeo",  # side left empty: taken from his affiliation
        proposal="big-deal",
        stance=2,
        stated_on="2019-03-29",
        quote="complete denuclearization first",
    )
    page.get_by_role("button", name="Add a position").click()
    fill_position(
        page, 1, actor="DPRK", proposal="Phased deal", stance=1, stated_on="2019-03-29"
    )
    screenshot("article-form")
    page.get_by_role("button", name="Save article and positions").click()

    expect(page.get_by_text("Saved the article and its positions.")).to_be_visible()
    article = Article.objects.get(title="Pompeo and Kang meet in Washington")
    us_position = Position.objects.get(article=article, proposal=korea_case.big_deal)
    assert us_position.actor == korea_case.us
    assert Position.objects.filter(article=article, actor=korea_case.dprk).exists()

    # The proposal chart has a point linking to the new position, with its quote.
    page.goto(f"{live_server.url}/proposals/big-deal/")
    point = page.locator(f'svg.chart-svg a[href="/positions/{us_position.pk}/"]')
    expect(point).to_have_count(1)
    expect(point.locator("title")).to_contain_text("complete denuclearization first")
    screenshot("proposal")

    page.goto(f"{live_server.url}/actors/{korea_case.dprk.slug}/")
    expect(page.get_by_role("link", name="Phased deal").first).to_be_visible()
    expect(
        page.locator("td").filter(has_text="supports / open to").first
    ).to_be_visible()
    screenshot("actor")

    # Edit one: the US now opposes the big deal, a reversal from +2.
    page.goto(f"{live_server.url}/positions/{us_position.pk}/")
    page.get_by_role("link", name="Edit").click()
    page.select_option("select[name$='stance']", "-1")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved the position.")).to_be_visible()
    us_position.refresh_from_db()
    assert (us_position.stance, us_position.version) == (-1, 2)

    page.goto(f"{live_server.url}/changes/")
    row = page.locator("tr").filter(has_text="2019").filter(has_text="reversal")
    expect(row.first).to_contain_text("United States")
    expect(row.first).to_contain_text("Big deal")
    screenshot("changes")

    page.goto(
        f"{live_server.url}/negotiations/{korea_case.talks.slug}/?as_of=2019-03-31"
    )
    expect(page.locator("table.matrix")).to_contain_text("opposes / sceptical")
    screenshot("negotiation")
    page.goto(f"{live_server.url}/")
    screenshot("home")


def test_it_shows_no_edit_control_to_an_anonymous_reader(page, live_server, korea_case):
    page.goto(f"{live_server.url}/positions/{korea_case.us_big_deal.pk}/")

    expect(page.get_by_role("heading", level=1)).to_contain_text("United States")
    expect(page.get_by_role("link", name="Edit")).to_have_count(0)
    expect(page.get_by_role("link", name="Delete")).to_have_count(0)
    page.goto(f"{live_server.url}/articles/{korea_case.herald.pk}/")
    expect(page.get_by_role("link", name=re.compile("Edit article"))).to_have_count(0)
    expect(page.get_by_role("link", name="New article")).to_have_count(0)


def test_it_refuses_a_stale_edit_and_keeps_what_was_typed(
    page, live_server, korea_case, analyst_login, analyst
):
    log_in(page, live_server, *analyst_login)
    position = korea_case.dprk_big_deal
    page.goto(f"{live_server.url}/positions/{position.pk}/edit/")
    page.fill("textarea[name$='quote']", "my reading of the threat")

    # Meanwhile a colleague saves the same position.
    position_update(
        position_id=position.pk,
        expected_version=position.version,
        changes={"quote": "the colleague's quote", "note": "checked the recording"},
        by=analyst,
    )
    page.get_by_role("button", name="Save").click()

    # Refused, and said so where focus is, with what they changed.
    conflict = page.get_by_role("alert").filter(
        has_text="someone else saved this position"
    )
    expect(conflict).to_be_focused()
    expect(conflict).to_contain_text("Note: was “—”, now “checked the recording”")
    position.refresh_from_db()
    assert (position.quote, position.version) == ("the colleague's quote", 2)
    # What was typed is still there; what only they changed is in the form.
    expect(page.locator("textarea[name$='quote']")).to_have_value(
        "my reading of the threat"
    )
    expect(page.locator("textarea[name$='note']")).to_have_value(
        "checked the recording"
    )

    # Seen it: saving again stores the typed quote over their version.
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_text("Saved the position.")).to_be_visible()
    position.refresh_from_db()
    assert (position.quote, position.note, position.version) == (
        "my reading of the threat",
        "checked the recording",
        3,
    )
