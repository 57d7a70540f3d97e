"""Load the benchmark harness's dataset (``shared/bench/gen_data.py``) into our
schema with the same ids, so our API and the harness's Datasette and floor
servers answer from identical rows.

The harness's tables are simpler than ours, so a few things are decided here:

- Actor kinds map onto ours (party → group; ngo, industry, institution →
  organization); names stay, with the slug appended where two are equal,
  because our names are unique.
- The 300 proposals are dealt round-robin into ten negotiations ("anchor-01"
  … "anchor-10"), as a tracker of that size would hold them; slugs are the
  harness's codes in lower case ("p0012").
- Confidence 0..1 becomes low (< ⅓), medium (< ⅔) or high.
- About 18,000 positions repeat an (actor, proposal, article, date) of another
  position with another quote. Our rule refuses exact duplicates, so the k-th
  repeat (by id) is given a speaker: the actor's spokesperson k, a person
  affiliated with it for the whole period. No row, id, stance, date or quote
  is dropped or changed.

Rows travel from the harness database to ours with COPY and no Python per
row; history gets one "created" row per article and position, as
``positions.devdata.synthetic`` does.
"""

import datetime
import tempfile

import psycopg2
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone

from actors.models import Actor, Affiliation
from positions.devdata.synthetic import record_history
from positions.models import Article, Negotiation, Position, Proposal

NEGOTIATIONS = 10
# Persons get ids above any harness actor's, so that speaker ids can be
# computed in SQL: SPEAKER_BASE + (actor - 1) * MAX_REPEATS + repeat.
SPEAKER_BASE = 100_000
MAX_REPEATS = 9
PERIOD_START = datetime.date(1990, 1, 1)
KINDS = {
    "state": Actor.Kind.STATE,
    "party": Actor.Kind.GROUP,
    "ngo": Actor.Kind.ORGANIZATION,
    "industry": Actor.Kind.ORGANIZATION,
    "institution": Actor.Kind.ORGANIZATION,
}


def negotiation_slug(proposal_id: int) -> str:
    return _negotiation_slug((proposal_id - 1) % NEGOTIATIONS + 1)


def _negotiation_slug(number: int) -> str:
    return f"anchor-{number:02d}"


@transaction.atomic
def load(dsn: str) -> dict:
    """Copy the harness database at ``dsn`` into ours; returns row counts."""
    if connection.vendor != "postgresql":
        raise ValueError("The harness dataset loads into PostgreSQL only.")
    if Position.objects.exists() or Actor.objects.exists():
        raise ValueError(
            "This database already holds actors or positions; the harness's ids "
            "would collide. Load it into an empty, migrated database."
        )
    source = psycopg2.connect(dsn)
    try:
        with source.cursor() as cursor:
            counts = _load(cursor)
    finally:
        source.close()
    _reset_sequences()
    return counts


def _load(source) -> dict:
    now = timezone.now()
    source.execute("SELECT id, slug, name, kind FROM actors ORDER BY id")
    actors = source.fetchall()
    names_seen: set[str] = set()
    for actor_id, slug, name, kind in actors:
        unique_name = name if name not in names_seen else f"{name} ({slug})"
        names_seen.add(unique_name)
        Actor.objects.create(
            id=actor_id, slug=slug, name=unique_name, kind=KINDS.get(kind, "group")
        )
    negotiations = {}
    for index in range(1, NEGOTIATIONS + 1):
        negotiation = Negotiation.objects.create(
            slug=_negotiation_slug(index),
            title=f"Benchmark negotiation {index}",
            description="The benchmark harness's dataset (shared/bench/gen_data.py).",
        )
        negotiation.participants.set([actor_id for actor_id, *_ in actors])
        negotiations[negotiation.slug] = negotiation
    source.execute("SELECT id, code, title, introduced_on FROM proposals ORDER BY id")
    for proposal_id, code, title, introduced_on in source.fetchall():
        Proposal.objects.create(
            id=proposal_id,
            slug=code.lower(),
            title=title,
            negotiation=negotiations[negotiation_slug(proposal_id)],
            first_put_forward_on=introduced_on,
        )
    speakers = _create_speakers(source, now)
    _copy(
        source,
        source.mogrify(
            "SELECT id, url, url, title, outlet, '', published_on, 'en', '', '', "
            "%(now)s, %(now)s FROM articles",
            {"now": now},
        ).decode(),
        Article,
        "id, url, url_key, title, outlet, authors, published_on, language, summary, body, "
        "created_at, updated_at",
    )
    _copy(
        source,
        # The k-th repeat of an (actor, proposal, article) gets spokesperson k.
        source.mogrify(
            """SELECT id, actor_id, proposal_id, article_id,
                   CASE WHEN repeat = 0 THEN NULL
                        ELSE %(base)s + (actor_id - 1) * %(repeats)s + repeat END,
                   stance, observed_on, quote, '',
                   CASE WHEN confidence < 1.0 / 3 THEN 1
                        WHEN confidence < 2.0 / 3 THEN 2 ELSE 3 END,
                   1, %(now)s, %(now)s,
                   -- Each speaker is one of the side's spokespeople; the
                   -- articles carry no text to check quotes against.
                   CASE WHEN repeat = 0 THEN 'reported' ELSE 'stated' END,
                   'no_text', '', '', ''
            FROM (SELECT positions.*, ROW_NUMBER() OVER (
                      PARTITION BY actor_id, proposal_id, article_id ORDER BY id) - 1
                      AS repeat
                  FROM positions) numbered""",
            {"base": SPEAKER_BASE, "repeats": MAX_REPEATS, "now": now},
        ).decode(),
        Position,
        "id, actor_id, proposal_id, article_id, speaker_id, stance, stated_on, "
        "quote, note, confidence, version, created_at, updated_at, attribution, "
        "quote_check, condition, quote_original, quote_language",
    )
    record_history(Article, 1, now)
    record_history(Position, 1, now)
    with connection.cursor() as cursor:
        cursor.execute(
            f"ANALYZE {Position._meta.db_table}, {Article._meta.db_table}"  # noqa: S608
        )
    return {
        "actors": len(actors),
        "spokespersons": speakers,
        "negotiations": NEGOTIATIONS,
        "proposals": Proposal.objects.count(),
        "articles": Article.objects.count(),
        "positions": Position.objects.count(),
    }


def _create_speakers(source, now) -> int:
    source.execute(
        """SELECT actor_id, MAX(repeat) FROM (
               SELECT actor_id, ROW_NUMBER() OVER (
                   PARTITION BY actor_id, proposal_id, article_id ORDER BY id) - 1
                   AS repeat
               FROM positions) numbered
           WHERE repeat > 0 GROUP BY actor_id ORDER BY actor_id"""
    )
    created = 0
    for actor_id, repeats in source.fetchall():
        if repeats > MAX_REPEATS:
            raise ValueError(
                f"Actor {actor_id} has {repeats + 1} positions from one article on "
                f"one proposal; at most {MAX_REPEATS + 1} are supported."
            )
        side = Actor.objects.get(pk=actor_id)
        for repeat in range(1, repeats + 1):
            person = Actor.objects.create(
                id=SPEAKER_BASE + (actor_id - 1) * MAX_REPEATS + repeat,
                slug=f"{side.slug}-spokesperson-{repeat}",
                name=f"Spokesperson {repeat} of {side.name}",
                kind=Actor.Kind.PERSON,
            )
            Affiliation.objects.create(
                person=person,
                organization=side,
                role="Spokesperson",
                start_date=PERIOD_START,
            )
            created += 1
    return created


def _copy(source, select: str, model, columns: str) -> None:
    # A temporary file instead of memory: the positions are ~250 MB of text.
    with tempfile.TemporaryFile() as spool, connection.cursor() as target:
        source.copy_expert(f"COPY ({select}) TO STDOUT", spool)
        spool.seek(0)
        target.cursor.copy_expert(
            f"COPY {model._meta.db_table} ({columns}) FROM STDIN", spool
        )


def _reset_sequences() -> None:
    models = [Actor, Affiliation, Negotiation, Proposal, Article, Position]
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(statement)
