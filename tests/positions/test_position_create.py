import datetime

import pytest
from django.core.exceptions import ValidationError

from positions.models import Position
from positions.services import position_create
from tests.factories import AffiliationFactory, ArticleFactory, StateFactory

D = datetime.date


@pytest.fixture
def september_article(db):
    """A source published the day after Bolton's last day (2019-09-10)."""
    return ArticleFactory(published_on=D(2019, 9, 11))


def test_it_takes_the_side_from_the_speakers_affiliation_that_day(korea_case):
    position = position_create(
        speaker=korea_case.pompeo,
        proposal=korea_case.big_deal,
        article=korea_case.herald,
        stance=2,
        stated_on=D(2019, 3, 29),
    )

    saved = Position.objects.get(pk=position.pk)
    assert saved.actor == korea_case.us
    assert saved.speaker == korea_case.pompeo
    assert (saved.stance, saved.stated_on, saved.version) == (2, D(2019, 3, 29), 1)
    assert Position.objects.count() == 5


def test_it_keeps_a_side_given_with_the_speaker(korea_case):
    position = position_create(
        actor=korea_case.rok,
        speaker=korea_case.pompeo,
        proposal=korea_case.road_map,
        article=korea_case.herald,
        stance=1,
        stated_on=D(2019, 3, 28),
    )

    assert Position.objects.get(pk=position.pk).actor == korea_case.rok


def test_it_takes_the_side_on_the_last_day_of_an_affiliation(
    korea_case, september_article
):
    position = position_create(
        speaker=korea_case.bolton,
        proposal=korea_case.big_deal,
        article=september_article,
        stance=2,
        stated_on=D(2019, 9, 10),
    )

    assert Position.objects.get(pk=position.pk).actor == korea_case.us


def test_it_refuses_a_speaker_whose_affiliation_had_ended(
    korea_case, september_article
):
    with pytest.raises(ValidationError) as excinfo:
        position_create(
            speaker=korea_case.bolton,
            proposal=korea_case.big_deal,
            article=september_article,
            stance=2,
            stated_on=D(2019, 9, 11),
        )

    assert excinfo.value.message_dict == {
        "actor": [
            "John Bolton had no affiliation on 2019-09-11, so the side cannot be "
            "taken from the speaker. Choose the side."
        ]
    }
    assert Position.objects.count() == 4
    assert not Position.objects.filter(article=september_article).exists()
    assert Position.history.count() == 4


def test_it_refuses_a_speaker_with_several_sides_that_day(korea_case):
    AffiliationFactory(
        person=korea_case.pompeo,
        organization=StateFactory(name="United Nations", kind="organization"),
        role="Envoy",
        start_date=D(2019, 3, 1),
        end_date=D(2019, 3, 31),
    )

    with pytest.raises(ValidationError) as excinfo:
        position_create(
            speaker=korea_case.pompeo,
            proposal=korea_case.big_deal,
            article=korea_case.herald,
            stance=2,
            stated_on=D(2019, 3, 29),
        )

    assert excinfo.value.message_dict == {
        "actor": [
            "Mike Pompeo was affiliated with several sides on 2019-03-29 (United "
            "Nations, United States). Choose the side."
        ]
    }
    assert Position.objects.count() == 4
    assert not Position.objects.filter(speaker=korea_case.pompeo).exists()


def test_it_takes_the_side_when_two_roles_that_day_are_with_the_same_side(
    korea_case,
):
    AffiliationFactory(
        person=korea_case.pompeo,
        organization=korea_case.us,
        role="Director of the CIA",
        start_date=D(2017, 1, 23),
        end_date=D(2019, 12, 31),
    )

    position = position_create(
        speaker=korea_case.pompeo,
        proposal=korea_case.big_deal,
        article=korea_case.herald,
        stance=2,
        stated_on=D(2019, 3, 29),
    )

    assert Position.objects.get(pk=position.pk).actor == korea_case.us


def test_it_refuses_a_speaker_without_a_date(korea_case):
    with pytest.raises(ValidationError) as excinfo:
        position_create(
            speaker=korea_case.pompeo,
            proposal=korea_case.big_deal,
            article=korea_case.herald,
            stance=2,
        )

    assert excinfo.value.message_dict == {"stated_on": ["This field is required."]}
    assert Position.objects.count() == 4


def test_it_saves_nothing_when_a_rule_is_broken(korea_case):
    with pytest.raises(ValidationError) as excinfo:
        position_create(
            speaker=korea_case.pompeo,
            proposal=korea_case.big_deal,
            article=korea_case.herald,
            stance=2,
            stated_on=D(2019, 3, 30),
        )

    assert list(excinfo.value.message_dict) == ["stated_on"]
    assert Position.objects.count() == 4
    assert Position.history.count() == 4


def test_it_refuses_unknown_fields(korea_case):
    with pytest.raises(TypeError):
        position_create(
            actor=korea_case.us,
            proposal=korea_case.road_map,
            article=korea_case.herald,
            stance=1,
            stated_on=D(2019, 3, 28),
            version=7,
        )

    assert Position.objects.count() == 4


def test_it_records_who_recorded_it_in_the_row_and_its_history(korea_case, analyst):
    position = position_create(
        recorded_by=analyst,
        speaker=korea_case.pompeo,
        proposal=korea_case.big_deal,
        article=korea_case.herald,
        stance=2,
        stated_on=D(2019, 3, 29),
    )

    assert Position.objects.get(pk=position.pk).recorded_by == analyst
    records = list(Position.history.filter(id=position.pk))
    assert len(records) == 1
    assert records[0].history_type == "+"
    assert records[0].history_user == analyst
    assert records[0].actor_id == korea_case.us.pk


def test_it_records_no_user_when_none_is_given(korea_case):
    record = Position.history.get(id=korea_case.us_big_deal.pk)

    assert record.history_type == "+"
    assert record.history_user is None
    assert Position.objects.get(pk=korea_case.us_big_deal.pk).recorded_by is None
