"""Pages name a bad value by its field's label, and refuse a period that
ends before it starts."""

import pytest
from django.test.html import parse_html

from tests.html import elements, text


def _alerts(response) -> list[str]:
    page = parse_html(response.content.decode())
    return [text(p) for p in elements(page, "p", "error")]


def test_the_negotiation_page_names_the_as_of_field_by_its_label(korea_case, client):
    response = client.get("/negotiations/talks/", {"as_of": "someday"})

    assert _alerts(response) == ["As of: Enter a valid date."]


def test_the_changes_page_refuses_a_since_after_until(korea_case, client):
    response = client.get("/changes/", {"since": "2019-03-01", "until": "2019-02-01"})

    [alert] = _alerts(response)
    assert alert == "Since: Choose a date on or before “Until” (2019-02-01)."


@pytest.mark.parametrize("path", ["/api/v1/changes/", "/api/v1/gap/"])
def test_the_api_refuses_a_since_after_until(korea_case, api_client, path):
    query = {"since": "2019-03-01", "until": "2019-02-01"}
    if path.endswith("gap/"):
        query |= {"a": "us", "b": "north-korea"}

    response = api_client.get(path, query)

    assert response.status_code == 400
    assert "since" in response.json()
