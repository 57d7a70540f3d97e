"""A page of changes is first looked for among the latest positions only, each
pair compared with its last date before them. Walking the pages that way must
give exactly the changes of the whole history, whatever the period holds."""

import datetime

import pytest

from positions import selectors
from positions.devdata.synthetic import Plan, load
from positions.models import Negotiation, Position
from positions.selectors import changes as change_selectors


@pytest.fixture
def world(db):
    load(Plan(positions=600, seed=11, actors=6, proposals=5, articles=90))
    return Negotiation.objects.get(slug="syn11")


@pytest.fixture(params=[(0, 1), (10, 1), (200, 4)], ids=["tiny", "small", "default"])
def period_size(request, monkeypatch):
    """Periods from a page's worth of positions (mostly too few changes, so the
    whole history is read as well) to the default."""
    fixed, per_row = request.param
    monkeypatch.setattr(change_selectors, "CHANGE_PAGE_POSITIONS", fixed)
    monkeypatch.setattr(change_selectors, "CHANGE_PAGE_POSITIONS_PER_ROW", per_row)


def _walk(page_size, **scope):
    rows, after = [], None
    while True:
        page = selectors.change_list(**scope, after=after, limit=page_size)
        rows.extend(page)
        if len(page) < page_size:
            return rows
        after = (page[-1].changed_on, page[-1].to_position_id)


@pytest.mark.parametrize("page_size", [1, 7, 50])
@pytest.mark.parametrize(
    "kinds",
    [selectors.DEFAULT_CHANGE_KINDS, selectors.CHANGE_KINDS],
    ids=["default", "all"],
)
def test_pages_hold_exactly_the_changes_of_the_whole_history(
    world, period_size, page_size, kinds
):
    everything = selectors.change_list(kinds=kinds)

    assert len(everything) > 100
    assert _walk(page_size, kinds=kinds) == everything


def test_scoped_pages_and_date_limits_too(world, period_size):
    actor = Position.objects.order_by("id").first().actor
    since, until = datetime.date(2010, 1, 1), datetime.date(2024, 6, 30)
    scope = {"actors": [actor], "negotiation": world, "since": since, "until": until}

    everything = selectors.change_list(**scope)

    assert everything
    assert all(since <= change.changed_on <= until for change in everything)
    assert _walk(5, **scope) == everything
