"""A7/A22: restoring a deleted position undoes a deletion, so it needs delete
permission. Analysts may add positions but not delete them; before, the add
permission alone let them bring back what a curator had deleted."""

import pytest

from positions.models import Position
from positions.services import position_delete

DELETED_URL = "/admin/positions/position/deleted/"


def restore_url(position_id):
    return f"/admin/positions/position/deleted/{position_id}/restore/"


@pytest.fixture
def deleted(korea_case, curator):
    position = korea_case.dprk_big_deal
    position_delete(position_id=position.pk, by=curator)
    return position.pk


@pytest.fixture
def staff_analyst(analyst):
    analyst.is_staff = True
    analyst.save()
    return analyst


def test_it_refuses_an_analysts_restore_and_changes_nothing(
    client, staff_analyst, deleted
):
    client.force_login(staff_analyst)
    versions = Position.history.filter(id=deleted).count()

    response = client.post(restore_url(deleted))

    assert response.status_code == 403
    assert not Position.objects.filter(pk=deleted).exists()
    assert Position.history.filter(id=deleted).count() == versions


def test_it_shows_analysts_the_deleted_list_without_a_restore_button(
    client, staff_analyst, deleted
):
    client.force_login(staff_analyst)

    response = client.get(DELETED_URL)

    assert response.status_code == 200
    assert str(deleted) in response.text
    assert restore_url(deleted) not in response.text


@pytest.mark.parametrize("role", ["curator", "superuser"])
def test_it_lets_users_who_may_delete_restore(client, request, role, deleted):
    user = request.getfixturevalue(role)
    client.force_login(user)
    assert restore_url(deleted) in client.get(DELETED_URL).text

    response = client.post(restore_url(deleted))

    assert response.status_code == 302
    restored = Position.objects.get(pk=deleted)
    assert restored.stance == -2
    assert Position.history.filter(id=deleted).latest().history_user == user
