import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from actors.models import Actor
from config.lib.bulk_clean import full_clean_each
from config.lib.rest import error_dict
from positions.models import Article, Position
from positions.models.articles import DUPLICATE_ADDRESS
from positions.services import (
    BulkValidationError,
    position_create,
    positions_bulk_create,
)
from tests.factories import (
    AffiliationFactory,
    ArticleFactory,
    PersonFactory,
    StateFactory,
    UserFactory,
)

D = datetime.date

# Queries for any number of rows up to a batch (1,000): the related rows,
# affiliations and duplicates are each read once, then one INSERT each for
# the positions and their history.
BULK_CREATE_QUERIES = 12


def _row(korea_case, **changes):
    return {
        "actor": korea_case.rok,
        "proposal": korea_case.big_deal,
        "article": korea_case.herald,
        "stance": 1,
        "stated_on": D(2019, 3, 28),
    } | changes


def _errors(rows, **kwargs) -> dict:
    with pytest.raises(BulkValidationError) as raised:
        positions_bulk_create(rows=rows, **kwargs)
    return raised.value.errors


@pytest.fixture
def odd_world(korea_case):
    """A person with no affiliation, one with two sides at once, an early
    source, and Pompeo's word on the big deal on the Herald's day."""
    position_create(**_row(korea_case, actor=korea_case.us, speaker=korea_case.pompeo))
    kim = PersonFactory(name="Kim Two-Hats")
    united_nations = StateFactory(name="United Nations", kind=Actor.Kind.ORGANIZATION)
    AffiliationFactory(
        person=kim, organization=korea_case.rok, start_date=D(2019, 1, 1)
    )
    AffiliationFactory(
        person=kim, organization=united_nations, start_date=D(2019, 1, 1)
    )
    return {
        "loner": PersonFactory(name="Nobody Inparticular"),
        "kim": kim,
        "early": ArticleFactory(published_on=D(2019, 3, 1)),
    }


BAD_ROWS = {
    "a person as the side": lambda k, w: {"actor": k.pompeo},
    "a state as the speaker": lambda k, w: {"speaker": k.us},
    "two days after the source": lambda k, w: {"stated_on": D(2019, 3, 30)},
    "after an earlier source": lambda k, w: {"article": w["early"]},
    "a stance out of range": lambda k, w: {"stance": 5},
    "no stance": lambda k, w: {"stance": None},
    "an unknown confidence": lambda k, w: {"confidence": 7},
    "no side and no speaker": lambda k, w: {"actor": None},
    "a speaker without affiliation": lambda k, w: {
        "actor": None,
        "speaker": w["loner"],
    },
    "a speaker with two sides": lambda k, w: {"actor": None, "speaker": w["kim"]},
    "a speaker but no date": lambda k, w: {
        "actor": None,
        "speaker": k.pompeo,
        "stated_on": None,
    },
    "Bolton after his last day": lambda k, w: {
        "actor": None,
        "speaker": k.bolton,
        "stated_on": D(2019, 9, 11),
        "article": ArticleFactory(published_on=D(2019, 9, 11)),
    },
    "no date": lambda k, w: {"stated_on": None},
    "no proposal": lambda k, w: {"proposal": None},
    "a duplicate of a stored position": lambda k, w: {"actor": k.us, "stance": -2},
    "a stored duplicate, side from the speaker": lambda k, w: {
        "actor": None,
        "speaker": k.pompeo,
    },
    "several rules at once": lambda k, w: {
        "actor": k.pompeo,
        "speaker": k.dprk,
        "stance": 9,
        "confidence": 0,
        "stated_on": D(2019, 4, 1),
    },
}


@pytest.mark.parametrize("case", BAD_ROWS)
def test_it_refuses_a_row_with_the_message_of_position_create(
    korea_case, odd_world, case
):
    bad = _row(korea_case, **BAD_ROWS[case](korea_case, odd_world))
    before = list(Position.objects.values())
    with pytest.raises(ValidationError) as one_by_one:
        position_create(**bad)

    errors = _errors([_row(korea_case, proposal=korea_case.phased), bad])

    assert errors == {1: error_dict(one_by_one.value)}
    assert list(Position.objects.values()) == before


def test_it_refuses_the_second_of_two_identical_rows(korea_case):
    rows = [
        _row(korea_case),
        _row(korea_case, stance=-2),
        _row(korea_case, actor=korea_case.us, speaker=korea_case.pompeo),
        # The same again, the side taken from Pompeo's affiliation.
        _row(korea_case, actor=None, speaker=korea_case.pompeo),
    ]

    errors = _errors(rows)

    assert errors == {
        1: {
            "non_field_errors": [
                "This article already has this position: same side, proposal and "
                "date, with no speaker."
            ]
        },
        3: {
            "non_field_errors": [
                "This article already has this position: same side, proposal, "
                "speaker and date."
            ]
        },
    }
    assert Position.objects.count() == 4


def test_it_does_not_count_a_refused_row_as_taken(korea_case):
    bad = _row(korea_case, speaker=korea_case.us)

    errors = _errors([bad, bad])

    # Both refused for their speaker; neither is a duplicate of the other,
    # since the first one would not have been saved.
    assert list(errors) == [0, 1]
    assert errors[0] == errors[1]
    assert list(errors[1]) == ["speaker"]


def test_it_saves_every_row_with_its_created_history(korea_case, analyst):
    rows = [
        _row(korea_case),
        _row(korea_case, actor=None, speaker=korea_case.pompeo, quote="q"),
        _row(korea_case, actor=korea_case.dprk, proposal=korea_case.road_map),
    ]

    created = positions_bulk_create(rows=rows, recorded_by=analyst)

    saved = Position.objects.filter(pk__in=[p.pk for p in created]).order_by("id")
    assert [(p.actor, p.speaker, p.quote, p.recorded_by) for p in saved] == [
        (korea_case.rok, None, "", analyst),
        (korea_case.us, korea_case.pompeo, "q", analyst),
        (korea_case.dprk, None, "", analyst),
    ]
    history = Position.history.filter(id__in=[p.pk for p in created])
    assert sorted((h.id, h.history_type, h.history_user) for h in history) == [
        (p.pk, "+", analyst) for p in created
    ]
    assert history.get(id=created[1].pk).quote == "q"


def test_it_records_history_without_a_user(korea_case):
    [created] = positions_bulk_create(rows=[_row(korea_case)])

    [record] = Position.history.filter(id=created.pk)
    assert (record.history_type, record.history_user, created.recorded_by) == (
        "+",
        None,
        None,
    )


def test_it_keeps_nothing_and_no_history_when_one_row_is_bad(korea_case):
    history_before = Position.history.count()

    _errors([_row(korea_case), _row(korea_case, stance=3)])

    assert Position.objects.count() == 4
    assert Position.history.count() == history_before


def test_it_refuses_unknown_fields(korea_case):
    with pytest.raises(TypeError, match="colour"):
        positions_bulk_create(rows=[_row(korea_case, colour="red")])


def _many_rows(korea_case, count: int) -> list[dict]:
    articles = ArticleFactory.create_batch(count // 10 + 1)
    sides = [korea_case.us, korea_case.dprk, korea_case.rok]
    proposals = [korea_case.big_deal, korea_case.phased, korea_case.road_map]
    rows = []
    for article in articles:
        for side in sides:
            for proposal in proposals:
                rows.append(_row(korea_case, actor=side, proposal=proposal))
                rows[-1]["article"] = article
        rows.append(
            _row(korea_case, actor=None, speaker=korea_case.pompeo, article=article)
        )
    return rows[:count]


@pytest.mark.parametrize("count", [20, 400])
def test_it_reads_the_database_a_fixed_number_of_times(
    korea_case, analyst, count, django_assert_max_num_queries
):
    rows = _many_rows(korea_case, count)

    with django_assert_max_num_queries(BULK_CREATE_QUERIES):
        positions_bulk_create(rows=rows, recorded_by=analyst)

    assert Position.objects.count() == 4 + count
    assert Position.history.count() == 4 + count


def test_it_reads_as_often_for_many_rows_as_for_few(korea_case):
    counts = []
    for size in (20, 400):
        rows = _many_rows(korea_case, size)
        with CaptureQueriesContext(connection) as queries:
            positions_bulk_create(rows=rows)
        counts.append(len(queries))

    assert counts[0] == counts[1]


def _full_clean_error(obj) -> dict | None:
    try:
        obj.full_clean()
    except ValidationError as error:
        return error_dict(error)
    return None


def test_its_checker_gives_the_errors_of_full_clean(korea_case, odd_world):
    def objects():
        return [
            Position(**_row(korea_case, **BAD_ROWS[case](korea_case, odd_world)))
            for case in BAD_ROWS
        ] + [
            Position(**_row(korea_case)),
            Position(**_row(korea_case), recorded_by_id=987654),
            Position(**_row(korea_case), recorded_by_id="not a number"),
        ]

    expected = {
        index: error
        for index, obj in enumerate(objects())
        if (error := _full_clean_error(obj)) is not None
    }

    errors = full_clean_each(objects(), between=False)

    assert {index: error_dict(error) for index, error in errors.items()} == expected
    assert expected[len(BAD_ROWS) + 1] == {
        "recorded_by": ["user instance with id 987654 is not a valid choice."]
    }
    assert len(BAD_ROWS) not in expected


def _article(url, **fields):
    return Article(
        **{"url": url, "title": "New", "outlet": "X", "published_on": D(2019, 3, 28)}
        | fields
    )


def test_its_checker_checks_unique_fields_against_stored_and_earlier_ones(
    korea_case,
):
    user = UserFactory()

    def drafts():
        return [
            # The Herald's address once normalised.
            _article(f"{korea_case.herald.url}&utm_source=feed"),
            _article("javascript:alert(1)", title=""),
            _article("https://example.org/new", added_by=user),
            # The one before, once normalised.
            _article("https://EXAMPLE.org/new#top"),
        ]

    one_by_one = {
        index: error
        for index, draft in enumerate(drafts())
        if (error := _full_clean_error(draft)) is not None
    }

    errors = full_clean_each(drafts())

    assert sorted(one_by_one) == [0, 1]
    # A stored article is named; one earlier in the batch has no page yet.
    [message] = one_by_one[0]["url"]
    assert message.startswith("This article is already recorded, as “")
    assert {index: error_dict(error) for index, error in errors.items()} == {
        **one_by_one,
        3: {"url": [DUPLICATE_ADDRESS]},
    }
    assert sorted(full_clean_each(drafts(), between=False)) == [0, 1]


def test_its_checker_refuses_saved_objects(korea_case):
    with pytest.raises(ValueError, match="new objects"):
        full_clean_each([korea_case.us_big_deal])
