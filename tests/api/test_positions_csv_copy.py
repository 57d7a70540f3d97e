"""On PostgreSQL the positions CSV is written by ``COPY … TO STDOUT`` in
keyset chunks; it must be byte for byte the CSV the Python path writes, with
every matching row once, in the list's order."""

import csv
import datetime
import io

import pytest
from django.db import connection

import positions.selectors
from positions.models import Position
from positions.selectors import export
from tests.conftest import build_korea_case
from tests.factories import ArticleFactory, EventFactory, PositionFactory

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="COPY is PostgreSQL's"
)

D = datetime.date
QUOTES = [
    'He said "no deal", twice',
    "line one\nline two",
    "windows\r\nline",
    "a lone\rreturn",
    '=HYPERLINK("x")',
    "  spaces kept  ",
    "tab\tinside",
    "ünïcödé – “curly” ‘quotes’, 한국어",
    '"',
    ",",
    "",
]


@pytest.fixture
def awkward(korea_case):
    article = ArticleFactory(
        title='A "headline", with\na break',
        outlet="",
        body="The envoy said: we will talk again soon. Nothing else.",
    )
    event = EventFactory(negotiation=korea_case.talks, slug="envoys-talks")
    proposals = [korea_case.big_deal, korea_case.phased, korea_case.road_map]
    made = []
    for index, quote in enumerate(QUOTES):
        made.append(
            PositionFactory(
                actor=korea_case.rok,
                proposal=proposals[index % 3],
                article=article,
                # Several positions share a day, so chunks split ties.
                stated_on=D(2019, 3, 1 + index // 3),
                stance=index % 5 - 2,
                quote=quote,
                note=quote[::-1],
                event=event if index % 2 else None,
                speaker=korea_case.pompeo if index % 3 == 0 else None,
            )
        )
    made.append(
        PositionFactory(
            actor=korea_case.us,
            proposal=korea_case.big_deal,
            article=article,
            stated_on=D(2019, 3, 2),
            quote="we will talk again soon",
        )
    )
    # A timestamp without microseconds is written without them.
    Position.objects.filter(pk=made[0].pk).update(
        created_at=datetime.datetime(2019, 3, 1, 12, 0, tzinfo=datetime.UTC)
    )
    return made


def _body(api_client, query: str) -> bytes:
    response = api_client.get(f"/api/v1/positions/?format=csv{query}")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="positions.csv"'
    return b"".join(response.streaming_content)


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setattr(export, "COPY_CHUNK", 4)


@pytest.mark.parametrize(
    "query",
    [
        "",
        "&ordering=-stated_on",
        "&actor=south-korea",
        "&stated_after=2019-03-02",
        # A multiple-choice filter makes the list distinct.
        "&stance=-2&stance=1&ordering=-stated_on",
    ],
)
def test_it_writes_the_same_bytes_as_the_python_export(
    api_client, awkward, small_chunks, monkeypatch, query
):
    copied = _body(api_client, query)
    monkeypatch.setattr(positions.selectors, "positions_csv_chunks", lambda *a: None)

    written = _body(api_client, query)

    assert copied == written
    # Each row ends in "\n"; a line break inside a quoted field is data.
    assert copied.endswith(b"\n")
    assert b"\r\n" not in copied.replace(b'"windows\r\nline"', b"")


@pytest.mark.parametrize(
    "query, order",
    [("", ("stated_on", "id")), ("&ordering=-stated_on", ("-stated_on", "-id"))],
)
def test_it_exports_every_row_once_in_order_across_chunks(
    api_client, awkward, small_chunks, query, order
):
    rows = list(csv.reader(io.StringIO(_body(api_client, query).decode(), newline="")))

    assert [int(row[0]) for row in rows[1:]] == list(
        Position.objects.order_by(*order).values_list("id", flat=True)
    )
    quotes = {row[0]: row[rows[0].index("quote")] for row in rows[1:]}
    assert sorted(quotes.values()) == sorted(
        Position.objects.values_list("quote", flat=True)
    )


def test_it_serves_the_export_from_copy(korea_case):
    chunks = positions.selectors.positions_csv_chunks(
        Position.objects.order_by("stated_on", "id"),
        positions.selectors.export.Context.for_prefix("http://testserver/p/"),
    )

    assert chunks is not None
    assert b"".join(chunks).count(b"\n") == Position.objects.count()


@pytest.fixture
def committed_world():
    """The Korea case and 30 more positions, committed (a transactional
    test): the export then runs in a repeatable-read transaction of its own."""
    case = build_korea_case()
    for day in range(30):
        PositionFactory(
            actor=case.rok,
            proposal=case.big_deal,
            article=case.herald,
            stated_on=D(2019, 1, 1) + datetime.timedelta(days=day),
            quote=f"day {day}, said\n“twice”",
        )
    return case


@pytest.mark.django_db(transaction=True)
def test_it_reads_all_chunks_in_a_transaction_of_its_own(
    api_client, committed_world, small_chunks, monkeypatch
):
    copied = _body(api_client, "")
    monkeypatch.setattr(positions.selectors, "positions_csv_chunks", lambda *a: None)

    assert copied == _body(api_client, "")
    rows = list(csv.reader(io.StringIO(copied.decode(), newline="")))
    assert len(rows) == 1 + Position.objects.count() == 1 + 34
    assert not connection.in_atomic_block


@pytest.mark.django_db(transaction=True)
def test_it_ends_its_transaction_when_the_client_goes_away(
    api_client, committed_world, small_chunks
):
    response = api_client.get("/api/v1/positions/?format=csv")
    content = iter(response.streaming_content)
    next(content)  # the header
    next(content)  # the first chunk
    assert connection.in_atomic_block

    response.close()

    assert not connection.in_atomic_block
    assert Position.objects.count() == 34  # the connection is usable
