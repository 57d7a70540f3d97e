"""Timelines: every position of each (actor, proposal) pair, in time order."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from django.db.models import Q

from actors.models import Actor
from positions.models import Negotiation, PositionQuerySet, Proposal
from positions.selectors.as_of import positions_read
from positions.selectors.sql import (
    PAIR_COLUMNS,
    PairScope,
    actor_table,
    date_bounds,
    fetch_rows,
    ids,
    limit_clause,
    negotiation_ids,
    proposal_table,
    select_list,
)
from positions.selectors.sql import column as sql_column

TIMELINE_POINT_FIELDS = ("stated_on", "stance", "id")


def position_timeline(
    *,
    actors: Iterable[Actor] | None = None,
    proposals: Iterable[Proposal] | None = None,
    negotiation: Negotiation | None = None,
    negotiations: Iterable[Negotiation] | None = None,
    stated_after: datetime.date | None = None,
    stated_before: datetime.date | None = None,
    attributions: Iterable[str] | None = None,
) -> PositionQuerySet:
    """Positions grouped by pair, each pair in time order (``stated_on``, then ``id``).

    ``stated_after`` and ``stated_before`` are inclusive. Every position is a
    point, including several on one day; see ``resolved_days`` for one per day.
    """
    positions = positions_read().select_related("actor", "proposal__negotiation")
    if actors is not None:
        positions = positions.filter(actor__in=ids(actors))
    if proposals is not None:
        positions = positions.filter(proposal__in=ids(proposals))
    chosen_negotiations = negotiation_ids(negotiation, negotiations)
    if chosen_negotiations is not None:
        positions = positions.filter(proposal__negotiation__in=chosen_negotiations)
    if stated_after is not None:
        positions = positions.filter(stated_on__gte=stated_after)
    if stated_before is not None:
        positions = positions.filter(stated_on__lte=stated_before)
    if attributions:
        positions = positions.filter(attribution__in=list(attributions))
    return positions.in_timeline_order()


@dataclass(frozen=True)
class Series:
    """One pair's points (stated_on, stance, id), in time order."""

    actor_slug: str = sql_column("a.slug")
    proposal_slug: str = sql_column("pr.slug")
    actor_id: int = sql_column("a.id")
    proposal_id: int = sql_column("pr.id")
    points: list = field(default_factory=list, metadata={"sql": None})
    # Set when a side's line is split by speaker (None: no speaker named).
    speaker_slug: str | None = field(default=None, metadata={"sql": None})


def timeline_series(
    *,
    actors: Iterable[Actor] | None = None,
    proposals: Iterable[Proposal] | None = None,
    negotiations: Iterable[Negotiation] | None = None,
    stated_after: datetime.date | None = None,
    stated_before: datetime.date | None = None,
    attributions: Iterable[str] | None = None,
    by_speaker: bool = False,
    after: tuple[str, str] | None = None,
    limit: int,
) -> list[Series]:
    """A page of series: the pairs with a position in range, by actor slug
    then proposal slug (``after`` the given pair), each with its points.

    ``by_speaker`` gives each point its ``speaker`` (slug or None), for
    ``lines_by_speaker`` to split each pair's series by who spoke once the
    page of pairs is chosen.
    ``attributions`` keeps only positions of those attributions.

    Two queries whatever the page holds: the pairs (an index probe each),
    then their positions.
    """
    scope = PairScope(
        actors=ids(actors),
        proposals=ids(proposals),
        negotiations=ids(negotiations),
        attributions=attributions,
        columns=PAIR_COLUMNS,
    )
    params = dict(scope.params)
    in_range = " AND ".join(
        ["p.actor_id = a.id", "p.proposal_id = pr.id"]
        + date_bounds(
            "p.stated_on", since=stated_after, until=stated_before, params=params
        )
    )
    exists = f"EXISTS (SELECT 1 FROM {scope.positions} p WHERE {in_range})"  # noqa: S608
    conditions = [scope.where, exists]
    if after is not None:
        conditions.append(
            "(a.slug > %(after_actor)s"
            " OR (a.slug = %(after_actor)s AND pr.slug > %(after_proposal)s))"
        )
        params |= {"after_actor": after[0], "after_proposal": after[1]}
    pairs_sql = f"""
    SELECT {select_list(Series)}
    FROM {actor_table()} a CROSS JOIN {proposal_table()} pr
    WHERE {" AND ".join(conditions)}
    ORDER BY a.slug, pr.slug
    {limit_clause(limit)}
    """  # noqa: S608
    series = fetch_rows(Series, pairs_sql, params)
    if not series:
        return []
    by_pair = {(s.actor_id, s.proposal_id): s for s in series}
    pair_filter = Q()
    for actor_id, proposal_id in by_pair:
        pair_filter |= Q(actor_id=actor_id, proposal_id=proposal_id)
    points = positions_read().filter(pair_filter)
    if stated_after is not None:
        points = points.filter(stated_on__gte=stated_after)
    if stated_before is not None:
        points = points.filter(stated_on__lte=stated_before)
    if attributions:
        points = points.filter(attribution__in=list(attributions))
    rows = points.order_by("stated_on", "id").values(
        "actor_id", "proposal_id", "speaker__slug", *TIMELINE_POINT_FIELDS
    )
    for point in rows:
        speaker = point.pop("speaker__slug")
        if by_speaker:
            point["speaker"] = speaker
        by_pair[point.pop("actor_id"), point.pop("proposal_id")].points.append(point)
    return series


def lines_by_speaker(series: list[Series]) -> list[Series]:
    """Each series (read with ``by_speaker``) split into one per speaker:
    positions without one first, then by speaker slug."""
    lines = []
    for pair in series:
        by_speaker: dict[str | None, Series] = {}
        for point in pair.points:
            speaker = point.pop("speaker")
            line = by_speaker.get(speaker)
            if line is None:
                line = by_speaker[speaker] = replace(
                    pair, points=[], speaker_slug=speaker
                )
            line.points.append(point)
        lines += sorted(
            by_speaker.values(),
            key=lambda line: (line.speaker_slug is not None, line.speaker_slug or ""),
        )
    return lines
