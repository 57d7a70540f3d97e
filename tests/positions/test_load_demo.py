import datetime
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command

from actors.models import Actor, Affiliation
from positions.models import Article, Negotiation, Position, Proposal
from positions.services import position_delete

D = datetime.date
DEMO_MODELS = (Actor, Affiliation, Negotiation, Proposal, Article, Position)
HERALD_TEXT = (
    Path(__file__).resolve().parents[2]
    / "positions/devdata/demo/korea-herald-2019-03-28-phased-denuke.txt"
)


def load_demo():
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def counts():
    return {model.__name__: model.objects.count() for model in DEMO_MODELS}


def history_counts():
    return {
        model.__name__: model.objects.count()
        for model in apps.get_models()
        if model.__name__.startswith("Historical")
    }


def snapshot():
    return {
        model.__name__: list(model.objects.order_by("pk").values())
        for model in DEMO_MODELS
    }


@pytest.fixture
def demo(db):
    return load_demo()


def test_it_creates_the_demo_world(demo):
    assert demo.strip() == (
        "Demo data loaded: 15 actors, 11 affiliations, 7 articles, 1 negotiations, "
        "13 positions, 4 proposals."
    )
    assert counts() == {
        "Actor": 15,
        "Affiliation": 11,
        "Negotiation": 1,
        "Proposal": 4,
        "Article": 7,
        "Position": 13,
    }
    assert Actor.objects.filter(kind="person").count() == 11
    assert sorted(Actor.objects.exclude(kind="person").values_list("slug", "kind")) == [
        ("north-korea", "state"),
        ("sejong-institute", "organization"),
        ("south-korea", "state"),
        ("united-states", "state"),
    ]


def test_it_sets_up_the_negotiation_with_its_three_sides(demo):
    talks = Negotiation.objects.get()

    assert talks.slug == "korea-denuclearization-2018-2019"
    assert sorted(talks.participants.values_list("slug", flat=True)) == [
        "north-korea",
        "south-korea",
        "united-states",
    ]
    assert sorted(talks.proposals.values_list("slug", "originated_by__slug")) == [
        ("big-deal", "united-states"),
        ("libya-model", "united-states"),
        ("phased-deal", "north-korea"),
        ("road-map", "south-korea"),
    ]


def test_it_records_north_koreas_big_deal_positions_and_their_moves(demo):
    timeline = Position.objects.filter(
        actor__slug="north-korea", proposal__slug="big-deal"
    ).in_timeline_order()

    assert [
        (p.stated_on, p.stance, p.speaker.slug, p.article.outlet) for p in timeline
    ] == [
        (D(2018, 5, 16), -2, "kim-kye-gwan", "Bloomberg"),
        (D(2018, 6, 12), 0, "kim-jong-un", "The Straits Times"),
        (D(2019, 3, 15), -2, "choe-son-hui", "Los Angeles Times"),
        (D(2019, 3, 15), -2, "choe-son-hui", "The Korea Herald"),
        (D(2019, 4, 12), -2, "kim-jong-un", "NK News"),
    ]
    # Rejects, softens to neutral at Singapore, rejects again after Hanoi.
    stances = [p.stance for p in timeline]
    moves = [b for a, b in zip(stances, stances[1:], strict=False) if a != b]
    assert moves == [0, -2]


def test_it_takes_each_side_from_the_speakers_role_that_day(demo):
    sides = dict(
        Position.objects.filter(speaker__isnull=False).values_list(
            "speaker__slug", "actor__slug"
        )
    )

    assert sides == {
        "kim-kye-gwan": "north-korea",
        "donald-trump": "united-states",
        "kim-jong-un": "north-korea",
        "moon-jae-in": "south-korea",
        "choe-son-hui": "north-korea",
        "lee-do-hoon": "south-korea",
    }
    assert not Position.objects.filter(actor__kind="person").exists()


def test_it_records_the_seed_articles_positions(demo):
    herald = Article.objects.by_url(
        "https://www.koreaherald.com/view.php?ud=20190328000716"
    ).get()

    assert herald.body == HERALD_TEXT.read_text(encoding="utf-8")
    assert sorted(
        herald.positions.values_list(
            "actor__slug", "proposal__slug", "stance", "stated_on"
        )
    ) == [
        ("north-korea", "big-deal", -2, D(2019, 3, 15)),
        ("north-korea", "phased-deal", 2, D(2019, 3, 28)),
        ("south-korea", "road-map", 2, D(2019, 3, 28)),
        ("united-states", "big-deal", 2, D(2019, 3, 28)),
    ]


def test_it_records_each_position_in_history(demo):
    assert history_counts()["HistoricalPosition"] == 13
    assert set(Position.history.values_list("history_type", flat=True)) == {"+"}


def test_it_changes_nothing_when_run_again(demo):
    before, history_before, rows_before = counts(), history_counts(), snapshot()

    output = load_demo()

    assert output.strip() == "Demo data already loaded; nothing changed."
    assert counts() == before
    assert history_counts() == history_before
    assert snapshot() == rows_before


def test_it_creates_only_what_is_missing(demo):
    kim_in_april = Position.objects.get(
        speaker__slug="kim-jong-un", stated_on=D(2019, 4, 12)
    )
    position_delete(position_id=kim_in_april.pk)
    history_before = history_counts()

    output = load_demo()

    assert output.strip() == "Demo data loaded: 1 positions."
    assert Position.objects.count() == 13
    assert Position.objects.filter(
        speaker__slug="kim-jong-un", stated_on=D(2019, 4, 12), stance=-2
    ).exists()
    assert history_counts() == {
        **history_before,
        "HistoricalPosition": history_before["HistoricalPosition"] + 1,
    }
