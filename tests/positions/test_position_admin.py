import datetime

from django.contrib.messages import get_messages

from actors.models import Actor
from positions.models import Position
from positions.services import position_update

DELETED_URL = "/admin/positions/position/deleted/"


def change_url(position):
    return f"/admin/positions/position/{position.pk}/change/"


def restore_url(position_id):
    return f"/admin/positions/position/deleted/{position_id}/restore/"


def form_data(position, **overrides):
    """What the change page posts for ``position``; autocompletes post ids."""
    data = {
        "actor": position.actor_id,
        "proposal": position.proposal_id,
        "stance": position.stance,
        "stated_on": position.stated_on.isoformat(),
        "article": position.article_id,
        "speaker": position.speaker_id,
        "quote": position.quote,
        "note": position.note,
        "confidence": position.confidence,
        "version": position.version,
    } | overrides
    return {name: "" if value is None else str(value) for name, value in data.items()}


def snapshot(position):
    return Position.objects.values(
        "id", "actor", "proposal", "stance", "stated_on", "quote", "version"
    ).get(pk=position.pk)


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_it_raises_the_version_and_records_the_editor_in_history(
    superuser_client, korea_case, superuser
):
    position = korea_case.us_big_deal
    page = superuser_client.get(change_url(position))
    assert page.context["adminform"].form["version"].value() == 1

    response = superuser_client.post(
        change_url(position), form_data(position, stance=1, note="softer")
    )

    assert response.status_code == 302
    position.refresh_from_db()
    assert (position.stance, position.note, position.version) == (1, "softer", 2)
    latest = position.history.latest()
    assert (latest.history_type, latest.history_user) == ("~", superuser)
    assert (latest.stance, latest.version) == (1, 2)
    assert position.history.count() == 2


def test_it_shows_a_conflict_on_a_stale_version_and_changes_nothing(
    superuser_client, korea_case, superuser
):
    position = korea_case.us_big_deal
    stale = form_data(position, stance=-2)
    position_update(
        position_id=position.pk, expected_version=1, changes={"note": "x"}, by=superuser
    )
    before = snapshot(position)
    history_before = position.history.count()

    response = superuser_client.post(change_url(position), stale)

    assert response.status_code == 200
    assert "Someone else saved this position while you were editing it" in (
        response.text
    )
    assert snapshot(position) == before
    assert before["version"] == 2
    assert position.history.count() == history_before


def test_it_fills_an_empty_side_from_the_speaker_on_the_add_page(
    superuser_client, korea_case, superuser
):
    k = korea_case
    data = form_data(k.us_big_deal, actor="", speaker=k.pompeo.pk, stance=1)
    data["stated_on"] = "2019-03-29"
    del data["version"]

    response = superuser_client.post("/admin/positions/position/add/", data)

    assert response.status_code == 302
    position = Position.objects.get(speaker=k.pompeo)
    assert position.actor == k.us
    assert position.recorded_by == superuser
    assert position.version == 1


def test_it_restores_a_deleted_position_as_an_identical_row(
    superuser_client, korea_case, superuser
):
    position = korea_case.dprk_big_deal
    before = snapshot(position)

    deleted = superuser_client.post(
        f"/admin/positions/position/{position.pk}/delete/", {"post": "yes"}
    )
    assert deleted.status_code == 302
    assert not Position.objects.filter(pk=position.pk).exists()

    listing = superuser_client.get(DELETED_URL)
    assert listing.status_code == 200
    assert [record.id for record in listing.context["deletions"]] == [position.pk]
    assert restore_url(position.pk) in listing.text

    response = superuser_client.post(restore_url(position.pk))

    assert response.status_code == 302
    assert response.url == change_url(position)
    restored = snapshot(position)
    assert restored == before | {"version": before["version"] + 1}
    assert restored["quote"] == "threatened to pull out of nuclear negotiations"
    assert position.history.latest().history_user == superuser
    assert superuser_client.get(DELETED_URL).context["deletions"].count() == 0


def test_it_refuses_to_restore_a_position_that_exists(superuser_client, korea_case):
    position = korea_case.us_big_deal
    before = snapshot(position)

    response = superuser_client.post(restore_url(position.pk))

    assert response.status_code == 302
    assert response.url == DELETED_URL
    assert messages_of(response) == [
        "This position exists; there is nothing to restore."
    ]
    assert snapshot(position) == before


def test_it_refuses_to_restore_on_a_get(superuser_client, korea_case):
    position_id = korea_case.us_big_deal.pk
    korea_case.us_big_deal.delete()

    response = superuser_client.get(restore_url(position_id))

    assert response.status_code == 403
    assert not Position.objects.filter(pk=position_id).exists()


def test_it_links_the_deleted_positions_from_the_changelist(
    superuser_client, korea_case
):
    response = superuser_client.get("/admin/positions/position/")

    assert response.status_code == 200
    assert f'href="{DELETED_URL}"' in response.text


def test_it_reverts_a_position_to_an_earlier_version_from_its_history(
    superuser_client, korea_case, superuser
):
    position = korea_case.us_big_deal
    first = position.history.get()
    position_update(
        position_id=position.pk,
        expected_version=1,
        changes={"stance": -1},
        by=superuser,
    )
    url = f"/admin/positions/position/{position.pk}/history/{first.pk}/"
    page = superuser_client.get(url)
    assert page.status_code == 200

    response = superuser_client.post(
        url, form_data(first.instance) | {"_change_history": "1"}
    )

    assert response.status_code == 302
    position.refresh_from_db()
    assert (position.stance, position.version) == (2, 3)
    assert position.history.latest().history_user == superuser


def test_it_lets_an_analyst_add_a_position(
    staff_analyst_client, korea_case, staff_analyst
):
    k = korea_case
    data = form_data(k.us_big_deal, proposal=k.road_map.pk, stance=-1)
    del data["version"]

    response = staff_analyst_client.post("/admin/positions/position/add/", data)

    assert response.status_code == 302
    position = Position.objects.get(actor=k.us, proposal=k.road_map)
    assert position.stance == -1
    assert position.recorded_by == staff_analyst
    assert position.history.get().history_user == staff_analyst


def test_it_forbids_an_analyst_to_delete_an_actor(staff_analyst_client, korea_case):
    actor = korea_case.rok

    page = staff_analyst_client.get(f"/admin/actors/actor/{actor.pk}/delete/")
    response = staff_analyst_client.post(
        f"/admin/actors/actor/{actor.pk}/delete/", {"post": "yes"}
    )

    assert page.status_code == 403
    assert response.status_code == 403
    assert Actor.objects.filter(pk=actor.pk).exists()


def test_it_forbids_an_analyst_to_delete_a_position(staff_analyst_client, korea_case):
    position = korea_case.us_big_deal

    response = staff_analyst_client.post(
        f"/admin/positions/position/{position.pk}/delete/", {"post": "yes"}
    )

    assert response.status_code == 403
    assert Position.objects.filter(pk=position.pk).exists()


def test_it_keeps_the_stated_on_date_when_the_article_allows_it(
    superuser_client, korea_case
):
    position = korea_case.us_big_deal

    response = superuser_client.post(
        change_url(position), form_data(position, stated_on="2019-03-30")
    )

    assert response.status_code == 200
    assert "is after the article was published (2019-03-28)" in response.text
    position.refresh_from_db()
    assert (position.stated_on, position.version) == (datetime.date(2019, 3, 28), 1)
