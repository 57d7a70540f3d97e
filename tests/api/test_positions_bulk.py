import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext

from positions.models import Position

D = datetime.date


def table():
    return list(Position.objects.order_by("id").values())


def row(korea_case, **changes):
    data = {
        "actor": "south-korea",
        "proposal": "big-deal",
        "stance": -1,
        "stated_on": "2019-03-28",
        "article": korea_case.herald.pk,
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not ...}


def test_it_saves_every_row_of_a_valid_list(analyst_api, analyst, korea_case):
    response = analyst_api.post(
        "/api/v1/positions/bulk/",
        [
            row(korea_case, quote="step by step"),
            row(korea_case, actor=..., speaker="mike-pompeo", stated_on="2019-03-29"),
            row(korea_case, actor="north-korea", proposal="road-map", stance=1),
        ],
    )

    assert response.status_code == 201, response.content
    created = response.json()
    assert [(p["actor"], p["proposal"], p["stance"]) for p in created] == [
        ("south-korea", "big-deal", -1),
        ("us", "big-deal", -1),
        ("north-korea", "road-map", 1),
    ]
    saved = Position.objects.filter(pk__in=[p["id"] for p in created]).order_by("id")
    assert [
        (p.actor.slug, p.speaker_id, p.stated_on, p.quote, p.recorded_by) for p in saved
    ] == [
        ("south-korea", None, D(2019, 3, 28), "step by step", analyst),
        ("us", korea_case.pompeo.pk, D(2019, 3, 29), "", analyst),
        ("north-korea", None, D(2019, 3, 28), "", analyst),
    ]
    assert Position.objects.count() == 7


def test_it_saves_nothing_when_one_row_breaks_a_rule(analyst_api, korea_case):
    before = table()

    response = analyst_api.post(
        "/api/v1/positions/bulk/",
        [
            row(korea_case),
            row(korea_case, proposal="road-map", stated_on="2019-03-30"),
            row(korea_case, proposal="phased-deal"),
        ],
    )

    assert response.status_code == 400
    errors = response.json()["errors"]
    assert list(errors) == ["1"]
    assert list(errors["1"]) == ["stated_on"]
    assert table() == before


def test_it_names_every_bad_row(analyst_api, korea_case):
    before = table()

    response = analyst_api.post(
        "/api/v1/positions/bulk/",
        [
            row(korea_case, actor="mike-pompeo"),
            row(korea_case),
            # An exact duplicate of the Herald's US position.
            row(korea_case, actor="us", stance=2),
        ],
    )

    assert response.status_code == 400
    errors = response.json()["errors"]
    assert sorted(errors) == ["0", "2"]
    assert list(errors["0"]) == ["actor"]
    assert "already has this position" in str(errors["2"])
    assert table() == before


def test_it_refuses_two_identical_rows_in_one_list(analyst_api, korea_case):
    before = table()

    response = analyst_api.post(
        "/api/v1/positions/bulk/", [row(korea_case), row(korea_case, stance=-2)]
    )

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["1"]
    assert table() == before


def test_it_saves_nothing_when_a_row_has_a_shape_error(analyst_api, korea_case):
    before = table()

    response = analyst_api.post(
        "/api/v1/positions/bulk/",
        [row(korea_case), row(korea_case, proposal=...), row(korea_case, actor="us")],
    )

    assert response.status_code == 400
    assert "errors" in response.json()
    assert table() == before


def test_it_keys_shape_errors_by_row_index(analyst_api, korea_case):
    before = table()

    response = analyst_api.post(
        "/api/v1/positions/bulk/", [row(korea_case), row(korea_case, proposal=...)]
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {"1": {"proposal": ["This field is required."]}}
    assert table() == before


def test_it_keys_the_shape_errors_of_several_rows_by_index(analyst_api, korea_case):
    before = table()

    response = analyst_api.post(
        "/api/v1/positions/bulk/",
        [
            row(korea_case),
            row(korea_case, proposal=...),
            row(korea_case),
            row(korea_case, stance=5, actor="atlantis"),
        ],
    )

    assert response.status_code == 400
    errors = response.json()["errors"]
    assert sorted(errors) == ["1", "3"]
    assert sorted(errors["3"]) == ["actor", "stance"]
    assert table() == before


def test_it_refuses_a_body_that_is_not_a_list(analyst_api, korea_case):
    before = table()

    response = analyst_api.post("/api/v1/positions/bulk/", row(korea_case))

    assert response.status_code == 400
    assert "list" in str(response.json())
    assert table() == before


def test_it_refuses_a_list_of_non_objects(analyst_api, korea_case):
    before = table()

    response = analyst_api.post("/api/v1/positions/bulk/", [row(korea_case), 7])

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["1"]
    assert table() == before


def test_it_refuses_bulk_writes_to_a_reader(reader_api, korea_case):
    before = table()

    response = reader_api.post("/api/v1/positions/bulk/", [row(korea_case)])

    assert response.status_code == 403
    assert table() == before


def test_it_answers_unreadable_json_in_the_bulk_error_shape(analyst_api, korea_case):
    before = table()

    response = analyst_api.generic(
        "POST", "/api/v1/positions/bulk/", '[{"a":', content_type="application/json"
    )

    assert response.status_code == 400
    assert (
        "JSON parse error"
        in response.json()["errors"]["request"]["non_field_errors"][0]
    )
    assert table() == before


def test_it_reads_the_database_as_often_for_many_rows_as_for_few(
    analyst_api, korea_case
):
    def queries(count: int, offset: int) -> int:
        rows = [
            row(
                korea_case,
                stated_on=str(D(2018, 1, 1) + datetime.timedelta(days=offset + day)),
                speaker="mike-pompeo" if day % 2 else None,
                actor="us",
            )
            for day in range(count)
        ]
        with CaptureQueriesContext(connection) as context:
            response = analyst_api.post("/api/v1/positions/bulk/", rows)
        assert response.status_code == 201, response.content
        return len(context)

    queries(1, offset=200)  # the first request also loads the user's permissions

    assert queries(40, offset=0) == queries(4, offset=100)


def test_it_names_an_unknown_slug_among_preloaded_ones(analyst_api, korea_case):
    response = analyst_api.post(
        "/api/v1/positions/bulk/",
        [row(korea_case), row(korea_case, actor="atlantis", stated_on="2019-03-27")],
    )

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["1"]
    assert "actor" in response.json()["errors"]["1"]
