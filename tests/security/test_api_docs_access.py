"""A7 (PUBLIC_READ=False for reads): the OpenAPI schema and the docs page are
reads like any other endpoint; with public reads off, anonymous visitors get
401 and logged-in users or token holders still get them."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import UserFactory

DOC_PATHS = ["/api/v1/schema/", "/api/v1/docs/", "/api/v1/docs/?script="]


@pytest.fixture
def private(settings):
    settings.PUBLIC_READ = False


@pytest.mark.parametrize("path", DOC_PATHS)
def test_it_refuses_anonymous_visitors_when_public_read_is_off(db, private, path):
    response = APIClient().get(path)

    assert response.status_code == 401
    assert "openapi" not in response.content.decode()


@pytest.mark.parametrize("path", DOC_PATHS)
def test_it_serves_logged_in_users_when_public_read_is_off(db, private, path):
    client = APIClient()
    client.force_login(UserFactory(username="reader"))

    assert client.get(path).status_code == 200


def test_it_serves_the_schema_to_a_token_holder_when_public_read_is_off(db, private):
    token = Token.objects.create(user=UserFactory(username="reader"))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")

    response = client.get("/api/v1/schema/")

    assert response.status_code == 200
    assert "openapi" in response.content.decode()


@pytest.mark.parametrize("path", DOC_PATHS)
def test_it_serves_anonymous_visitors_when_public(db, path):
    assert APIClient().get(path).status_code == 200
