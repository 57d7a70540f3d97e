"""With PUBLIC_READ off, every page and the feed are for logged-in users only."""

from urllib.parse import quote

import pytest
from django.urls import reverse

from tests.factories import UserFactory


def _pages(case) -> list[str]:
    return [
        reverse("positions:home"),
        reverse("positions:negotiation-detail", args=["talks"]),
        reverse("positions:proposal-detail", args=["big-deal"]),
        reverse("positions:actor-detail", args=["north-korea"]),
        reverse("positions:article-list"),
        reverse("positions:article-detail", args=[case.herald.pk]),
        reverse("positions:position-detail", args=[case.dprk_big_deal.pk]),
        reverse("positions:change-list"),
        reverse("positions:change-feed"),
        reverse("positions:search") + "?q=deal",
    ]


@pytest.fixture
def private(settings):
    settings.PUBLIC_READ = False


def test_it_sends_anonymous_visitors_of_every_page_to_the_login_page(
    korea_case, private, client
):
    for page in _pages(korea_case):
        response = client.get(page)

        assert response.status_code == 302, page
        assert response.url == f"/accounts/login/?next={quote(page, safe='/')}"


def test_it_shows_every_page_to_logged_in_users(korea_case, private, client):
    client.force_login(UserFactory(username="reader"))

    for page in _pages(korea_case):
        assert client.get(page).status_code == 200, page


def test_it_shows_the_login_page_itself(db, private, client):
    response = client.get("/accounts/login/")

    assert response.status_code == 200
    assert 'name="password"' in response.text


def test_it_shows_every_page_to_anonymous_visitors_when_public(korea_case, client):
    for page in _pages(korea_case):
        assert client.get(page).status_code == 200, page
