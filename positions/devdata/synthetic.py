"""A deterministic synthetic world for load tests and benchmarks.

``generate(...)`` yields plain rows (no ORM objects: a million positions must
load in minutes); ``load(...)`` writes them with PostgreSQL's COPY, or batched
inserts on SQLite, and records a "created" history row for every position
and article in one INSERT … SELECT, so synthetic data is tracked like any
other. Actors and proposals are Zipf-skewed (a few dominate, as in real
coverage), articles lean towards recent years, a position is stated on its
article's date or up to two days before, and stances drift around a base per
(actor, proposal), so changes and reversals occur.
"""

import datetime
import io
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from actors.models import Actor
from positions.models import Article, Negotiation, Position, Proposal

FIRST_DAY, LAST_DAY = datetime.date(1990, 1, 1), datetime.date(2026, 12, 31)
SPAN = (LAST_DAY - FIRST_DAY).days
WORDS = (
    "council parliament commission member state tariff quota subsidy reform directive "
    "regulation proposal vote veto support oppose amend compromise deadline budget "
    "climate energy fisheries migration digital market competition agriculture transport "
    "delegation minister spokesperson insists rejects welcomes cautious concerns firmly "
    "strongly never always conditional unless provided text article annex transition "
    "period review clause safeguard sanctions verification inspection roadmap phased"
).split()
OUTLETS = (
    "Reuters",
    "Associated Press",
    "AFP",
    "Politico",
    "Financial Times",
    "Le Monde",
    "The Korea Herald",
    "NK News",
    "Yonhap",
    "The Straits Times",
)
KINDS = ("state",) * 7 + ("organization",) * 2 + ("group",)
CONFIDENCE_WEIGHTS = (1, 6, 3)  # low, medium, high


@dataclass(frozen=True)
class Plan:
    positions: int
    seed: int
    actors: int = 60
    proposals: int = 300
    articles: int = 20_000

    @property
    def prefix(self) -> str:
        return f"syn{self.seed}"


def _phrase(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words))


def _zipf_weights(count: int, exponent: float = 0.8) -> list[float]:
    total, cumulative = 0.0, []
    for rank in range(1, count + 1):
        total += 1.0 / rank**exponent
        cumulative.append(total)
    return cumulative


def position_rows(
    plan: Plan, article_days: list[datetime.date], rng: random.Random
) -> Iterator[tuple]:
    """(actor index, proposal index, article index, stance, stated_on, quote,
    confidence) per position, without two rows for one (actor, proposal,
    article): those would be exact duplicates, which the database refuses."""
    bases = {}
    fragments = [_phrase(rng, 6) for _ in range(2000)]
    actor_weights = _zipf_weights(plan.actors)
    proposal_weights = _zipf_weights(plan.proposals)
    used: set[int] = set()
    made = 0
    while made < plan.positions:
        batch = min(50_000, plan.positions - made)
        actors = rng.choices(range(plan.actors), cum_weights=actor_weights, k=batch)
        proposals = rng.choices(
            range(plan.proposals), cum_weights=proposal_weights, k=batch
        )
        for actor, proposal in zip(actors, proposals, strict=True):
            article = rng.randrange(plan.articles)
            key = (actor * plan.proposals + proposal) * plan.articles + article
            while key in used:
                article = (article + 1) % plan.articles
                key = (actor * plan.proposals + proposal) * plan.articles + article
            used.add(key)
            base = bases.setdefault((actor, proposal), rng.randint(-2, 2))
            stance = max(-2, min(2, base + rng.choice((-1, 0, 0, 0, 1))))
            stated_on = article_days[article] - datetime.timedelta(
                days=rng.choice((0, 0, 0, 1, 2))
            )
            quote = "“" + ", ".join(rng.choices(fragments, k=3)) + ".”"
            confidence = rng.choices((1, 2, 3), weights=CONFIDENCE_WEIGHTS)[0]
            yield (actor, proposal, article, stance, stated_on, quote, confidence)
            made += 1
            if made == plan.positions:
                return


@transaction.atomic
def load(plan: Plan, *, on_progress: Callable[[int], None] | None = None) -> dict:
    """Create the synthetic world of ``plan``; returns how many rows of each kind."""
    if Negotiation.objects.filter(slug=plan.prefix).exists():
        raise ValueError(
            f"Synthetic data with seed {plan.seed} exists already (negotiation "
            f"“{plan.prefix}”). Use another seed."
        )
    # Reproducible data from a seed, not secrets.
    rng = random.Random(plan.seed)  # noqa: S311
    now = timezone.now()
    negotiation = Negotiation.objects.create(
        title=f"Synthetic negotiation (seed {plan.seed})",
        slug=plan.prefix,
        description="Generated for load tests and benchmarks.",
    )
    actors = [
        Actor(
            name=f"Synthetic {_phrase(rng, 2).title()} {index + 1} ({plan.prefix})",
            slug=f"{plan.prefix}-actor-{index + 1}",
            kind=rng.choice(KINDS),
        )
        for index in range(plan.actors)
    ]
    proposals = [
        Proposal(
            negotiation=negotiation,
            title=f"P{index + 1:04d} {_phrase(rng, 5).capitalize()}",
            slug=f"{plan.prefix}-p{index + 1:04d}",
            first_put_forward_on=FIRST_DAY
            + datetime.timedelta(days=rng.randrange(SPAN)),
        )
        for index in range(plan.proposals)
    ]
    # Coverage grows towards recent years.
    article_days = [
        FIRST_DAY + datetime.timedelta(days=int(SPAN * rng.random() ** 0.7))
        for _ in range(plan.articles)
    ]
    _save_each(actors)
    negotiation.participants.set(actors)
    _save_each(proposals)
    first_article_id = _copy_articles(plan, rng, article_days, now)
    article_ids = list(
        Article.objects.filter(id__gte=first_article_id)
        .order_by("id")
        .values_list("id", flat=True)
    )
    first_position_id = _copy_positions(
        plan, rng, article_days, actors, proposals, article_ids, now, on_progress
    )
    record_history(Article, first_article_id, now)
    record_history(Position, first_position_id, now)
    return {
        "actors": len(actors),
        "proposals": len(proposals),
        "articles": len(article_ids),
        "positions": plan.positions,
    }


def _save_each(objects) -> None:
    # Few rows: saved one by one, so history records them the usual way.
    for obj in objects:
        obj.save()


def _next_id(model) -> int:
    latest = model.objects.order_by("-id").values_list("id", flat=True).first()
    return (latest or 0) + 1


def _copy_articles(plan, rng, article_days, now) -> int:
    first_id = _next_id(Article)
    rows = (
        (
            f"https://synthetic.example/{plan.prefix}/articles/{index + 1}",
            f"https://synthetic.example/{plan.prefix}/articles/{index + 1}",
            _phrase(rng, 8).capitalize(),
            rng.choice(OUTLETS),
            "",
            day,
            "en",
            "",
            "",
            now,
            now,
        )
        for index, day in enumerate(article_days)
    )
    _bulk_write(
        Article,
        [
            "url",
            "url_key",
            "title",
            "outlet",
            "authors",
            "published_on",
            "language",
            "summary",
            "body",
            "created_at",
            "updated_at",
        ],
        rows,
    )
    return first_id


def _copy_positions(
    plan, rng, article_days, actors, proposals, article_ids, now, on_progress
) -> int:
    first_id = _next_id(Position)
    actor_ids = [actor.pk for actor in actors]
    proposal_ids = [proposal.pk for proposal in proposals]

    def rows():
        for count, (
            actor,
            proposal,
            article,
            stance,
            day,
            quote,
            confidence,
        ) in enumerate(position_rows(plan, article_days, rng), start=1):
            yield (
                actor_ids[actor],
                proposal_ids[proposal],
                article_ids[article],
                stance,
                day,
                quote,
                "",
                confidence,
                1,
                now,
                now,
                # No speaker, and articles without text.
                "reported",
                "no_text",
                "",
                "",
                "",
            )
            if on_progress is not None and count % 10_000 == 0:
                on_progress(10_000)

    _bulk_write(
        Position,
        [
            "actor_id",
            "proposal_id",
            "article_id",
            "stance",
            "stated_on",
            "quote",
            "note",
            "confidence",
            "version",
            "created_at",
            "updated_at",
            "attribution",
            "quote_check",
            "condition",
            "quote_original",
            "quote_language",
        ],
        rows(),
    )
    if on_progress is not None:
        on_progress(plan.positions % 10_000)
    return first_id


def _bulk_write(model, columns: list[str], rows) -> None:
    """COPY on PostgreSQL; batched executemany elsewhere. No history here:
    ``record_history`` adds it for all the rows in one statement."""
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(column) for column in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            buffer = io.StringIO()
            for row in rows:
                buffer.write("\t".join(_copy_text(value) for value in row) + "\n")
                if buffer.tell() > 8_000_000:
                    _flush_copy(cursor, table, names, buffer)
                    buffer = io.StringIO()
            _flush_copy(cursor, table, names, buffer)
            return
        placeholders = ", ".join(["%s"] * len(columns))
        # Names from the model, values as parameters.
        sql = f"INSERT INTO {table} ({names}) VALUES ({placeholders})"  # noqa: S608
        batch = []
        for row in rows:
            batch.append(row)
            if len(batch) == 10_000:
                cursor.executemany(sql, batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)


def _copy_text(value) -> str:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    # Generated text holds no tabs, newlines or backslashes.
    return str(value)


def _flush_copy(cursor, table, names, buffer) -> None:
    buffer.seek(0)
    cursor.cursor.copy_expert(f"COPY {table} ({names}) FROM STDIN", buffer)


def record_history(model, first_id: int, now) -> None:
    """One "created" history row per new row, as a single INSERT … SELECT."""
    history = model.history.model
    fields = [
        field.column
        for field in model._meta.concrete_fields
        if field.column in {f.column for f in history._meta.concrete_fields}
    ]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(column) for column in fields)
    with connection.cursor() as cursor:
        cursor.execute(
            # Names from the model, values as parameters.
            f"INSERT INTO {quote(history._meta.db_table)} ({columns}, history_date, "  # noqa: S608
            f"history_change_reason, history_type) "
            f"SELECT {columns}, %s, %s, '+' FROM {quote(model._meta.db_table)} "
            f"WHERE id >= %s",
            [now, "synthetic data", first_id],
        )
