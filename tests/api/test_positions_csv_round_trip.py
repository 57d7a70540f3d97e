"""The positions CSV is faithful: pandas reads back what is stored, and
``import_positions`` re-imports an export unchanged (A14)."""

import datetime
import io

import pandas
import pytest
from django.core.management import call_command

from positions.models import Position
from positions.services import position_delete
from tests.factories import PositionFactory

# Text a spreadsheet would run as a formula, and text CSV must quote.
AWKWARD = {
    "quote": '=HYPERLINK("https://evil.example","click")',
    "note": "@StateDept: line one,\nline two",
    "quote_original": "+1 for a deal; “quoted”",
    "quote_language": "ko",
    "condition": "-2 points\tif the talks\rfail,\r\nor stall",
}
TEXT_FIELDS = ("quote", "note", "quote_original", "quote_language", "condition")


@pytest.fixture
def awkward(korea_case):
    return PositionFactory(
        actor=korea_case.rok,
        proposal=korea_case.big_deal,
        article=korea_case.herald,
        stated_on=datetime.date(2019, 3, 27),
        stance=-1,
        **AWKWARD,
    )


def _export(api_client, query="") -> bytes:
    response = api_client.get(f"/api/v1/positions/?format=csv{query}")
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def test_it_reads_back_in_pandas_as_stored(api_client, korea_case, awkward):
    frame = pandas.read_csv(
        io.BytesIO(_export(api_client)), dtype=str, keep_default_na=False
    )

    row = frame.set_index("id").loc[str(awkward.pk)]
    for field in TEXT_FIELDS:
        assert row[field] == AWKWARD[field], field
    assert row["stance"] == "-1"
    assert list(frame["id"].astype(int)) == list(
        Position.objects.order_by("stated_on", "id").values_list("id", flat=True)
    )


def test_it_is_imported_again_unchanged(api_client, korea_case, awkward, tmp_path):
    def stored(position):
        return {
            field: getattr(position, field)
            for field in (
                "actor_id",
                "proposal_id",
                "speaker_id",
                "article_id",
                "stance",
                "stated_on",
                "confidence",
                "attribution",
                *TEXT_FIELDS,
            )
        }

    before = [stored(p) for p in Position.objects.order_by("stated_on", "id")]
    path = tmp_path / "positions.csv"
    path.write_bytes(_export(api_client))
    for position in Position.objects.all():
        position_delete(position_id=position.pk)

    call_command("import_positions", str(path), stdout=io.StringIO())

    after = [stored(p) for p in Position.objects.order_by("stated_on", "id")]
    assert after == before
    assert any(row["quote"] == AWKWARD["quote"] for row in after)
