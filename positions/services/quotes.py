"""Checking every quote again against its article's stored text.

A quote's check is recomputed whenever the quote or its article's body is
saved; this re-checks all of them at once, for when the rule itself changed
(``positions.quote_check``) or rows were written around it (a restore, an
import into the tables). Each changed check is a change in history.
"""

from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from simple_history.utils import bulk_update_with_history

from positions.models import QUOTE_CHECK_FIELDS, Article, Position

RECHECK_BATCH_SIZE = 500
RECHECK_REASON = "quote re-checked against the article's text"


@dataclass
class QuoteRecheck:
    """What re-checking found: ``outcomes`` counts each outcome after the
    check; ``transitions`` counts the changed ones as (before, after)."""

    checked: int = 0
    changed: int = 0
    outcomes: Counter = field(default_factory=Counter)
    transitions: Counter = field(default_factory=Counter)


def quotes_recheck(
    *, dry_run: bool = False, batch_size: int = RECHECK_BATCH_SIZE, by=None
) -> QuoteRecheck:
    """Check every position's quote against its article's body again, in
    batches of ``batch_size`` positions (each in its own transaction, its
    rows locked while checked), and save the checks that changed with a
    history record each, by ``by``. With ``dry_run`` nothing is saved."""
    summary = QuoteRecheck()
    after = None
    while True:
        with transaction.atomic():
            batch = _next_batch(after, batch_size)
            if not batch:
                return summary
            after = (batch[-1].article_id, batch[-1].pk)
            changed = _check(batch, summary)
            if changed and not dry_run:
                bulk_update_with_history(
                    changed,
                    Position,
                    list(QUOTE_CHECK_FIELDS),
                    batch_size=batch_size,
                    default_user=by,
                    default_change_reason=RECHECK_REASON,
                )


def _next_batch(after: tuple[int, int] | None, size: int) -> list[Position]:
    # In article order, so that a batch needs the bodies of few articles.
    positions = Position.objects.select_for_update().order_by("article_id", "id")
    if after is not None:
        article_id, position_id = after
        positions = positions.filter(
            Q(article_id__gt=article_id) | Q(article_id=article_id, id__gt=position_id)
        )
    return list(positions[:size])


def _check(batch: list[Position], summary: QuoteRecheck) -> list[Position]:
    bodies = dict(
        Article.objects.filter(pk__in={p.article_id for p in batch}).values_list(
            "pk", "body"
        )
    )
    changed = []
    for position in batch:
        before = position.quote_check
        moved = position.apply_quote_check(bodies[position.article_id])
        summary.checked += 1
        summary.outcomes[position.quote_check] += 1
        if moved:
            summary.changed += 1
            summary.transitions[before, position.quote_check] += 1
            changed.append(position)
    return changed
