"""Every page works under the Content-Security-Policy: no violation in the console."""

import pytest

from tests.factories import UserFactory

pytestmark = pytest.mark.e2e

PAGES = [
    "/",
    "/negotiations/talks/",
    "/negotiations/talks/compare/?from_date=2019-03-01&to_date=2019-03-30",
    "/proposals/big-deal/",
    "/actors/us/",
    "/articles/",
    "/articles/new/",
    "/changes/",
    "/search/?q=deal",
    "/api/v1/docs/",
    "/admin/",
    "/admin/positions/position/",
    "/admin/positions/article/add/",
]


def test_it_breaks_no_page_with_its_policy(page, live_server, korea_case, db):
    UserFactory(
        username="root",
        password="a long enough password",
        is_staff=True,
        is_superuser=True,
    )
    violations, dialogs = [], []
    page.on(
        "console",
        lambda message: (
            violations.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text
            else None
        ),
    )
    page.on("dialog", lambda dialog: dialogs.append(dialog.message))
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("root")
    page.get_by_label("Password").fill("a long enough password")
    page.get_by_role("button", name="Log in").click()

    for path in PAGES:
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        page.wait_for_load_state("networkidle")

    assert violations == []
    assert dialogs == []
    # The docs page's own script ran (Swagger UI drew the operations).
    page.goto(f"{live_server.url}/api/v1/docs/")
    page.wait_for_selector(".opblock", timeout=10_000)
