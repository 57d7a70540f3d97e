"""load_anchor copies the benchmark harness's tables into ours with the same
ids, so both sides of the benchmark serve identical rows. A small database in
the harness's schema stands in for its generator's output."""

import datetime

import psycopg2
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from actors.models import Actor
from positions.devdata.bench_dataset import negotiation_slug
from positions.models import Article, Confidence, Position, Proposal
from positions.services import position_create

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the harness's data lives in PostgreSQL"
)

D = datetime.date
HARNESS_SCHEMA = """
CREATE TABLE actors (id INTEGER PRIMARY KEY, slug TEXT NOT NULL UNIQUE, name TEXT NOT NULL, kind TEXT NOT NULL);
CREATE TABLE proposals (id INTEGER PRIMARY KEY, code TEXT NOT NULL UNIQUE, title TEXT NOT NULL, introduced_on DATE NOT NULL);
CREATE TABLE articles (id INTEGER PRIMARY KEY, url TEXT NOT NULL UNIQUE, title TEXT NOT NULL, outlet TEXT NOT NULL,
                       published_on DATE NOT NULL);
CREATE TABLE positions (id BIGINT PRIMARY KEY, actor_id INTEGER NOT NULL, proposal_id INTEGER NOT NULL,
                        article_id INTEGER NOT NULL, stance SMALLINT NOT NULL, observed_on DATE NOT NULL,
                        quote TEXT NOT NULL, confidence REAL NOT NULL);
INSERT INTO actors VALUES (1, 'actor-1', 'Council Vote', 'state'), (2, 'actor-2', 'Council Vote', 'ngo'),
                          (3, 'actor-3', 'Tariff Quota', 'party');
INSERT INTO proposals VALUES (1, 'P0001', 'Phased reform', '2001-02-03'), (12, 'P0012', 'Big deal', '2010-05-06');
INSERT INTO articles VALUES (7, 'https://news.example/7', 'Talks resume', 'Reuters', '2019-02-28'),
                            (9, 'https://news.example/9', 'Talks fail', 'AFP', '2019-03-01');
-- 11, 12 and 13 are one actor on one proposal in one article: two repeats.
INSERT INTO positions VALUES
  (11, 1, 12, 7, 2, '2019-02-28', '"first"', 0.9),
  (12, 1, 12, 7, -1, '2019-02-28', '"second"', 0.5),
  (13, 1, 12, 7, 0, '2019-02-28', '"third"', 0.1),
  (20, 2, 1, 9, -2, '2019-03-01', '"no"', 0.0),
  (21, 3, 12, 9, 1, '2019-03-01', '"maybe"', 0.66);
"""


@pytest.fixture
def harness_dsn(db):
    name = f"{connection.settings_dict['NAME']}_harness"
    admin = psycopg2.connect(
        dbname="postgres",
        host=connection.settings_dict["HOST"] or None,
        port=connection.settings_dict["PORT"] or None,
        user=connection.settings_dict["USER"] or None,
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    dsn = " ".join(
        f"{key}={value}"
        for key, value in {
            "dbname": name,
            "host": connection.settings_dict["HOST"],
            "port": connection.settings_dict["PORT"],
            "user": connection.settings_dict["USER"],
        }.items()
        if value
    )
    source = psycopg2.connect(dsn)
    with source, source.cursor() as cursor:
        cursor.execute(HARNESS_SCHEMA)
    source.close()
    yield dsn
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


def test_every_row_keeps_its_id_and_content(harness_dsn):
    call_command("load_anchor", dsn=harness_dsn, verbosity=0)

    assert list(Position.objects.order_by("id").values_list("id", flat=True)) == [
        11,
        12,
        13,
        20,
        21,
    ]
    first = Position.objects.get(pk=11)
    assert (first.actor.slug, first.proposal.slug, first.article_id) == (
        "actor-1",
        "p0012",
        7,
    )
    assert (first.stance, first.stated_on, first.quote) == (
        2,
        D(2019, 2, 28),
        '"first"',
    )
    assert Article.objects.get(pk=9).url == "https://news.example/9"
    assert Proposal.objects.get(slug="p0012").negotiation.slug == negotiation_slug(12)


def test_repeats_get_the_sides_spokespersons_so_no_row_is_dropped(harness_dsn):
    call_command("load_anchor", dsn=harness_dsn, verbosity=0)

    speakers = dict(
        Position.objects.filter(pk__in=[11, 12, 13]).values_list("id", "speaker__slug")
    )
    assert speakers == {
        11: None,
        12: "actor-1-spokesperson-1",
        13: "actor-1-spokesperson-2",
    }
    spokesperson = Actor.objects.get(slug="actor-1-spokesperson-2")
    assert spokesperson.kind == Actor.Kind.PERSON
    assert spokesperson.affiliations.get().organization.slug == "actor-1"


def test_kinds_names_and_confidence_map_onto_ours(harness_dsn):
    call_command("load_anchor", dsn=harness_dsn, verbosity=0)

    assert dict(Actor.objects.sides().values_list("slug", "kind")) == {
        "actor-1": "state",
        "actor-2": "organization",
        "actor-3": "group",
    }
    # Names are unique in our schema: the second "Council Vote" is told apart.
    assert Actor.objects.get(slug="actor-2").name == "Council Vote (actor-2)"
    assert dict(Position.objects.values_list("id", "confidence")) == {
        11: Confidence.HIGH,
        12: Confidence.MEDIUM,
        13: Confidence.LOW,
        20: Confidence.LOW,
        21: Confidence.MEDIUM,
    }


def test_history_holds_every_loaded_position_and_new_ids_follow_on(harness_dsn):
    call_command("load_anchor", dsn=harness_dsn, verbosity=0)

    assert Position.history.filter(history_type="+").count() == 5
    added = position_create(
        actor=Actor.objects.get(slug="actor-3"),
        proposal=Proposal.objects.get(slug="p0001"),
        article=Article.objects.get(pk=9),
        stance=0,
        stated_on=D(2019, 3, 1),
    )
    assert added.pk > 21


def test_it_refuses_a_database_that_already_holds_data(harness_dsn, korea_case):
    with pytest.raises(CommandError, match="already holds"):
        call_command("load_anchor", dsn=harness_dsn, verbosity=0)

    assert not Position.objects.filter(pk=11).exists()
