"""End-to-end tests in a real headless Chromium (Debian's), driven by Playwright.

Playwright's own browser download does not work on these machines, so the
tests launch the system Chromium; where it is missing they are skipped
locally and fail in CI (CI=true), which installs it.
"""

import datetime
import os
import shutil
from pathlib import Path

import pytest

from tests.factories import EventFactory, PositionFactory, UserFactory

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# The phone the issues name: 390 x 844 CSS pixels, touch.
PHONE_CONTEXT = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
}
SCREENSHOTS = Path(__file__).parent / "screenshots"
D = datetime.date.fromisoformat


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session", autouse=True)
def allow_orm_beside_playwright():
    # Sync Playwright runs an event loop in this thread; the Django ORM calls
    # the tests make between browser steps are still plain synchronous code.
    # Session-wide because the test database may be created after the loop
    # starts; undone afterwards.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def browser_type_launch_args():
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        if os.environ.get("CI") == "true":
            pytest.fail(f"Chromium not found at {CHROMIUM}; CI must install it.")
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install chromium).")
    return {
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture
def screenshot(page):
    """Save a full-page picture of what the browser shows, to look at by eye."""
    SCREENSHOTS.mkdir(exist_ok=True)

    def take(name: str) -> None:
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)

    return take


@pytest.fixture
def analyst_login(analysts):
    """An analyst's username and password, for the login page."""
    UserFactory(username="ana", password="correct horse", groups=[analysts])
    return "ana", "correct horse"


@pytest.fixture
def charted_case(korea_case):
    """The seed world with more to chart: a gap between the United States and
    North Korea whose points link, and events on the big charts."""
    # The United States' earlier stance on the big deal makes a gap with
    # North Korea whose points link to the comparison of their dates.
    PositionFactory(
        actor=korea_case.us,
        proposal=korea_case.big_deal,
        article=korea_case.herald,
        stance=1,
        stated_on=D("2019-03-20"),
    )
    # Events, so that their labels are drawn at the top of the big charts.
    for day, title in [
        ("2019-03-16", "Envoys meet in Seoul"),
        ("2019-03-20", "Working-level talks resume"),
        ("2019-03-27", "Nuclear envoy proposes a phased approach"),
    ]:
        EventFactory(negotiation=korea_case.talks, title=title, starts_on=D(day))
    return korea_case
