"""A7/A13 (what anonymous readers see): the history of a position names the
kind of account that saved each version (administrator, staff, editor), not
the username, for anonymous readers; staff usernames are half of a login and
invite password spraying. Logged-in users still see the usernames."""

import re

import pytest
from django.urls import reverse

from positions.services import position_update

# A position page: the position and its history (tests/web/test_position_pages).
POSITION_PAGE_QUERY_COUNT = 2


def _history_cells(response) -> list[str]:
    table = response.text.split('id="history-title"', 1)[1]
    rows = re.findall(r"<tr><td>(.*?)</tr>", table, re.S)
    return [re.findall(r"<td>(.*?)</td>", "<td>" + row)[2] for row in rows]


@pytest.fixture
def edited(korea_case, analyst, curator, superuser):
    position = korea_case.dprk_big_deal
    for version, user in enumerate([analyst, curator, superuser, analyst], start=1):
        position_update(
            position_id=position.pk,
            expected_version=version,
            changes={"note": f"edit {version}"},
            by=user,
        )
    return position


def test_it_shows_anonymous_readers_the_kind_of_account_not_usernames(
    client, edited, django_assert_max_num_queries
):
    # No query more than the page's own: the history row joins the user.
    with django_assert_max_num_queries(POSITION_PAGE_QUERY_COUNT):
        response = client.get(reverse("positions:position-detail", args=[edited.pk]))

    assert response.status_code == 200
    # Analysts are not staff; curators are (tests/conftest.py).
    assert _history_cells(response) == [
        "—",
        "editor",
        "staff",
        "administrator",
        "editor",
    ]
    for username in ("analyst", "curator", "root"):
        assert username not in response.text


def test_it_shows_logged_in_readers_the_usernames(client, edited, analyst):
    client.force_login(analyst)

    response = client.get(reverse("positions:position-detail", args=[edited.pk]))

    assert _history_cells(response) == ["—", "analyst", "curator", "root", "analyst"]


def test_it_never_shows_anonymous_readers_a_username(
    client, korea_case, django_user_model
):
    position = korea_case.dprk_big_deal
    position_update(
        position_id=position.pk,
        expected_version=1,
        changes={"note": "by someone"},
        by=django_user_model.objects.create_user("jane.doe", password="x" * 16),
    )

    response = client.get(reverse("positions:position-detail", args=[position.pk]))

    assert _history_cells(response)[-1] == "editor"
    assert "jane.doe" not in response.text


def test_the_label_the_api_history_should_use_hides_usernames_from_anonymous(
    analyst, curator, superuser
):
    """positions.editors.editor_label is what positions/api.py's history
    endpoint should call for ``changed_by`` (see the security report)."""
    from django.contrib.auth.models import AnonymousUser

    from positions.editors import editor_label

    anonymous = AnonymousUser()
    assert [editor_label(u, anonymous) for u in (analyst, curator, superuser)] == [
        "editor",
        "staff",
        "administrator",
    ]
    assert editor_label(curator, analyst) == "curator"
    assert editor_label(None, analyst) is None
    assert editor_label(None, anonymous) is None
