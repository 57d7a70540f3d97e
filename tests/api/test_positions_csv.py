import csv
import datetime
import io

import pytest

from positions.models import Position
from positions.services import position_create
from tests.factories import PositionFactory

D = datetime.date

JSON_FIELDS = [
    "id",
    "actor",
    "proposal",
    "negotiation",
    "stance",
    "stance_label",
    "stated_on",
    "article",
    "speaker",
    "quote",
    "note",
    "confidence",
    "event",
    "attribution",
    "condition",
    "condition_proposal",
    "condition_event",
    "quote_original",
    "quote_language",
    "quote_check",
    "quote_check_span",
    "version",
    "url",
    "created_at",
    "updated_at",
]
ARTICLE_FIELDS = [
    "article_url",
    "article_title",
    "article_outlet",
    "article_published_on",
]
TIMESTAMPS = {"created_at", "updated_at"}


def read_csv(response):
    assert response.status_code == 200, getattr(response, "content", b"")
    text = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.reader(io.StringIO(text)))


def as_csv_cell(value):
    if value is None:
        return ""
    return str(value)


@pytest.fixture
def many(korea_case):
    """More positions than one page: 65 on top of the Herald's four."""
    return [
        PositionFactory(
            actor=korea_case.rok,
            proposal=korea_case.road_map,
            article=korea_case.herald,
            stated_on=D(2019, 3, 27) - datetime.timedelta(days=day),
            stance=day % 5 - 2,
            quote=f"quote {day}, with a comma and “quotes”",
        )
        for day in range(65)
    ]


def test_it_exports_every_matching_row_not_one_page(api_client, korea_case, many):
    response = api_client.get("/api/v1/positions/?format=csv")

    lines = read_csv(response)
    assert len(lines) == 1 + 69
    assert [int(line[0]) for line in lines[1:]] == list(
        Position.objects.order_by("stated_on", "id").values_list("id", flat=True)
    )


def test_it_names_the_columns_as_the_json_fields(api_client, korea_case):
    json_row = api_client.get("/api/v1/positions/").json()["results"][0]

    lines = read_csv(api_client.get("/api/v1/positions/?format=csv"))

    assert list(json_row) == JSON_FIELDS
    assert lines[0] == JSON_FIELDS + ARTICLE_FIELDS


def test_it_is_a_utf8_csv_download_with_a_file_name(api_client, korea_case):
    response = api_client.get("/api/v1/positions/?format=csv")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "utf-8" in response["Content-Type"].lower()
    assert response["Content-Disposition"] == 'attachment; filename="positions.csv"'
    # The Herald's headline has curly quotes: they must survive the trip.
    rows = read_csv(response)
    title = rows[1][rows[0].index("article_title")]
    assert "‘phased denuke approach’" in title


def test_it_writes_the_same_values_as_the_json(api_client, korea_case, many):
    position_create(
        speaker=korea_case.pompeo,
        proposal=korea_case.big_deal,
        article=korea_case.herald,
        stance=1,
        stated_on=D(2019, 3, 29),
        confidence=3,
        note="line one\nline two",
    )
    json_rows = api_client.get("/api/v1/positions/?page_size=500").json()["results"]

    lines = read_csv(api_client.get("/api/v1/positions/?format=csv"))

    header, rows = lines[0], lines[1:]
    assert len(rows) == len(json_rows) == 70
    for line, json_row in zip(rows, json_rows, strict=True):
        exported = dict(zip(header, line, strict=True))
        for field in JSON_FIELDS:
            if field in TIMESTAMPS:
                assert datetime.datetime.fromisoformat(
                    exported[field]
                ) == datetime.datetime.fromisoformat(json_row[field])
            else:
                assert exported[field] == as_csv_cell(json_row[field]), field


def test_it_adds_the_article_of_each_position(api_client, korea_case):
    lines = read_csv(api_client.get("/api/v1/positions/?format=csv&actor=us"))

    header, [line] = lines[0], lines[1:]
    exported = dict(zip(header, line, strict=True))
    assert exported["article_url"] == (
        "https://www.koreaherald.com/view.php?ud=20190328000716"
    )
    assert exported["article_outlet"] == "The Korea Herald"
    assert exported["article_published_on"] == "2019-03-28"
    assert exported["article_title"] == korea_case.herald.title


def test_it_applies_the_filters_to_the_export(api_client, korea_case, many):
    lines = read_csv(
        api_client.get(
            "/api/v1/positions/?format=csv&actor=north-korea&ordering=-stated_on"
        )
    )

    assert [int(line[0]) for line in lines[1:]] == [
        korea_case.dprk_phased.pk,
        korea_case.dprk_big_deal.pk,
    ]


@pytest.mark.parametrize(
    "quote", ['=HYPERLINK("http://x")', "+1 for a deal", "-2 points", "@SUM(A1)"]
)
def test_it_carries_text_that_looks_like_a_formula_exactly_as_stored(
    api_client, korea_case, quote
):
    position = PositionFactory(
        actor=korea_case.rok,
        proposal=korea_case.big_deal,
        article=korea_case.herald,
        quote=quote,
    )

    lines = read_csv(api_client.get("/api/v1/positions/?format=csv&actor=south-korea"))

    exported = {line[0]: dict(zip(lines[0], line, strict=True)) for line in lines[1:]}[
        str(position.pk)
    ]
    assert exported["quote"] == quote
    assert exported["stance"] == "0"
    assert Position.objects.get(pk=position.pk).quote == quote


def test_it_leaves_a_negative_stance_a_number(api_client, korea_case):
    lines = read_csv(api_client.get("/api/v1/positions/?format=csv&stance=-2"))

    exported = dict(zip(lines[0], lines[1], strict=True))
    assert exported["stance"] == "-2"
    assert exported["id"] == str(korea_case.dprk_big_deal.pk)


def test_it_exports_only_the_header_when_nothing_matches(api_client, korea_case):
    lines = read_csv(api_client.get("/api/v1/positions/?format=csv&stance=0"))

    assert lines == [JSON_FIELDS + ARTICLE_FIELDS]


@pytest.mark.parametrize(
    "query, parameter",
    [
        ("actor=atlantis", "actor"),
        ("actr=us", "actr"),
        ("stated_after=2019-02-30", "stated_after"),
    ],
)
def test_it_answers_a_bad_filter_with_400_json_even_for_csv(
    api_client, korea_case, query, parameter
):
    response = api_client.get(f"/api/v1/positions/?format=csv&{query}")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert list(response.json()) == [parameter]
