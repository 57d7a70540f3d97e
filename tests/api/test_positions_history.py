import datetime

from positions.models import Position


def create(client, korea_case):
    response = client.post(
        "/api/v1/positions/",
        {
            "speaker": "mike-pompeo",
            "proposal": "big-deal",
            "stance": 2,
            "stated_on": "2019-03-29",
            "article": korea_case.herald.pk,
            "quote": "a big deal",
        },
    )
    assert response.status_code == 201, response.content
    return response.json()["id"]


def test_it_lists_the_created_version_with_who_and_what(
    reader_api, analyst_api, korea_case
):
    position_id = create(analyst_api, korea_case)

    response = reader_api.get(f"/api/v1/positions/{position_id}/history/")

    assert response.status_code == 200
    [created] = response.json()
    assert created["version"] == 1
    assert created["change"] == "created"
    assert created["changed_by"] == "analyst"
    assert created["fields"] == {
        "actor": "us",
        "proposal": "big-deal",
        "stance": 2,
        "stated_on": "2019-03-29",
        "article": korea_case.herald.pk,
        "speaker": "mike-pompeo",
        "quote": "a big deal",
        "note": "",
        "confidence": "medium",
        "event": None,
        "attribution": "stated",
        "condition": "",
        "condition_proposal": None,
        "condition_event": None,
        "quote_original": "",
        "quote_language": "",
        "quote_check": "no_text",
    }
    changed_at = datetime.datetime.fromisoformat(created["changed_at"])
    assert changed_at.tzinfo is not None


def test_it_lists_every_version_oldest_first(
    reader_api, analyst_api, curator_api, korea_case
):
    position_id = create(analyst_api, korea_case)
    edit = analyst_api.patch(
        f"/api/v1/positions/{position_id}/", {"stance": 1, "confidence": "high"}
    )
    second_edit = curator_api.patch(
        f"/api/v1/positions/{position_id}/", {"note": "hedged in Hanoi"}
    )

    response = reader_api.get(f"/api/v1/positions/{position_id}/history/")

    assert (edit.status_code, second_edit.status_code) == (200, 200)
    versions = response.json()
    assert [(v["version"], v["change"], v["changed_by"]) for v in versions] == [
        (1, "created", "analyst"),
        (2, "changed", "analyst"),
        (3, "changed", "curator"),
    ]
    assert [
        (v["fields"]["stance"], v["fields"]["confidence"], v["fields"]["note"])
        for v in versions
    ] == [(2, "medium", ""), (1, "high", ""), (1, "high", "hedged in Hanoi")]
    times = [datetime.datetime.fromisoformat(v["changed_at"]) for v in versions]
    assert times == sorted(times)


def test_it_keeps_the_history_of_a_deleted_position(
    reader_api, analyst_api, curator_api, korea_case
):
    position_id = create(analyst_api, korea_case)
    analyst_api.patch(f"/api/v1/positions/{position_id}/", {"stance": -1})
    deleted = curator_api.delete(f"/api/v1/positions/{position_id}/")

    response = reader_api.get(f"/api/v1/positions/{position_id}/history/")

    assert deleted.status_code == 204
    assert not Position.objects.filter(pk=position_id).exists()
    assert response.status_code == 200
    versions = response.json()
    assert [(v["version"], v["change"], v["changed_by"]) for v in versions] == [
        (1, "created", "analyst"),
        (2, "changed", "analyst"),
        (2, "deleted", "curator"),
    ]
    assert versions[-1]["fields"]["stance"] == -1
    assert versions[-1]["fields"]["actor"] == "us"


def test_it_shows_no_user_for_versions_saved_outside_a_request(api_client, korea_case):
    position = korea_case.dprk_big_deal

    response = api_client.get(f"/api/v1/positions/{position.pk}/history/")

    assert response.status_code == 200
    [created] = response.json()
    assert (created["change"], created["changed_by"]) == ("created", None)
    assert created["fields"]["quote"] == (
        "threatened to pull out of nuclear negotiations"
    )
    assert created["fields"]["stance"] == -2


def test_it_does_not_mix_in_other_positions(api_client, korea_case):
    response = api_client.get(f"/api/v1/positions/{korea_case.us_big_deal.pk}/history/")

    assert [v["fields"]["actor"] for v in response.json()] == ["us"]


def test_it_answers_404_for_an_unknown_id(api_client, korea_case):
    unknown = api_client.get("/api/v1/positions/999999/history/")
    not_a_number = api_client.get("/api/v1/positions/abc/history/")

    assert unknown.status_code == 404
    assert not_a_number.status_code == 404
