"""Error pages look like the rest of the site and say what to do next."""

from django.test.html import parse_html

from tests.factories import UserFactory
from tests.html import elements, text


def test_a_missing_page_is_a_styled_page_with_ways_on(db, client):
    response = client.get("/proposals/no-such-proposal/")

    assert response.status_code == 404
    page = parse_html(response.content.decode())
    [heading] = elements(page, "h1")
    assert text(heading) == "Nothing at this address"
    assert "/proposals/no-such-proposal/" in text(page)
    assert '<link rel="stylesheet"' in response.content.decode()
    hrefs = {dict(link.attributes).get("href") for link in elements(page, "a")}
    assert {"/", "/search/", "/changes/"} <= hrefs


def test_a_forbidden_page_says_why_and_who_can_help(db, client):
    client.force_login(UserFactory(username="reader"))

    response = client.get("/articles/new/")

    assert response.status_code == 403
    page = parse_html(response.content.decode())
    [heading] = elements(page, "h1")
    assert text(heading) == "You may not do this"
    assert "signed in as reader" in text(page)
    assert '<link rel="stylesheet"' in response.content.decode()
