"""Errors never show internals: 503 when the database is away, plain 500s."""

from unittest import mock

import pytest
from django.db import OperationalError
from django.test import Client

from positions import selectors
from positions.views import changes as changes_page


@pytest.fixture
def server_client():
    # As a browser sees it: the exception is answered, not raised in the test.
    return Client(raise_request_exception=False)


@pytest.mark.parametrize("path", ["/api/v1/stances/", "/changes/"])
def test_it_answers_503_with_retry_after_while_the_database_is_down(
    server_client, db, path
):
    outage = OperationalError("connection to server at 127.0.0.1 failed")
    with (
        mock.patch.object(changes_page, "change_list", side_effect=outage),
        mock.patch.object(selectors, "stances_as_of", side_effect=outage),
    ):
        response = server_client.get(path)

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "unavailable" in response.text
    assert "Traceback" not in response.text and "127.0.0.1" not in response.text


def test_it_answers_503_as_json_under_the_api(server_client, db):
    with mock.patch.object(
        selectors, "stances_as_of", side_effect=OperationalError("gone")
    ):
        response = server_client.get("/api/v1/stances/")

    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"].startswith("The database is unavailable")


def test_it_answers_an_unexpected_error_without_internals(server_client, korea_case):
    with mock.patch.object(
        selectors, "stances_as_of", side_effect=RuntimeError("secret detail")
    ):
        api = server_client.get("/api/v1/stances/")
    with mock.patch.object(
        changes_page, "change_list", side_effect=RuntimeError("secret detail")
    ):
        page = server_client.get("/changes/")

    assert api.status_code == page.status_code == 500
    assert api["Content-Type"] == "application/json"
    for response in (api, page):
        assert "secret detail" not in response.text
        assert "Traceback" not in response.text
