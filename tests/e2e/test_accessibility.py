"""axe-core on every main page, desktop and phone: no serious or critical
violation of WCAG 2 A/AA."""

import pytest
from axe_playwright_python.sync_playwright import Axe

pytestmark = pytest.mark.e2e

PAGES = [
    "/",
    "/negotiations/",
    "/proposals/",
    "/actors/",
    "/negotiations/talks/",
    "/negotiations/talks/compare/?from_date=2019-03-01&to_date=2019-03-30",
    "/proposals/big-deal/",
    "/actors/us/",
    "/articles/",
    "/changes/",
    "/search/?q=deal",
    "/accounts/login/",
]

axe = Axe()


def _serious(page) -> list[str]:
    results = axe.run(
        page,
        options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa"]}},
    )
    return [
        f"{violation['id']} ({violation['impact']}): "
        + "; ".join(node["target"][0] for node in violation["nodes"][:3])
        for violation in results.response["violations"]
        if violation["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("size", [(1366, 900), (390, 844)], ids=["desktop", "phone"])
def test_no_main_page_has_a_serious_violation(page, live_server, korea_case, size):
    page.set_viewport_size({"width": size[0], "height": size[1]})
    found = {}
    for path in PAGES:
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        if violations := _serious(page):
            found[path] = violations

    assert found == {}


def test_the_article_form_has_no_serious_violation(
    page, live_server, korea_case, analyst_login
):
    username, password = analyst_login
    page.goto(f"{live_server.url}/accounts/login/?next=/articles/new/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/articles/new/")

    assert _serious(page) == []


def test_the_check_finds_a_violation_where_there_is_one(page):
    # An image without a text alternative, and a link without a name.
    page.set_content(
        '<html lang="en"><title>t</title><body><img src="x.png">'
        '<a href="/"></a></body></html>'
    )

    assert any(found.startswith("image-alt (critical)") for found in _serious(page))


def test_a_chart_point_is_reached_by_keyboard_and_says_what_it_shows(
    page, live_server, korea_case
):
    page.goto(f"{live_server.url}/proposals/big-deal/")
    points = page.locator("svg.chart-svg a[aria-label]")
    assert points.count() >= 2
    names = []
    # Tab from the chart's first point through its links.
    points.first.focus()
    for _ in range(points.count()):
        names.append(page.evaluate("document.activeElement.getAttribute('aria-label')"))
        page.keyboard.press("Tab")

    # Each point names its side, date and stance: what hovering shows.
    assert any("North Korea" in name and "2019-03-15" in name for name in names)
    assert all(name and "·" in name for name in names)
    # The target a finger hits is 52 units, 26 px on a phone (test_phone_charts).
    box = points.first.locator("rect.hit").bounding_box()
    assert box["width"] >= 24
