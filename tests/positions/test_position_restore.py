import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError

from positions.models import Position
from positions.services import position_create, position_delete, position_restore

D = datetime.date
RECORDED = datetime.datetime(2019, 3, 28, 9, 0, tzinfo=datetime.UTC)
DELETED = datetime.datetime(2019, 4, 2, 10, 0, tzinfo=datetime.UTC)
RESTORED = datetime.datetime(2019, 4, 3, 11, 0, tzinfo=datetime.UTC)


@pytest.fixture
def recorded(korea_case, analyst):
    """Pompeo's big-deal stance of 2019-03-29, recorded on the 28th by the analyst."""
    with time_machine.travel(RECORDED, tick=False):
        return position_create(
            recorded_by=analyst,
            speaker=korea_case.pompeo,
            proposal=korea_case.big_deal,
            article=korea_case.herald,
            stance=2,
            stated_on=D(2019, 3, 29),
            quote="complete, verifiable denuclearization",
            note="Said in Washington.",
            confidence=3,
        )


def row(position_id):
    return Position.objects.values().get(pk=position_id)


def delete_then_restore(position_id, by=None):
    with time_machine.travel(DELETED, tick=False):
        position_delete(position_id=position_id, by=by)
    with time_machine.travel(RESTORED, tick=False):
        return position_restore(position_id=position_id, by=by)


def test_it_brings_back_a_deleted_position_under_the_same_id(recorded, curator):
    before = row(recorded.pk)

    restored = delete_then_restore(recorded.pk, by=curator)

    after = row(recorded.pk)
    assert restored.pk == recorded.pk
    # The same row, as an edit of it: version raised and updated_at moved on.
    assert after["version"] == before["version"] + 1 == 2
    assert after["updated_at"] == RESTORED
    unchanged = set(before) - {"version", "updated_at", "created_at"}
    assert {k: after[k] for k in unchanged} == {k: before[k] for k in unchanged}
    assert Position.objects.count() == 5


def test_it_keeps_when_the_position_was_first_recorded(recorded):
    delete_then_restore(recorded.pk)

    assert row(recorded.pk)["created_at"] == RECORDED


def test_it_records_the_deletion_and_the_restore_in_history(recorded, curator):
    delete_then_restore(recorded.pk, by=curator)

    records = Position.history.filter(id=recorded.pk).order_by("history_id")
    assert [(r.history_type, r.version) for r in records] == [
        ("+", 1),
        ("-", 1),
        ("+", 2),
    ]
    assert [r.history_user for r in records][1:] == [curator, curator]


def test_it_restores_the_position_as_it_was_at_its_latest_deletion(recorded):
    delete_then_restore(recorded.pk)
    restored = Position.objects.get(pk=recorded.pk)
    restored.quote = "changed between the two deletions"
    restored.save()

    delete_then_restore(recorded.pk)

    after = row(recorded.pk)
    assert (after["quote"], after["version"]) == (
        "changed between the two deletions",
        3,
    )


def test_it_refuses_to_restore_a_position_that_exists(recorded):
    before = row(recorded.pk)
    history_before = Position.history.count()

    with pytest.raises(ValidationError) as excinfo:
        position_restore(position_id=recorded.pk)

    assert excinfo.value.messages == [
        "This position exists; there is nothing to restore."
    ]
    assert row(recorded.pk) == before
    assert Position.history.count() == history_before


def test_it_refuses_an_id_that_never_was_a_position(korea_case):
    unknown = Position.objects.order_by("-pk").first().pk + 1000

    with pytest.raises(ValidationError) as excinfo:
        position_restore(position_id=unknown)

    assert excinfo.value.messages == ["No deleted position has this id."]
    assert Position.objects.count() == 4
    assert not Position.objects.filter(pk=unknown).exists()


def test_it_refuses_when_the_article_has_gone_since(korea_case):
    position = korea_case.us_big_deal
    article = position.article
    for other in article.positions.exclude(pk=position.pk):
        position_delete(position_id=other.pk)
    position_delete(position_id=position.pk)
    article.delete()

    with pytest.raises(ValidationError):
        position_restore(position_id=position.pk)

    assert not Position.objects.exists()
