import pytest
from django.urls import reverse

PAGES = [
    "/",
    "/changes/",
    "/articles/",
    "/search/?q=deal",
    "/accounts/login/",
    "/api/v1/",
    "/api/v1/positions/",
    "/api/v1/docs/",
    "/admin/login/",
]


@pytest.mark.parametrize("path", PAGES)
def test_it_sends_a_strict_content_security_policy(client, korea_case, path):
    response = client.get(path)

    policy = response["Content-Security-Policy"]
    directives = dict(
        (part.split()[0], part.split()[1:]) for part in policy.split("; ")
    )
    assert directives["script-src"] == ["'self'"]
    assert directives["default-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]


@pytest.mark.parametrize("path", PAGES)
def test_it_sends_the_other_protective_headers(client, korea_case, path):
    response = client.get(path)

    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_it_has_no_inline_script_on_its_pages(client, korea_case):
    for name in ("positions:home", "positions:change-list", "positions:article-list"):
        html = client.get(reverse(name)).text
        assert "<script>" not in html
        assert "onclick=" not in html and "onload=" not in html


def test_it_serves_the_api_docs_without_inline_script(client):
    html = client.get("/api/v1/docs/").text

    assert "<script>" not in html.replace(" ", "")
    assert 'src="/static/drf_spectacular_sidecar/' in html


def test_it_refuses_a_form_post_without_a_csrf_token(db):
    from django.test import Client

    from tests.factories import UserFactory

    user = UserFactory(username="writer", password="a long enough password")
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)

    response = client.post(reverse("logout"))

    assert response.status_code == 403
