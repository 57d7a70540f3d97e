import datetime

import pytest

from actors.models import Actor
from positions.models import Confidence, Position
from tests.factories import ArticleFactory, NegotiationFactory, PersonFactory

D = datetime.date


def table():
    """Every column of every position: the "nothing changed" check."""
    return list(Position.objects.order_by("id").values())


def row(position):
    return Position.objects.values().get(pk=position.pk)


def body(korea_case, **changes):
    data = {
        "actor": "south-korea",
        "proposal": "big-deal",
        "stance": -1,
        "stated_on": "2019-03-28",
        "article": korea_case.herald.pk,
        "quote": "a comprehensive road map, implemented step by step",
        "note": "Seoul prefers its own road map.",
        "confidence": "high",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not ...}


def detail(position):
    return f"/api/v1/positions/{position.pk}/"


def test_it_creates_a_position_for_the_given_side(analyst_api, analyst, korea_case):
    response = analyst_api.post("/api/v1/positions/", body(korea_case))

    assert response.status_code == 201, response.content
    data = response.json()
    saved = Position.objects.get(pk=data["id"])
    assert (saved.actor, saved.proposal, saved.article, saved.speaker) == (
        korea_case.rok,
        korea_case.big_deal,
        korea_case.herald,
        None,
    )
    assert (saved.stance, saved.stated_on, saved.confidence, saved.version) == (
        -1,
        D(2019, 3, 28),
        Confidence.HIGH,
        1,
    )
    assert saved.quote == "a comprehensive road map, implemented step by step"
    assert saved.note == "Seoul prefers its own road map."
    assert saved.recorded_by == analyst
    assert data["negotiation"] == "talks"
    assert data["stance_label"] == "opposes / sceptical"
    assert data["url"] == f"http://testserver/api/v1/positions/{saved.pk}/"
    assert Position.objects.count() == 5


def test_it_defaults_confidence_to_medium(analyst_api, korea_case):
    response = analyst_api.post("/api/v1/positions/", body(korea_case, confidence=...))

    assert response.status_code == 201
    assert response.json()["confidence"] == "medium"
    assert Position.objects.get(pk=response.json()["id"]).confidence == (
        Confidence.MEDIUM
    )


def test_it_takes_the_side_of_the_speaker_on_the_stated_date(analyst_api, korea_case):
    response = analyst_api.post(
        "/api/v1/positions/",
        body(korea_case, actor=..., speaker="mike-pompeo", stated_on="2019-03-29"),
    )

    assert response.status_code == 201, response.content
    assert response.json()["actor"] == "us"
    assert response.json()["speaker"] == "mike-pompeo"
    saved = Position.objects.get(pk=response.json()["id"])
    assert (saved.actor, saved.speaker, saved.stated_on) == (
        korea_case.us,
        korea_case.pompeo,
        D(2019, 3, 29),
    )


def test_it_refuses_a_speaker_without_affiliation_and_saves_nothing(
    analyst_api, korea_case
):
    PersonFactory(name="Choe Son-hui", slug="choe-son-hui")
    before = table()

    response = analyst_api.post(
        "/api/v1/positions/", body(korea_case, actor=..., speaker="choe-son-hui")
    )

    assert response.status_code == 400
    assert list(response.json()) == ["actor"]
    assert "no affiliation" in response.json()["actor"][0]
    assert table() == before


def test_it_refuses_a_speaker_whose_affiliation_had_ended(analyst_api, korea_case):
    later = ArticleFactory(published_on=D(2019, 10, 1))
    before = table()

    response = analyst_api.post(
        "/api/v1/positions/",
        body(
            korea_case,
            actor=...,
            speaker="john-bolton",
            article=later.pk,
            stated_on="2019-10-01",
        ),
    )

    assert response.status_code == 400
    assert list(response.json()) == ["actor"]
    assert table() == before


def test_it_refuses_stated_on_two_days_after_the_article(analyst_api, korea_case):
    before = table()

    response = analyst_api.post(
        "/api/v1/positions/", body(korea_case, stated_on="2019-03-30")
    )

    assert response.status_code == 400
    assert list(response.json()) == ["stated_on"]
    assert "2019-03-28" in response.json()["stated_on"][0]
    assert table() == before


def test_it_accepts_stated_on_one_day_after_the_article(analyst_api, korea_case):
    response = analyst_api.post(
        "/api/v1/positions/", body(korea_case, stated_on="2019-03-29")
    )

    assert response.status_code == 201
    assert Position.objects.get(pk=response.json()["id"]).stated_on == D(2019, 3, 29)


def test_it_refuses_a_person_as_the_side(analyst_api, korea_case):
    before = table()

    response = analyst_api.post(
        "/api/v1/positions/", body(korea_case, actor="mike-pompeo")
    )

    assert response.status_code == 400
    assert list(response.json()) == ["actor"]
    assert "person" in response.json()["actor"][0]
    assert table() == before


def test_it_refuses_a_state_as_the_speaker(analyst_api, korea_case):
    before = table()

    response = analyst_api.post(
        "/api/v1/positions/", body(korea_case, speaker="north-korea")
    )

    assert response.status_code == 400
    assert list(response.json()) == ["speaker"]
    assert table() == before


def test_it_refuses_an_exact_duplicate(analyst_api, korea_case):
    before = table()

    response = analyst_api.post(
        "/api/v1/positions/",
        body(korea_case, actor="us", stance=1, quote="", note="", confidence=...),
    )

    assert response.status_code == 400
    assert "already has this position" in str(response.json())
    assert table() == before


def test_it_refuses_an_exact_duplicate_with_a_speaker(analyst_api, korea_case):
    first = analyst_api.post(
        "/api/v1/positions/", body(korea_case, actor="us", speaker="mike-pompeo")
    )
    before = table()

    second = analyst_api.post(
        "/api/v1/positions/",
        body(korea_case, actor=..., speaker="mike-pompeo", stance=2),
    )

    assert first.status_code == 201
    assert second.status_code == 400
    assert "already has this position" in str(second.json())
    assert table() == before


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"stance": 3}, "stance"),
        ({"stance": "supports"}, "stance"),
        ({"proposal": "small-deal"}, "proposal"),
        ({"actor": "atlantis"}, "actor"),
        ({"article": 999999}, "article"),
        ({"stated_on": "28 March 2019"}, "stated_on"),
        ({"confidence": "certain"}, "confidence"),
        ({"proposal": ...}, "proposal"),
        ({"article": ...}, "article"),
    ],
)
def test_it_refuses_a_malformed_body_naming_the_field(
    analyst_api, korea_case, changes, field
):
    before = table()

    response = analyst_api.post("/api/v1/positions/", body(korea_case, **changes))

    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert table() == before


def test_it_ignores_negotiation_and_stance_label_on_create(analyst_api, korea_case):
    NegotiationFactory(title="Iran talks", slug="iran-talks")

    response = analyst_api.post(
        "/api/v1/positions/",
        body(
            korea_case,
            negotiation="iran-talks",
            stance_label="rejects outright",
        ),
    )

    assert response.status_code == 201
    assert response.json()["negotiation"] == "talks"
    assert response.json()["stance_label"] == "opposes / sceptical"
    saved = Position.objects.get(pk=response.json()["id"])
    assert (saved.proposal.negotiation, saved.stance) == (korea_case.talks, -1)


def test_it_ignores_negotiation_and_stance_label_on_update(analyst_api, korea_case):
    position = korea_case.us_big_deal
    NegotiationFactory(title="Iran talks", slug="iran-talks")

    response = analyst_api.patch(
        detail(position),
        {"stance": 1, "negotiation": "iran-talks", "stance_label": "rejects outright"},
    )

    assert response.status_code == 200
    assert response.json()["negotiation"] == "talks"
    assert response.json()["stance_label"] == "supports / open to"
    saved = row(position)
    assert (saved["stance"], saved["proposal_id"]) == (1, korea_case.big_deal.pk)


def test_it_updates_a_position_and_raises_its_version_by_one(
    analyst_api, analyst, korea_case
):
    position = korea_case.dprk_big_deal

    response = analyst_api.patch(detail(position), {"stance": -1, "note": "softened"})

    assert response.status_code == 200
    assert response.json()["version"] == 2
    assert response.json()["stance"] == -1
    assert response["ETag"] == f'"{position.pk}-v2"'
    position.refresh_from_db()
    assert (position.stance, position.note, position.version) == (-1, "softened", 2)
    assert position.quote == "threatened to pull out of nuclear negotiations"
    assert Position.history.filter(id=position.pk).latest().history_user == analyst


def test_it_replaces_a_position_with_put(analyst_api, korea_case):
    position = korea_case.rok_road_map

    response = analyst_api.put(
        detail(position),
        body(korea_case, actor="south-korea", proposal="phased-deal", stance=0),
    )

    assert response.status_code == 200, response.content
    position.refresh_from_db()
    assert (position.proposal, position.stance, position.version) == (
        korea_case.phased,
        0,
        2,
    )
    assert position.confidence == Confidence.HIGH


def test_it_refuses_an_update_breaking_a_rule_and_changes_nothing(
    analyst_api, korea_case
):
    before = table()

    response = analyst_api.patch(
        detail(korea_case.us_big_deal), {"stated_on": "2019-04-30"}
    )

    assert response.status_code == 400
    assert list(response.json()) == ["stated_on"]
    assert table() == before


def test_it_answers_404_for_an_unknown_position(analyst_api, korea_case):
    before = table()

    read = analyst_api.get("/api/v1/positions/999999/")
    write = analyst_api.patch("/api/v1/positions/999999/", {"stance": 1})

    assert (read.status_code, write.status_code) == (404, 404)
    assert table() == before


def test_it_lets_anonymous_visitors_read(api_client, korea_case):
    listed = api_client.get("/api/v1/positions/")
    one = api_client.get(detail(korea_case.us_big_deal))

    assert listed.status_code == 200
    assert len(listed.json()["results"]) == 4
    assert one.status_code == 200
    assert one.json()["actor"] == "us"


def test_it_refuses_writes_from_anonymous_visitors(api_client, korea_case):
    position = korea_case.us_big_deal
    before = table()

    responses = [
        api_client.post("/api/v1/positions/", body(korea_case)),
        api_client.put(detail(position), body(korea_case, actor="us")),
        api_client.patch(detail(position), {"stance": -2}),
        api_client.delete(detail(position)),
        api_client.post("/api/v1/positions/bulk/", [body(korea_case)]),
    ]

    # No credentials: 401, with the scheme to use.
    assert [r.status_code for r in responses] == [401] * 5
    assert responses[0]["WWW-Authenticate"] == "Token"
    assert table() == before


def test_it_lets_a_reader_without_permissions_read_but_not_write(
    reader_api, korea_case
):
    position = korea_case.us_big_deal
    before = table()

    read = reader_api.get(detail(position))
    writes = [
        reader_api.post("/api/v1/positions/", body(korea_case)),
        reader_api.put(detail(position), body(korea_case, actor="us")),
        reader_api.patch(detail(position), {"stance": -2}),
        reader_api.delete(detail(position)),
    ]

    assert read.status_code == 200
    assert [r.status_code for r in writes] == [403, 403, 403, 403]
    assert table() == before


def test_it_refuses_deletion_to_an_analyst(analyst_api, korea_case):
    before = table()

    response = analyst_api.delete(detail(korea_case.us_big_deal))

    assert response.status_code == 403
    assert table() == before


def test_it_refuses_creating_an_actor_to_an_analyst(analyst_api, korea_case):
    response = analyst_api.post(
        "/api/v1/actors/", {"name": "European Union", "kind": "organization"}
    )

    assert response.status_code == 403
    assert not Actor.objects.filter(name="European Union").exists()


def test_it_lets_a_curator_delete_a_position(curator_api, curator, korea_case):
    position = korea_case.us_big_deal

    response = curator_api.delete(detail(position))

    assert response.status_code == 204
    assert not Position.objects.filter(pk=position.pk).exists()
    assert Position.objects.count() == 3
    deletion = Position.history.filter(id=position.pk, history_type="-").get()
    assert deletion.history_user == curator


def test_it_sends_an_etag_with_a_single_position(api_client, korea_case):
    position = korea_case.us_big_deal

    response = api_client.get(detail(position))

    assert response.status_code == 200
    assert response["ETag"] == f'"{position.pk}-v1"'


def test_it_changes_the_etag_when_the_position_changes(analyst_api, korea_case):
    position = korea_case.us_big_deal
    old = analyst_api.get(detail(position))["ETag"]

    analyst_api.patch(detail(position), {"stance": 1})
    new = analyst_api.get(detail(position))["ETag"]

    assert new != old
    assert Position.objects.get(pk=position.pk).version == 2


def test_it_accepts_a_patch_with_the_current_if_match(analyst_api, korea_case):
    position = korea_case.us_big_deal
    etag = analyst_api.get(detail(position))["ETag"]

    response = analyst_api.patch(detail(position), {"stance": 1}, HTTP_IF_MATCH=etag)

    assert response.status_code == 200
    assert row(position)["stance"] == 1
    assert row(position)["version"] == 2


@pytest.mark.parametrize("method", ["put", "patch"])
def test_it_refuses_an_update_with_a_stale_if_match_with_412(
    analyst_api, korea_case, method
):
    position = korea_case.us_big_deal
    stale = analyst_api.get(detail(position))["ETag"]
    assert analyst_api.patch(detail(position), {"note": "first"}).status_code == 200
    before = table()

    response = getattr(analyst_api, method)(
        detail(position),
        body(korea_case, actor="us", stance=-2, note="second"),
        HTTP_IF_MATCH=stale,
    )

    assert response.status_code == 412
    assert table() == before
    assert row(position)["note"] == "first"


def test_it_refuses_a_delete_with_a_stale_if_match_with_412(
    analyst_api, curator_api, korea_case
):
    position = korea_case.us_big_deal
    stale = curator_api.get(detail(position))["ETag"]
    assert analyst_api.patch(detail(position), {"stance": 1}).status_code == 200
    before = table()

    response = curator_api.delete(detail(position), HTTP_IF_MATCH=stale)

    assert response.status_code == 412
    assert table() == before


def test_it_deletes_with_the_current_if_match(curator_api, korea_case):
    position = korea_case.us_big_deal
    etag = curator_api.get(detail(position))["ETag"]

    response = curator_api.delete(detail(position), HTTP_IF_MATCH=etag)

    assert response.status_code == 204
    assert not Position.objects.filter(pk=position.pk).exists()


def test_it_refuses_a_patch_based_on_an_older_version_with_409(analyst_api, korea_case):
    position = korea_case.us_big_deal
    assert analyst_api.patch(detail(position), {"note": "first"}).status_code == 200
    before = table()

    response = analyst_api.patch(detail(position), {"note": "second", "version": 1})

    assert response.status_code == 409
    assert "version 2" in response.json()["detail"]
    assert table() == before
    assert row(position)["note"] == "first"


def test_it_accepts_a_patch_based_on_the_current_version(analyst_api, korea_case):
    position = korea_case.us_big_deal

    response = analyst_api.patch(detail(position), {"note": "ok", "version": 1})

    assert response.status_code == 200
    assert response.json()["version"] == 2
    assert (row(position)["note"], row(position)["version"]) == ("ok", 2)


def test_it_lets_only_the_first_of_two_analysts_editing_one_version_win(
    analyst_api, curator_api, korea_case
):
    position = korea_case.dprk_phased
    seen_by_both = analyst_api.get(detail(position)).json()["version"]

    first = analyst_api.patch(detail(position), {"stance": 1, "version": seen_by_both})
    second = curator_api.patch(
        detail(position), {"stance": -1, "version": seen_by_both}
    )

    assert (first.status_code, second.status_code) == (200, 409)
    assert (row(position)["stance"], row(position)["version"]) == (1, 2)
