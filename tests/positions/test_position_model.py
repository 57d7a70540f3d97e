import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from positions.models import Position
from tests.factories import ArticleFactory, PersonFactory, StateFactory

D = datetime.date

NO_SPEAKER_DUPLICATE = (
    "This article already has this position: same side, proposal and date, "
    "with no speaker."
)
SPEAKER_DUPLICATE = (
    "This article already has this position: same side, proposal, speaker and date."
)


def position_of(korea_case, **fields):
    """An unsaved position on the road map in the Korea Herald, 2019-03-28."""
    defaults = {
        "actor": korea_case.us,
        "proposal": korea_case.road_map,
        "article": korea_case.herald,
        "stance": 0,
        "stated_on": D(2019, 3, 28),
    }
    return Position(**{**defaults, **fields})


def database_rule_names(table):
    """Names of the check constraints and unique indexes the database holds."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT type, name, sql FROM sqlite_master WHERE tbl_name = %s",
                [table],
            )
            names = set()
            for kind, name, sql in cursor.fetchall():
                if kind == "index":
                    names.add(name)
                else:
                    names.update(re.findall(r'CONSTRAINT "(\w+)" CHECK', sql))
            return names
        cursor.execute(
            "SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass "
            "UNION SELECT indexname FROM pg_indexes WHERE tablename = %s",
            [table, table],
        )
        return {name for (name,) in cursor.fetchall()}


def test_it_has_its_rules_as_named_database_constraints(db):
    assert {
        "positions_position_stance_range",
        "positions_position_no_exact_duplicate",
        "positions_position_no_exact_duplicate_unspoken",
    } <= database_rule_names(Position._meta.db_table)


@pytest.mark.parametrize("stance", [3, -3, 100])
def test_it_refuses_a_stance_outside_the_scale_in_the_database(korea_case, stance):
    position = position_of(korea_case, stance=stance)

    with pytest.raises(IntegrityError) as excinfo, transaction.atomic():
        position.save()

    assert "positions_position_stance_range" in str(excinfo.value)
    assert Position.objects.count() == 4
    assert not Position.objects.filter(
        proposal=korea_case.road_map, actor=korea_case.us
    )


@pytest.mark.parametrize("stance", [3, -3])
def test_it_refuses_a_stance_outside_the_scale_in_full_clean(korea_case, stance):
    position = position_of(korea_case, stance=stance)

    with pytest.raises(ValidationError) as excinfo:
        position.full_clean()

    assert excinfo.value.message_dict == {
        "stance": [f"Value {stance} is not a valid choice."]
    }
    assert Position.objects.count() == 4


@pytest.mark.parametrize("stance", [-2, -1, 0, 1, 2])
def test_it_accepts_every_stance_on_the_scale(korea_case, stance):
    position = position_of(korea_case, stance=stance)

    position.full_clean()
    position.save()

    assert Position.objects.get(pk=position.pk).stance == stance


def test_it_refuses_an_exact_duplicate_without_speaker_in_the_database(korea_case):
    # Same side, proposal, article and date as korea_case.us_big_deal.
    copy = position_of(korea_case, proposal=korea_case.big_deal, stance=1)

    with pytest.raises(IntegrityError) as excinfo, transaction.atomic():
        copy.save()

    if connection.vendor == "postgresql":
        assert "positions_position_no_exact_duplicate_unspoken" in str(excinfo.value)
    assert Position.objects.filter(proposal=korea_case.big_deal).count() == 2
    assert Position.objects.get(pk=korea_case.us_big_deal.pk).stance == 2


def test_it_refuses_an_exact_duplicate_without_speaker_with_a_message(korea_case):
    copy = position_of(korea_case, proposal=korea_case.big_deal, stance=1)

    with pytest.raises(ValidationError) as excinfo:
        copy.full_clean()

    assert excinfo.value.messages == [NO_SPEAKER_DUPLICATE]
    assert Position.objects.filter(proposal=korea_case.big_deal).count() == 2


def test_it_refuses_an_exact_duplicate_with_speaker_in_the_database(korea_case):
    spoken = position_of(korea_case, speaker=korea_case.pompeo, stance=1)
    spoken.save()
    copy = position_of(korea_case, speaker=korea_case.pompeo, stance=-1)

    with pytest.raises(IntegrityError) as excinfo, transaction.atomic():
        copy.save()

    if connection.vendor == "postgresql":
        assert '"positions_position_no_exact_duplicate"' in str(excinfo.value)
    assert list(
        Position.objects.filter(
            actor=korea_case.us, proposal=korea_case.road_map
        ).values_list("speaker__name", "stance")
    ) == [("Mike Pompeo", 1)]


def test_it_refuses_an_exact_duplicate_with_speaker_with_a_message(korea_case):
    position_of(korea_case, speaker=korea_case.pompeo, stance=1).save()
    copy = position_of(korea_case, speaker=korea_case.pompeo, stance=-1)

    with pytest.raises(ValidationError) as excinfo:
        copy.full_clean()

    assert excinfo.value.messages == [SPEAKER_DUPLICATE]
    assert (
        Position.objects.filter(
            actor=korea_case.us, proposal=korea_case.road_map
        ).count()
        == 1
    )


def test_it_accepts_the_same_fact_with_and_without_a_speaker(korea_case):
    # us_big_deal has no speaker; the same fact said by Pompeo is another position.
    spoken = position_of(
        korea_case, proposal=korea_case.big_deal, speaker=korea_case.pompeo, stance=2
    )

    spoken.full_clean()
    spoken.save()

    assert sorted(
        Position.objects.filter(
            actor=korea_case.us, proposal=korea_case.big_deal
        ).values_list("speaker__name", flat=True),
        key=str,
    ) == ["Mike Pompeo", None]


def test_it_accepts_the_same_fact_from_another_speaker(korea_case):
    position_of(korea_case, speaker=korea_case.pompeo).save()
    other = position_of(korea_case, speaker=korea_case.bolton)

    other.full_clean()
    other.save()

    assert sorted(
        Position.objects.filter(
            actor=korea_case.us, proposal=korea_case.road_map
        ).values_list("speaker__name", flat=True)
    ) == ["John Bolton", "Mike Pompeo"]


def test_it_accepts_a_stance_stated_one_day_after_the_article(korea_case):
    # Published 2019-03-28; a statement just after midnight elsewhere is the 29th.
    position = position_of(korea_case, stated_on=D(2019, 3, 29))

    position.full_clean()
    position.save()

    assert Position.objects.get(pk=position.pk).stated_on == D(2019, 3, 29)


def test_it_refuses_a_stance_stated_two_days_after_the_article(korea_case):
    position = position_of(korea_case, stated_on=D(2019, 3, 30))

    with pytest.raises(ValidationError) as excinfo:
        position.full_clean()

    assert excinfo.value.message_dict == {
        "stated_on": [
            "Stated on 2019-03-30 is after the article was published (2019-03-28). "
            "A stance may be dated at most one day after its source (for time zones)."
        ]
    }
    assert Position.objects.count() == 4


def test_it_checks_the_date_against_an_unsaved_article(korea_case):
    # The article form validates its positions before the article is saved.
    draft = ArticleFactory.build(published_on=D(2019, 4, 13))
    position = position_of(korea_case, article=draft, stated_on=D(2019, 4, 15))

    with pytest.raises(ValidationError) as excinfo:
        position.clean()

    assert list(excinfo.value.message_dict) == ["stated_on"]


def test_it_accepts_a_stance_stated_before_the_article(korea_case):
    # The seed article of 2019-03-28 reports Choe Son-hui's threat of 2019-03-15.
    korea_case.dprk_big_deal.full_clean()
    earlier = position_of(
        korea_case,
        actor=korea_case.dprk,
        proposal=korea_case.road_map,
        stance=-1,
        stated_on=D(2019, 3, 15),
    )

    earlier.full_clean()
    earlier.save()

    assert Position.objects.get(pk=korea_case.dprk_big_deal.pk).stated_on == D(
        2019, 3, 15
    )
    assert Position.objects.get(pk=earlier.pk).stated_on == D(2019, 3, 15)


def test_it_refuses_a_person_as_the_side(korea_case):
    position = position_of(korea_case, actor=korea_case.pompeo)

    with pytest.raises(ValidationError) as excinfo:
        position.full_clean()

    assert excinfo.value.message_dict == {
        "actor": [
            "Mike Pompeo is a person, and a person is never a side. Choose the state "
            "or organization they speak for, or leave the side empty to take the "
            "speaker's affiliation on that date."
        ]
    }
    assert not Position.objects.filter(actor=korea_case.pompeo).exists()


def test_it_refuses_a_state_as_the_speaker(korea_case):
    position = position_of(korea_case, speaker=korea_case.rok)

    with pytest.raises(ValidationError) as excinfo:
        position.full_clean()

    assert excinfo.value.message_dict == {
        "speaker": [
            "South Korea is not a person; the speaker is the person who said it."
        ]
    }
    assert not Position.objects.filter(speaker__isnull=False).exists()


def test_it_accepts_an_organization_as_the_side(korea_case):
    un = StateFactory(name="United Nations", kind="organization")
    position = position_of(korea_case, actor=un, speaker=PersonFactory())

    position.full_clean()
    position.save()

    assert Position.objects.get(pk=position.pk).actor == un


@pytest.mark.parametrize(
    ("stance", "label"),
    [
        (2, "demands / strongly supports"),
        (1, "supports / open to"),
        (0, "neutral / ambiguous"),
        (-1, "opposes / sceptical"),
        (-2, "rejects outright"),
    ],
)
def test_it_labels_the_stance(stance, label):
    assert Position(stance=stance).stance_label == label


def test_it_labels_a_saved_stance_in_its_text(korea_case):
    assert korea_case.dprk_big_deal.stance_label == "rejects outright"
    assert (
        str(korea_case.dprk_big_deal)
        == "North Korea on Big deal: rejects outright (2019-03-15)"
    )
