"""axe-core on every main page, desktop and phone, on the pages of one record
(article, position, event), the 404 and deleted-position (410) pages, the
article form after a failed save, and a chart showing a point's details:
no serious or critical violation of WCAG 2 A/AA."""

import datetime

import pytest
from axe_playwright_python.sync_playwright import Axe

from positions.services import position_delete
from tests.e2e.test_analyst_workflow import log_in
from tests.e2e.test_chart_points import TIP, tab_into_a_chart
from tests.factories import EventFactory

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


@pytest.mark.parametrize("size", [(1366, 900), (390, 844)], ids=["desktop", "phone"])
def test_no_record_or_error_page_has_a_serious_violation(
    page, live_server, korea_case, size
):
    EventFactory(
        negotiation=korea_case.talks,
        title="Envoy talks in Washington",
        slug="envoy-talks",
        starts_on=datetime.date(2019, 3, 20),
        articles=[korea_case.herald],
    )
    deleted = korea_case.rok_road_map.pk
    position_delete(position_id=deleted)
    pages = {
        f"/articles/{korea_case.herald.pk}/": 200,
        f"/positions/{korea_case.dprk_big_deal.pk}/": 200,
        "/events/envoy-talks/": 200,
        "/proposals/no-such-proposal/": 404,
        f"/positions/{deleted}/": 410,
    }
    page.set_viewport_size({"width": size[0], "height": size[1]})
    found = {}
    for path, status in pages.items():
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == status, path
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


@pytest.mark.parametrize("size", [(1366, 900), (390, 844)], ids=["desktop", "phone"])
def test_the_article_form_after_a_failed_save_has_no_serious_violation(
    page, live_server, korea_case, analyst_login, size
):
    page.set_viewport_size({"width": size[0], "height": size[1]})
    log_in(page, live_server, *analyst_login)
    page.goto(f"{live_server.url}/articles/new/")
    # No address or title, and a side no one is called.
    page.get_by_label("Outlet").fill("Example News")
    page.fill("#id_positions-0-actor", "Atlantis")
    page.fill("#id_positions-0-proposal", "big-deal")
    page.get_by_role("button", name="Save article and positions").click()

    page.get_by_role("alert").filter(has_text="Nothing was saved").wait_for()
    assert page.locator(".error").count() >= 3
    assert _serious(page) == []


@pytest.mark.parametrize("size", [(1366, 900), (390, 844)], ids=["desktop", "phone"])
def test_a_chart_showing_a_points_details_has_no_serious_violation(
    page, live_server, charted_case, size
):
    page.set_viewport_size({"width": size[0], "height": size[1]})
    page.goto(f"{live_server.url}/proposals/big-deal/")
    tab_into_a_chart(page)

    assert page.locator(TIP).is_visible()
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
