"""On a phone (390 × 844), every main page fits the screen: no sideways
scrolling of the page itself (wide tables scroll inside their own box)."""

import pytest
from django.core.management import call_command

from actors.models import Actor
from positions.models import Negotiation, Proposal
from tests.e2e.conftest import PHONE_CONTEXT

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
]


@pytest.fixture
def browser_context_args(browser_context_args):
    return browser_context_args | PHONE_CONTEXT


def test_no_main_page_is_wider_than_a_phone(page, live_server, korea_case):
    too_wide = {}
    for path in PAGES:
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 390:
            too_wide[path] = width

    assert too_wide == {}


def test_no_demo_page_is_wider_than_a_phone(page, live_server, transactional_db):
    # The demo's longer names and quotes are what once widened the home page.
    call_command("load_demo", verbosity=0)
    negotiation = Negotiation.objects.first()
    pages = [
        "/",
        f"/negotiations/{negotiation.slug}/",
        f"/proposals/{Proposal.objects.first().slug}/",
        f"/actors/{Actor.objects.sides().first().slug}/",
        "/articles/",
        "/changes/",
    ]
    too_wide = {}
    for path in pages:
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 390:
            too_wide[path] = width

    assert too_wide == {}
