"""The article-with-positions form in a real browser: what a failed save,
Enter, an edit conflict and the quicker row entry look like to an analyst.

The recording tests count the analyst's clicks and keystrokes as they go
(docs/coding-form.md explains the count)."""

import re

import pytest
from playwright.sync_api import expect

from positions.models import Article, Position
from tests.e2e.test_analyst_workflow import log_in
from tests.factories import UserFactory

pytestmark = pytest.mark.e2e

ARTICLE = {
    "Address (URL)": "https://news.example.org/pompeo-three",
    "Title": "Pompeo on three offers",
    "Outlet": "Example News",
}
QUOTES = ("all of it at once", "step by step is fine", "not in phases")


def _new_article(page, live_server):
    page.goto(f"{live_server.url}/articles/new/")
    for label, value in ARTICLE.items():
        page.get_by_label(label).fill(value)
    page.get_by_label("Published on").fill("2019-03-29")


def test_it_focuses_a_summary_of_the_errors_after_a_failed_save(
    page, live_server, korea_case, analyst_login
):
    log_in(page, live_server, *analyst_login)
    _new_article(page, live_server)
    page.fill("#id_positions-0-actor", "Atlantis")
    page.fill("#id_positions-0-proposal", "big-deal")
    page.select_option("#id_positions-0-stance", "2")
    articles = Article.objects.count()

    page.get_by_role("button", name="Save article and positions").click()

    summary = page.get_by_role("alert").filter(has_text="Nothing was saved")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("there is a problem")
    link = summary.get_by_role("link", name=re.compile("Position 1, Side: No actor"))
    expect(link).to_be_visible()
    assert Article.objects.count() == articles
    # The link takes the analyst to the field, ready to type.
    link.click()
    expect(page.locator("#id_positions-0-actor")).to_be_focused()
    expect(page.locator("#id_positions-0-actor")).to_have_value("Atlantis")
    page.keyboard.press("Control+A")
    page.keyboard.type("US")
    page.get_by_role("button", name="Save article and positions").click()
    expect(page.get_by_text("Saved the article and its positions.")).to_be_visible()


def test_it_saves_when_enter_is_pressed_in_a_field(
    page, live_server, korea_case, analyst_login
):
    log_in(page, live_server, *analyst_login)
    _new_article(page, live_server)
    page.fill("#id_positions-0-actor", "US")
    page.select_option("#id_positions-0-stance", "2")
    page.fill("#id_positions-0-proposal", "big-deal")

    page.locator("#id_positions-0-proposal").press("Enter")

    expect(page.get_by_text("Saved the article and its positions.")).to_be_visible()
    article = Article.objects.get(title="Pompeo on three offers")
    assert [(p.actor, p.proposal) for p in article.positions.all()] == [
        (korea_case.us, korea_case.big_deal)
    ]


def test_it_keeps_what_was_typed_when_someone_else_saved_meanwhile(
    page, live_server, korea_case, analyst_login, screenshot
):
    log_in(page, live_server, *analyst_login)
    herald = korea_case.herald
    page.goto(f"{live_server.url}/articles/{herald.pk}/edit/")
    page.get_by_label("Title").fill("My corrected title")
    quote = page.locator("#id_positions-0-quote")
    quote.fill("what I read in the article")
    # Meanwhile a colleague saves the article.
    colleague = Article.objects.get(pk=herald.pk)
    colleague.summary = "The colleague's summary"
    colleague.save()

    page.get_by_role("button", name="Save article and positions").click()

    panel = page.get_by_role("alert").filter(has_text="someone else saved this article")
    expect(panel).to_be_focused()
    screenshot("article-form-conflict")
    expect(panel).to_contain_text("Summary: was")
    expect(page.get_by_label("Title")).to_have_value("My corrected title")
    expect(quote).to_have_value("what I read in the article")
    expect(page.get_by_label("Summary")).to_have_value("The colleague's summary")
    herald.refresh_from_db()
    assert herald.title != "My corrected title"

    page.get_by_role("button", name="Save article and positions").click()

    expect(page.get_by_text("Saved the article and its positions.")).to_be_visible()
    herald.refresh_from_db()
    assert (herald.title, herald.summary) == (
        "My corrected title",
        "The colleague's summary",
    )
    assert Position.objects.filter(quote="what I read in the article").count() == 1


class Tally:
    """The analyst's actions, counted as they are made: a click focuses a
    field or presses a button; each character typed is a keystroke; a
    choice from a list is two clicks (open it, pick one)."""

    def __init__(self, page):
        self.page, self.clicks, self.keystrokes = page, 0, 0

    def type(self, selector: str, text: str) -> None:
        self.clicks += 1
        self.keystrokes += len(text)
        self.page.fill(selector, text)

    def date(self, selector: str, iso: str) -> None:
        # A date input takes the eight digits; separators come by themselves.
        self.clicks += 1
        self.keystrokes += 8
        self.page.fill(selector, iso)

    def choose(self, selector: str, value: str) -> None:
        self.clicks += 2
        self.page.select_option(selector, value)

    def press(self, name: str) -> None:
        self.clicks += 1
        self.page.get_by_role("button", name=name).click()


def _article(tally):
    tally.type("#id_url", ARTICLE["Address (URL)"])
    tally.type("#id_title", ARTICLE["Title"])
    tally.type("#id_outlet", ARTICLE["Outlet"])
    tally.date("#id_published_on", "2019-03-29")


def _typed_content() -> int:
    """Keystrokes of what no form can spare: the article and the quotes."""
    return sum(len(value) for value in ARTICLE.values()) + 8 + sum(map(len, QUOTES))


def _assert_three_positions_recorded(korea_case):
    article = Article.objects.get(title="Pompeo on three offers")
    assert sorted(
        (p.speaker.slug, p.actor.slug, p.proposal.slug, p.stance, str(p.stated_on))
        for p in article.positions.all()
    ) == [
        ("mike-pompeo", "us", "big-deal", 2, "2019-03-29"),
        ("mike-pompeo", "us", "phased-deal", -1, "2019-03-29"),
        ("mike-pompeo", "us", "road-map", 1, "2019-03-29"),
    ]


def test_it_records_three_positions_the_long_way(
    page, live_server, korea_case, analyst_login
):
    """As the form was used before it carried rows over: full names, each
    row's speaker and date typed again. It still works."""
    log_in(page, live_server, *analyst_login)
    page.goto(f"{live_server.url}/articles/new/")
    tally = Tally(page)
    _article(tally)
    for index, (proposal, stance, quote) in enumerate(
        zip(
            ("big-deal", "road-map", "phased-deal"),
            ("2", "1", "-1"),
            QUOTES,
            strict=True,
        )
    ):
        if index:
            tally.press("Add a position")
        prefix = f"#id_positions-{index}-"
        tally.type(prefix + "speaker", "Mike Pompeo")
        tally.type(prefix + "proposal", proposal)
        tally.choose(prefix + "stance", stance)
        tally.date(prefix + "stated_on", "2019-03-29")
        tally.type(prefix + "quote", quote)
    tally.press("Save article and positions")

    expect(page.get_by_text("Saved the article and its positions.")).to_be_visible()
    _assert_three_positions_recorded(korea_case)
    assert (tally.clicks, tally.keystrokes - _typed_content()) == (25, 84)


def test_it_records_three_positions_with_carried_rows_and_short_names(
    page, live_server, korea_case, analyst_login
):
    log_in(page, live_server, *analyst_login)
    page.goto(f"{live_server.url}/articles/new/")
    tally = Tally(page)
    _article(tally)
    # Row 1: the speaker by part of his name (what the suggestions offer for
    # it), the proposal by part of its title, the date left to the article's.
    tally.type("#id_positions-0-speaker", "pomp")
    tally.type("#id_positions-0-proposal", "big")
    tally.choose("#id_positions-0-stance", "2")
    tally.type("#id_positions-0-quote", QUOTES[0])
    for index, (proposal, stance, quote) in enumerate(
        (("road", "1", QUOTES[1]), ("phased", "-1", QUOTES[2])), start=1
    ):
        tally.press("Add a position")
        prefix = f"#id_positions-{index}-"
        # The new row is numbered and already names the speaker.
        expect(page.locator(f"#positions-{index}-row legend")).to_have_text(
            f"Position {index + 1}"
        )
        expect(page.locator(prefix + "speaker")).to_have_value("pomp")
        tally.type(prefix + "proposal", proposal)
        tally.choose(prefix + "stance", stance)
        tally.type(prefix + "quote", quote)
    tally.press("Save article and positions")

    expect(page.get_by_text("Saved the article and its positions.")).to_be_visible()
    _assert_three_positions_recorded(korea_case)
    assert (tally.clicks, tally.keystrokes - _typed_content()) == (20, 17)


def test_it_duplicates_a_row_with_everything_it_holds(
    page, live_server, korea_case, analyst_login
):
    log_in(page, live_server, *analyst_login)
    _new_article(page, live_server)
    page.fill("#id_positions-0-speaker", "Mike Pompeo")
    page.fill("#id_positions-0-proposal", "big-deal")
    page.select_option("#id_positions-0-stance", "2")
    page.fill("#id_positions-0-quote", QUOTES[0])

    page.get_by_role("button", name="Duplicate position 1").click()

    row = page.locator("#positions-1-row")
    expect(row.locator("legend")).to_have_text("Position 2")
    expect(page.locator("#id_positions-1-speaker")).to_be_focused()
    for name, value in (("speaker", "Mike Pompeo"), ("proposal", "big-deal")):
        expect(page.locator(f"#id_positions-1-{name}")).to_have_value(value)
    expect(page.locator("#id_positions-1-stance")).to_have_value("2")
    expect(page.locator("#id_positions-1-quote")).to_have_value(QUOTES[0])
    # Saving both as they are: the form names the two rows that are the same.
    page.get_by_role("button", name="Save article and positions").click()
    expect(
        page.get_by_role("alert").filter(has_text="Nothing was saved")
    ).to_contain_text("positions 1 and 2")


def test_it_lets_a_curator_add_a_missing_speaker_without_losing_the_form(
    page, live_server, korea_case, curators, screenshot
):
    UserFactory(username="cura", password="correct horse", groups=[curators])
    log_in(page, live_server, "cura", "correct horse")
    _new_article(page, live_server)
    page.fill("#id_positions-0-speaker", "Choe Son-hui")
    page.fill("#id_positions-0-actor", "DPRK")
    page.fill("#id_positions-0-proposal", "big-deal")
    page.select_option("#id_positions-0-stance", "-2")
    page.fill("#id_positions-0-quote", QUOTES[2])
    page.get_by_role("button", name="Save article and positions").click()
    expect(
        page.get_by_role("alert").filter(has_text="Nothing was saved")
    ).to_be_focused()
    screenshot("article-form-error-summary")

    page.get_by_role("button", name="Add “Choe Son-hui” as a new person").click()

    expect(page.get_by_text("Added “Choe Son-hui” as a new person.")).to_be_visible()
    expect(page.get_by_label("Title")).to_have_value(ARTICLE["Title"])
    expect(page.locator("#id_positions-0-quote")).to_have_value(QUOTES[2])
    page.get_by_role("button", name="Save article and positions").click()
    expect(page.get_by_text("Saved the article and its positions.")).to_be_visible()
    [position] = Article.objects.get(title=ARTICLE["Title"]).positions.all()
    assert (position.speaker.name, position.actor) == ("Choe Son-hui", korea_case.dprk)


def test_it_shows_the_error_summary_on_a_phone_without_sideways_scrolling(
    page, live_server, korea_case, analyst_login, screenshot
):
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server, *analyst_login)
    _new_article(page, live_server)
    page.fill("#id_positions-0-proposal", "Grand bargain")
    page.select_option("#id_positions-0-stance", "1")
    page.locator("#id_positions-0-proposal").press("Enter")

    summary = page.get_by_role("alert").filter(has_text="Nothing was saved")
    expect(summary).to_be_focused()
    expect(summary).to_be_in_viewport()
    expect(summary).to_contain_text("there are 2 problems")
    screenshot("article-form-phone")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    summary.get_by_role("link", name=re.compile("Position 1, Proposal")).click()
    expect(page.locator("#id_positions-0-proposal")).to_be_focused()
    expect(page.locator("#id_positions-0-proposal")).to_be_in_viewport()
