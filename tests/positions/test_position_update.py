import datetime

import pytest
from django.core.exceptions import ValidationError

from positions.models import Position
from positions.services import VersionConflict, position_update

D = datetime.date


def row(position_id):
    """Every column of the position, timestamps and version included."""
    return Position.objects.values().get(pk=position_id)


def test_it_applies_changes_to_the_version_it_was_given(korea_case, analyst):
    position_id = korea_case.us_big_deal.pk

    updated = position_update(
        position_id=position_id,
        expected_version=1,
        changes={"stance": 1, "quote": "a big deal", "confidence": 3},
        by=analyst,
    )

    saved = Position.objects.get(pk=position_id)
    assert (saved.stance, saved.quote, saved.confidence, saved.version) == (
        1,
        "a big deal",
        3,
        2,
    )
    assert updated.version == 2
    assert (saved.actor, saved.proposal, saved.stated_on) == (
        korea_case.us,
        korea_case.big_deal,
        D(2019, 3, 28),
    )


def test_it_keeps_a_history_record_of_the_change(korea_case, analyst):
    position_id = korea_case.us_big_deal.pk

    position_update(
        position_id=position_id,
        expected_version=1,
        changes={"stance": -1},
        by=analyst,
    )

    records = Position.history.filter(id=position_id).order_by("history_id")
    assert [(r.history_type, r.stance, r.version) for r in records] == [
        ("+", 2, 1),
        ("~", -1, 2),
    ]
    assert records.last().history_user == analyst


def test_it_accepts_successive_edits_each_on_the_latest_version(korea_case):
    position_id = korea_case.us_big_deal.pk

    position_update(position_id=position_id, expected_version=1, changes={"stance": 1})
    position_update(position_id=position_id, expected_version=2, changes={"stance": 0})

    saved = Position.objects.get(pk=position_id)
    assert (saved.stance, saved.version) == (0, 3)


def test_it_refuses_an_edit_of_a_stale_version(korea_case):
    position_id = korea_case.us_big_deal.pk
    # Two editors load version 1; the first one saves.
    position_update(position_id=position_id, expected_version=1, changes={"stance": 1})
    before = row(position_id)
    history_before = Position.history.count()

    with pytest.raises(VersionConflict) as excinfo:
        position_update(
            position_id=position_id, expected_version=1, changes={"stance": -2}
        )

    assert (excinfo.value.expected, excinfo.value.current) == (1, 2)
    assert "version 2" in str(excinfo.value)
    assert row(position_id) == before
    assert before["stance"] == 1
    assert Position.history.count() == history_before


def test_it_refuses_an_invalid_change_and_changes_nothing(korea_case):
    position = korea_case.us_big_deal
    before = row(position.pk)
    history_before = Position.history.count()

    with pytest.raises(ValidationError) as excinfo:
        position_update(
            position_id=position.pk,
            expected_version=1,
            changes={"stance": 1, "stated_on": D(2019, 3, 30)},
        )

    assert list(excinfo.value.message_dict) == ["stated_on"]
    position.refresh_from_db()
    assert (position.stance, position.stated_on, position.version) == (
        2,
        D(2019, 3, 28),
        1,
    )
    assert row(position.pk) == before
    assert Position.history.count() == history_before


def test_it_refuses_a_change_that_makes_an_exact_duplicate(korea_case):
    # DPRK's phased-deal position moved to the big deal on 2019-03-15 would
    # repeat dprk_big_deal: same side, proposal, article and date, no speaker.
    position = korea_case.dprk_phased
    before = row(position.pk)

    with pytest.raises(ValidationError) as excinfo:
        position_update(
            position_id=position.pk,
            expected_version=1,
            changes={"proposal": korea_case.big_deal, "stated_on": D(2019, 3, 15)},
        )

    assert excinfo.value.messages == [
        "This article already has this position: same side, proposal and date, "
        "with no speaker."
    ]
    position.refresh_from_db()
    assert (position.proposal, position.stated_on, position.version) == (
        korea_case.phased,
        D(2019, 3, 28),
        1,
    )
    assert row(position.pk) == before


def test_it_fills_the_side_from_the_speaker_when_the_side_is_cleared(korea_case):
    position = korea_case.rok_road_map

    position_update(
        position_id=position.pk,
        expected_version=1,
        changes={"actor": None, "speaker": korea_case.pompeo},
    )

    position.refresh_from_db()
    assert (position.actor, position.speaker, position.version) == (
        korea_case.us,
        korea_case.pompeo,
        2,
    )


def test_it_refuses_unknown_fields(korea_case):
    position = korea_case.us_big_deal

    with pytest.raises(TypeError):
        position_update(
            position_id=position.pk, expected_version=1, changes={"version": 9}
        )

    position.refresh_from_db()
    assert position.version == 1
