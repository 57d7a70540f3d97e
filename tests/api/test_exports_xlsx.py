"""``?format=xlsx`` wherever ``?format=csv`` is offered: the same rows as
typed cells (text, numbers, dates), never a formula (A14)."""

import csv
import datetime
import io

import openpyxl
import pandas
import pytest

from config.lib import xlsx
from positions.models import Position
from tests.factories import ArticleFactory, PositionFactory

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULAS = ['=HYPERLINK("https://evil.example","click")', "+1+1", "-2+3", "@SUM(A1)"]
EXPORTS = {
    "positions": "/api/v1/positions/?",
    "stances": "/api/v1/stances/?as_of=2019-03-28&",
    "changes": "/api/v1/changes/?kind=initial&kind=shift&kind=reversal&",
    "diff": "/api/v1/diff/?negotiation=talks&from_date=2019-01-01&to_date=2019-04-01&",
    "timeline": "/api/v1/timeline/?",
}


@pytest.fixture
def formulas(korea_case):
    article = ArticleFactory(title="=1+1", outlet="@outlet")
    return [
        PositionFactory(
            actor=korea_case.rok,
            proposal=korea_case.big_deal,
            article=article,
            stated_on=datetime.date(2019, 3, 20 + index),
            stance=-1,
            quote=quote,
            note=quote,
        )
        for index, quote in enumerate(FORMULAS)
    ]


def _csv(api_client, url: str) -> list[list[str]]:
    response = api_client.get(url + "format=csv")
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(text, newline="")))


def _xlsx(api_client, url: str, name: str) -> bytes:
    response = api_client.get(url + "format=xlsx")
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == XLSX_TYPE
    assert response["Content-Disposition"] == f'attachment; filename="{name}.xlsx"'
    return b"".join(response.streaming_content)


def _as_csv_text(cell) -> str:
    if cell.value is None:
        return ""
    if cell.is_date:
        return cell.value.date().isoformat()
    return str(cell.value)


@pytest.mark.parametrize("name", EXPORTS)
def test_it_offers_every_csv_export_as_a_spreadsheet_of_the_same_rows(
    api_client, korea_case, formulas, name
):
    url = EXPORTS[name]
    lines = _csv(api_client, url)

    sheet = openpyxl.load_workbook(io.BytesIO(_xlsx(api_client, url, name))).active

    rows = list(sheet.iter_rows())
    assert len(lines) > 1
    assert [[_as_csv_text(cell) for cell in row] for row in rows] == lines
    assert not [cell for row in rows for cell in row if cell.data_type == "f"]


def test_it_keeps_text_that_looks_like_a_formula_a_text_cell(
    api_client, korea_case, formulas
):
    sheet = openpyxl.load_workbook(
        io.BytesIO(_xlsx(api_client, EXPORTS["positions"], "positions"))
    ).active

    header = [cell.value for cell in next(sheet.iter_rows(max_row=1))]
    by_id = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    for position, quote in zip(formulas, FORMULAS, strict=True):
        row = by_id[position.pk]
        for column in ("quote", "note"):
            cell = row[header.index(column)]
            assert (cell.value, cell.data_type) == (quote, "s")
        title = row[header.index("article_title")]
        assert (title.value, title.data_type) == ("=1+1", "s")
        stance = row[header.index("stance")]
        assert (stance.value, stance.data_type) == (-1, "n")
        stated_on = row[header.index("stated_on")]
        assert stated_on.is_date
        assert stated_on.value.date() == position.stated_on


def test_it_reads_back_in_pandas_as_stored(api_client, korea_case, formulas):
    frame = pandas.read_excel(
        io.BytesIO(_xlsx(api_client, EXPORTS["positions"], "positions"))
    )

    quotes = dict(zip(frame["id"], frame["quote"], strict=True))
    assert [quotes[position.pk] for position in formulas] == FORMULAS
    assert len(frame) == Position.objects.count()


def test_it_refuses_more_rows_than_a_sheet_holds_with_400(
    api_client, korea_case, monkeypatch
):
    monkeypatch.setattr(xlsx, "MAX_SHEET_ROWS", 3)

    for url in (EXPORTS["positions"], EXPORTS["timeline"]):
        response = api_client.get(url + "format=xlsx")

        assert response.status_code == 400
        assert response["Content-Type"] == "application/json"
        assert "format=csv" in response.json()["format"][0]


def test_it_answers_a_bad_filter_with_400_json(api_client, korea_case):
    response = api_client.get("/api/v1/positions/?format=xlsx&actor=atlantis")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert list(response.json()) == ["actor"]
