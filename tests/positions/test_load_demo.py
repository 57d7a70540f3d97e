import datetime
from io import StringIO
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db.models import Count, Max, Min

from actors.models import Actor, Affiliation
from positions.devdata.demo import legacy
from positions.devdata.demo.loader import ARTICLES, POSITIONS
from positions.models import Article, Event, Negotiation, Position, Proposal
from positions.services import position_delete, position_update
from tests.factories import UserFactory
from tests.positions.demo_v1 import load_first_demo
from tests.snapshot import Snapshot

D = datetime.date
DEMO_DIR = Path(__file__).resolve().parents[2] / "positions/devdata/demo"
HERALD_TEXT = (DEMO_DIR / "korea-herald-2019-03-28-phased-denuke.txt").read_text(
    encoding="utf-8"
)
FACTS = "\n".join(
    (DEMO_DIR / name).read_text(encoding="utf-8")
    for name in ("korea-2018-2019-facts.md", "korea-2018-2019-more-facts.md")
)
# The seed file holds the article's text, not its address: the address is
# that of the stored copy of the page, as the first demo had it.
SEED_URL = "https://www.koreaherald.com/view.php?ud=20190328000716"
DEMO_MODELS = (Actor, Affiliation, Negotiation, Proposal, Article, Event, Position)
COUNTS = {
    "Actor": 21,
    "Affiliation": 19,
    "Negotiation": 1,
    "Proposal": 7,
    "Article": 81,
    "Event": 28,
    "Position": 78,
}


def load_demo():
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue().strip()


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


def recorded_positions():
    """Each position as the data modules describe it, read from the database."""
    return sorted(
        (
            p.article.url_key,
            p.actor.slug,
            p.speaker.slug if p.speaker else "",
            p.proposal.slug,
            p.stated_on,
            p.stance,
            p.attribution,
            p.quote,
            p.condition,
            p.event.slug if p.event else "",
        )
        for p in Position.objects.select_related(
            "article", "actor", "speaker", "proposal", "event"
        )
    )


def described_positions():
    url_key = {
        spec["key"]: Article.objects.by_url(spec["url"]).get().url_key
        for spec in ARTICLES
    }
    return sorted(
        (
            url_key[spec["article"]],
            spec["actor"],
            spec.get("speaker", ""),
            spec["proposal"],
            spec["stated_on"],
            spec["stance"],
            spec["attribution"],
            spec.get("quote", ""),
            spec.get("condition", ""),
            spec.get("event", ""),
        )
        for spec in POSITIONS
    )


@pytest.fixture(scope="session")
def demo_snapshot(django_db_setup, django_db_blocker):
    """The demo world built once per test process (see tests/snapshot.py)."""
    with django_db_blocker.unblock():
        return Snapshot(lambda: SimpleNamespace(message=load_demo()))


@pytest.fixture
def demo(db, demo_snapshot):
    """What ``load_demo`` said, its world copied in from the snapshot."""
    return demo_snapshot.restore().message


def test_it_creates_the_demo_world(demo):
    assert demo == (
        "Demo data loaded: 21 actors, 19 affiliations, 81 articles, 29 event sources, "
        "28 events, 1 negotiations, 3 participants, 78 positions, 7 proposals."
    )
    assert counts() == COUNTS
    assert recorded_positions() == described_positions()


def test_it_covers_enough_sources_and_time(demo):
    cited = Article.objects.filter(positions__isnull=False).distinct()
    span = Position.objects.aggregate(first=Min("stated_on"), last=Max("stated_on"))

    assert Position.objects.count() >= 50
    assert cited.count() >= 20
    assert cited.values("outlet").distinct().count() >= 8
    assert span == {"first": D(2018, 3, 28), "last": D(2019, 12, 31)}


def test_it_sets_up_the_negotiation_with_its_three_sides(demo):
    talks = Negotiation.objects.get()

    assert talks.slug == "korea-denuclearization-2018-2019"
    assert sorted(talks.participants.values_list("slug", flat=True)) == [
        "north-korea",
        "south-korea",
        "united-states",
    ]
    assert sorted(talks.proposals.values_list("slug", flat=True)) == [
        "big-deal",
        "end-of-war-declaration",
        "libya-model",
        "phased-deal",
        "road-map",
        "sanctions-relief",
        "yongbyon-dismantlement",
    ]
    assert not Position.objects.filter(actor__kind="person").exists()


def test_the_hanoi_summit_is_an_event_with_its_positions(demo):
    hanoi = Event.objects.get(slug="hanoi-summit")

    assert (hanoi.kind, hanoi.starts_on, hanoi.ends_on) == (
        "summit",
        D(2019, 2, 27),
        D(2019, 2, 28),
    )
    assert "Hanoi" in hanoi.place
    assert sorted(hanoi.articles.values_list("outlet", flat=True)) == [
        "Euronews",
        "VOA News",
    ]
    assert sorted(
        hanoi.positions.values_list("speaker__slug", "proposal__slug", "stance")
    ) == [
        ("donald-trump", "sanctions-relief", -2),
        ("donald-trump", "yongbyon-dismantlement", -1),
        ("mike-pompeo", "yongbyon-dismantlement", -1),
    ]
    aftermath = Event.objects.get(slug="ri-choe-hanoi-press-conference")
    assert aftermath.positions.filter(stated_on=D(2019, 3, 1)).count() == 4


def test_every_event_is_sourced_and_every_position_fits_its_event(demo):
    assert not Event.objects.filter(articles__isnull=True).exists()
    for position in Position.objects.filter(event__isnull=False).select_related(
        "event"
    ):
        event = position.event
        assert event.starts_on <= position.stated_on <= event.last_day, position


def test_it_has_a_disputed_day(demo):
    disputed = (
        Position.objects.values("actor__slug", "proposal__slug", "stated_on")
        .annotate(low=Min("stance"), high=Max("stance"), n=Count("id"))
        .filter(n__gt=1)
    )
    disputed = {
        (row["actor__slug"], row["proposal__slug"], row["stated_on"])
        for row in disputed
        if row["low"] != row["high"]
    }

    # Trump at the DMZ: a hint of relief (The Korea Herald), sanctions still in
    # place (Yonhap's characterisation).
    assert ("united-states", "sanctions-relief", D(2019, 6, 30)) in disputed


def test_every_address_is_as_the_facts_files_give_it(demo):
    for url in Article.objects.values_list("url", flat=True):
        assert url == SEED_URL or url in FACTS, url


def test_the_feed_version_of_a_story_is_the_same_article(demo):
    main = "https://www.nydailynews.com/news/politics/ny-news-trump-kim-talks-break-down-20190228-story.html"
    feed = main + (
        "?utm_source=feedburner&utm_medium=feed&utm_campaign=Feed%3A+NydnRss+"
        "%28Top+Stories+-+NY+Daily+News%29"
    )

    article = Article.objects.by_url(feed).get()

    assert article.url == main
    assert sorted(article.positions.values_list("speaker__slug", flat=True)) == [
        "choe-son-hui",
        "ri-yong-ho",
    ]


def test_every_quote_is_verbatim_from_the_sources(demo):
    quotes = Position.objects.exclude(quote="").values_list("quote", flat=True)

    assert quotes.count() >= 60
    for quote in quotes:
        assert quote in FACTS or quote in HERALD_TEXT, quote


def test_only_the_seed_article_has_a_body_and_its_quotes_check(demo):
    herald = Article.objects.by_url(SEED_URL).get()

    assert herald.body == HERALD_TEXT
    assert list(Article.objects.exclude(body="")) == [herald]
    assert set(
        herald.positions.exclude(quote="").values_list("quote_check", flat=True)
    ) == {"verbatim"}


def test_an_undated_page_takes_the_event_date_and_says_so(demo):
    page = Article.objects.by_url(
        "https://washingtonexclusive.com/articles/trump-rebuts-bolton-says-libya-isn-t-a-model-for-kim-talks"
    ).get()

    assert page.published_on == D(2018, 5, 17)
    assert "Date not printed; event date used." in page.summary


def test_it_records_how_each_stance_is_known(demo):
    by_attribution = dict(
        Position.objects.values_list("attribution").annotate(n=Count("id"))
    )
    relayed = Position.objects.get(attribution="ally")
    described = Position.objects.filter(attribution="other_side")

    assert set(by_attribution) == {
        "stated",
        "reported",
        "other_side",
        "ally",
        "analyst",
    }
    assert (relayed.actor.slug, relayed.speaker.slug) == ("north-korea", "moon-jae-in")
    assert set(described.values_list("actor__slug", "speaker__slug")) == {
        ("north-korea", "stephen-biegun")
    }
    assert not Position.objects.filter(attribution="stated", speaker=None).exists()
    conditional = Position.objects.conditional()
    assert conditional.count() >= 20
    assert conditional.filter(condition_proposal__slug="sanctions-relief").exists()


def test_affiliations_follow_the_roles(demo):
    bolton = Affiliation.objects.get(person__slug="john-bolton")
    choe = Affiliation.objects.filter(person__slug="choe-son-hui").order_by(
        "start_date"
    )

    assert (bolton.start_date, bolton.end_date) == (D(2018, 4, 9), D(2019, 9, 10))
    assert list(choe.values_list("role", "start_date")) == [
        ("Vice Foreign Minister", D(2019, 3, 1)),
        ("First Vice Foreign Minister", D(2019, 9, 9)),
    ]
    assert "Choe Son-hui" in Actor.objects.get(slug="choe-son-hui").aliases
    assert "Nyongbyon" in Proposal.objects.get(slug="yongbyon-dismantlement").summary


def test_it_records_each_position_in_history(demo):
    assert history_counts()["HistoricalPosition"] == 78
    assert set(Position.history.values_list("history_type", flat=True)) == {"+"}


def test_it_changes_nothing_when_run_again(demo):
    before, history_before, rows_before = counts(), history_counts(), snapshot()

    assert load_demo() == "Demo data already loaded; nothing changed."
    assert counts() == before
    assert history_counts() == history_before
    assert snapshot() == rows_before


def test_it_creates_only_what_is_missing(demo):
    kim = Position.objects.get(
        speaker__slug="kim-jong-un",
        stated_on=D(2019, 4, 12),
        article__outlet="Khabarhub",
    )
    position_delete(position_id=kim.pk)

    assert load_demo() == "Demo data loaded: 1 positions."
    assert Position.objects.count() == 78
    assert (
        Position.objects.filter(
            speaker__slug="kim-jong-un", stated_on=D(2019, 4, 12), stance=-1
        ).count()
        == 2
    )


def test_it_brings_a_changed_demo_position_back(demo):
    trump = Position.objects.get(
        speaker__slug="donald-trump", stated_on=D(2019, 2, 28), stance=-2
    )
    position_update(
        position_id=trump.pk, expected_version=trump.version, changes={"stance": 0}
    )

    assert load_demo() == "Demo data loaded: 1 positions updated."
    assert Position.objects.get(pk=trump.pk).stance == -2


def test_it_keeps_a_demo_position_that_a_person_edited(demo):
    editor = UserFactory()
    trump = Position.objects.get(
        speaker__slug="donald-trump", stated_on=D(2019, 2, 28), stance=-2
    )
    position_update(
        position_id=trump.pk,
        expected_version=trump.version,
        changes={"stance": 0, "note": "Recoded after reading the transcript."},
        by=editor,
    )

    assert load_demo() == "Demo data loaded: 1 positions kept as edited."
    kept = Position.objects.get(pk=trump.pk)
    assert (kept.stance, kept.note) == (0, "Recoded after reading the transcript.")


def test_it_updates_a_database_the_first_demo_loaded(db):
    load_first_demo()
    herald = Article.objects.by_url(SEED_URL).get()
    kept = set(
        Position.objects.exclude(
            article__url_key__in=[
                Article.objects.by_url(url).get().url_key for url in legacy.RETIRED
            ]
        ).values_list("pk", flat=True)
    )
    assert len(kept) == 6

    output = load_demo()

    assert "7 positions retired" in output
    assert "5 articles retired" in output
    assert counts() == COUNTS
    assert recorded_positions() == described_positions()
    # Nothing twice: one row per address, actor slug and position identity.
    assert not Article.objects.values("url_key").annotate(n=Count("id")).filter(n__gt=1)
    assert (
        Position.objects.values("actor", "proposal", "article", "speaker", "stated_on")
        .distinct()
        .count()
        == COUNTS["Position"]
    )
    # What the first demo had and the new one keeps is the same rows, updated.
    assert Article.objects.by_url(SEED_URL).get().pk == herald.pk
    assert kept <= set(Position.objects.values_list("pk", flat=True))
    usa_today = Article.objects.get(outlet="USA Today")
    assert (usa_today.title, usa_today.authors) == (
        "Report on the Pyongyang inter-Korean summit and Pyongyang Joint "
        "Declaration (USA Today)",
        "",
    )
    assert Affiliation.objects.get(
        person__slug="choe-son-hui", role="Vice Foreign Minister"
    ).start_date == D(2019, 3, 1)
    for url in legacy.RETIRED:
        assert not Article.objects.by_url(url).exists()
    assert load_demo() == "Demo data already loaded; nothing changed."
