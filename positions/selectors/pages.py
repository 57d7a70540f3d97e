"""What the pages show: each page's data in one call, charts included.

Chart geometry is ``positions.charts``'s (pure functions); here is what is
charted: which days, which tooltips, which links, over which period.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count

from actors.models import Actor
from actors.selectors import actor_affiliations, actor_members
from positions.charts import SPARK, Observation, gap_chart, stance_chart
from positions.models import (
    Article,
    Negotiation,
    Proposal,
    Stance,
    condition_clause,
)
from positions.selectors.as_of import positions_read
from positions.selectors.changes import (
    change_list,
    recent_period_start,
)
from positions.selectors.diff import diff_rows
from positions.selectors.events import events_by_proposal, negotiation_events
from positions.selectors.gap_page import gap_observation, negotiation_gap
from positions.selectors.positions import (
    NOT_FOR_ROWS,
    Said,
    positions_by_id,
    said_by_id,
)
from positions.selectors.resources import (
    negotiation_participants,
    negotiation_proposal_ids,
    negotiation_proposals,
)
from positions.selectors.rows import ResolvedStance, position_href
from positions.selectors.stances import RESOLUTION_RULE, resolved_days, stances_as_of
from positions.selectors.summary import actor_summary
from positions.selectors.timeline import position_timeline

# How much each page shows. Decades of a busy side are tens of thousands of
# days: the charts cover the period of the latest positions instead, and
# link to the whole timeline in the API.
HOME_CHANGES = 10
HOME_ARTICLES = 10
PAGE_CHANGES = 20
ACTOR_CHART_POSITIONS = 600
PROPOSAL_CHART_POSITIONS = 120


def home_overview() -> dict:
    """Negotiations, the latest stance changes and the latest articles."""
    return {
        "negotiations": Negotiation.objects.prefetch_related("proposals"),
        "changes": change_list(limit=HOME_CHANGES),
        "resolution_rule": RESOLUTION_RULE,
        "articles": Article.objects.newest_first()[:HOME_ARTICLES],
    }


def _tooltip(day: ResolvedStance, said: Said | None) -> str:
    parts = [f"{day.stated_on}: {Stance(day.stance).label}"]
    if day.disputed:
        low, high = day.day_range_labels
        parts.append(
            f"(disputed: {day.day_positions} sources of this day range from "
            f"“{low}” to “{high}”; resolved by {day.resolution})"
        )
    if said is not None:
        parts += _what_was_said(said)
    return " ".join(parts)


def _what_was_said(said: Said) -> list[str]:
    """A chart point's words after its date and stance: the condition, the
    quote and the outlet."""
    parts = []
    if said.condition:
        parts.append(f"(only if {condition_clause(said.condition)})")
    if said.quote:
        parts.append(f"“{said.quote}”")
    parts.append(f"— {said.outlet}")
    return parts


def observations_by(days: list[ResolvedStance], key) -> dict:
    """Chart points grouped by ``key(day)``, each linking to its position."""
    said = said_by_id(day.position_id for day in days)
    grouped = defaultdict(list)
    for day in days:
        grouped[key(day)].append(
            Observation(
                day=day.stated_on,
                value=day.stance,
                href=day.href,
                title=_tooltip(day, said.get(day.position_id)),
                disputed=day.disputed,
                low=day.day_stance_min if day.disputed else None,
                high=day.day_stance_max if day.disputed else None,
            )
        )
    return grouped


def actor_page(
    *,
    actor: Actor,
    today: datetime.date,
    since: datetime.date | None = None,
    until: datetime.date | None = None,
    attributions: list[str] | None = None,
) -> dict:
    """The actor's current stance per proposal, each with a small chart on
    one shared time axis marking its negotiation's events, its latest
    changes and roles, and for a side the
    flip-o-meter over ``since`` to ``until`` (default: the charts' period,
    or its whole record when short, to ``today``)."""
    is_person = actor.kind == Actor.Kind.PERSON
    current = stances_as_of(on=today, actors=[actor], attributions=attributions)
    window_start = recent_period_start(
        actors=[actor], positions=ACTOR_CHART_POSITIONS, attributions=attributions
    )
    # By default the flip-o-meter covers the charts' period.
    flips_since = since if since is not None else window_start
    days = resolved_days(
        actors=[actor], stated_from=window_start, attributions=attributions
    )
    by_proposal = observations_by(days, key=lambda day: day.proposal_slug)
    span = (
        (min(d.stated_on for d in days), max(d.stated_on for d in days))
        if days
        else None
    )
    events = events_by_proposal(proposal_ids=[stance.proposal_id for stance in current])
    stances = [
        {
            "stance": stance,
            "chart": stance_chart(
                [(actor.label, actor.slug, by_proposal[stance.proposal_slug])],
                box=SPARK,
                span=span,
                events=[
                    event.chart_event() for event in events.get(stance.proposal_id, [])
                ],
            ),
        }
        for stance in sorted(current, key=lambda s: s.proposal_title)
    ]
    return {
        # A person holds roles; a state, organization or group has members
        # (Affiliation.clean): the other list is always empty.
        "affiliations": actor_affiliations(actor=actor) if is_person else [],
        "members": [] if is_person else actor_members(actor=actor),
        "stances": stances,
        "changes": change_list(
            actors=[actor], attributions=attributions, limit=PAGE_CHANGES
        ),
        "window_start": window_start,
        "resolution_rule": RESOLUTION_RULE,
        "flips": None
        if is_person
        else actor_summary(
            actor=actor,
            since=flips_since,
            until=until or today,
            attributions=attributions,
        ),
        "flips_since": flips_since,
        "flips_until": until or today,
    }


def proposal_page(
    *,
    proposal: Proposal,
    attributions: list[str] | None = None,
    by_speaker: bool = False,
) -> dict:
    """Every side's stance on the proposal over time with its negotiation's
    events marked, and its latest changes; ``by_speaker`` draws one line per
    side and speaker (each position a point) instead of one per side."""
    window_start = recent_period_start(
        proposals=[proposal],
        positions=PROPOSAL_CHART_POSITIONS,
        attributions=attributions,
    )
    days = resolved_days(
        proposals=[proposal], stated_from=window_start, attributions=attributions
    )
    events = negotiation_events(negotiation_ids=[proposal.negotiation_id])
    if by_speaker:
        lines = _speaker_lines(
            proposal=proposal, since=window_start, attributions=attributions
        )
    else:
        by_actor = observations_by(days, key=lambda day: day.actor_slug)
        names = {day.actor_slug: day.actor_name for day in days}
        lines = [
            (names[slug], slug, by_actor[slug]) for slug in sorted(names, key=names.get)
        ]
    chart = stance_chart(lines, events=[event.chart_event() for event in events])
    return {
        "chart": chart,
        "events": events,
        "days": days,
        "changes": change_list(
            proposals=[proposal], attributions=attributions, limit=PAGE_CHANGES
        ),
        "links": proposal.links,
        "window_start": window_start,
        "resolution_rule": RESOLUTION_RULE,
    }


def _speaker_lines(*, proposal: Proposal, since, attributions) -> list[tuple]:
    """One line per (side, speaker) on ``proposal`` from ``since``: each
    position a point, linking to it; positions without a speaker form the
    side's own line."""
    lines: dict[tuple, list[Observation]] = defaultdict(list)
    names: dict[tuple, str] = {}
    for position in (
        position_timeline(
            proposals=[proposal], stated_after=since, attributions=attributions
        )
        .select_related("speaker", "article")
        .defer(*NOT_FOR_ROWS)
    ):
        key = (position.actor.slug, position.speaker.slug if position.speaker else "")
        names[key] = (
            f"{position.actor.label} — {position.speaker.name}"
            if position.speaker
            else f"{position.actor.label} (no speaker)"
        )
        lines[key].append(
            Observation(
                day=position.stated_on,
                value=position.stance,
                title=" ".join(
                    [
                        f"{position.stated_on}: {position.stance_label}",
                        *_what_was_said(
                            Said(
                                position.condition,
                                position.quote,
                                position.article.outlet,
                            )
                        ),
                    ]
                ),
                href=position_href(position.pk),
            )
        )
    return [
        (names[key], "-".join(filter(None, key)), lines[key])
        for key in sorted(names, key=names.get)
    ]


@dataclass(frozen=True)
class Matrix:
    participants: list[Actor]
    proposals: list[Proposal]
    rows: list[tuple[Actor, list[ResolvedStance | None]]]
    # The condition of each cell's position that holds only if something
    # happens, by position id.
    conditions: dict[int, str] = field(default_factory=dict)


def negotiation_matrix(
    *,
    negotiation: Negotiation,
    on: datetime.date,
    attributions: list[str] | None = None,
) -> Matrix:
    """Participants × proposals, each cell the as-of stance on ``on`` or None,
    with the conditions of the cells' positions that have one."""
    participants = negotiation_participants(negotiation=negotiation)
    proposals = negotiation_proposals(negotiation=negotiation)
    stances = {
        (s.actor_id, s.proposal_id): s
        for s in stances_as_of(
            on=on,
            negotiation=negotiation,
            actors=participants,
            attributions=attributions,
        )
    }
    rows = [
        (actor, [stances.get((actor.pk, proposal.pk)) for proposal in proposals])
        for actor in participants
    ]
    conditions = (
        dict(
            positions_read()
            .filter(id__in=[s.position_id for s in stances.values()])
            .conditional()
            .values_list("id", "condition")
        )
        if stances
        else {}
    )
    return Matrix(
        participants=participants, proposals=proposals, rows=rows, conditions=conditions
    )


def compare_page(
    *,
    negotiation: Negotiation,
    from_date: datetime.date,
    to_date: datetime.date,
    attributions: list[str] | None = None,
) -> dict:
    """The matrix on ``to_date`` with the cells that differ from ``from_date``
    (from → to), and what moved, each with its positions (quote and source)."""
    matrix = negotiation_matrix(
        negotiation=negotiation, on=to_date, attributions=attributions
    )
    moved = diff_rows(
        from_date=from_date,
        to_date=to_date,
        negotiations=[negotiation.pk],
        attributions=attributions,
    )
    by_pair = {(row.actor_id, row.proposal_id): row for row in moved}
    positions = positions_by_id(
        {row.to_position_id for row in moved}
        | {row.from_position_id for row in moved if row.from_position_id}
    )
    rows = [
        (
            actor,
            [
                (cell, by_pair.get((actor.pk, proposal.pk)))
                for cell, proposal in zip(cells, matrix.proposals, strict=True)
            ],
        )
        for actor, cells in matrix.rows
    ]
    return {
        "matrix": matrix,
        "rows": rows,
        "moved": [
            {
                "row": row,
                "from_position": positions.get(row.from_position_id),
                "to_position": positions.get(row.to_position_id),
            }
            for row in moved
        ],
        "resolution_rule": RESOLUTION_RULE,
    }


def main_parties(*, negotiation: Negotiation) -> list[Actor]:
    """The two participants with the most positions in the negotiation, as
    the request reads them."""
    # Counted over the positions' (proposal, actor) index alone, then matched
    # to the participants: joining participants to their positions first made
    # PostgreSQL hash a million rows.
    counts = dict(
        positions_read()
        .filter(proposal_id__in=negotiation_proposal_ids(negotiation=negotiation))
        .values_list("actor_id")
        .annotate(count=Count("*"))
        .order_by()
    )
    participants = negotiation_participants(negotiation=negotiation)
    ranked = sorted(
        (actor for actor in participants if counts.get(actor.pk)),
        key=lambda actor: (-counts[actor.pk], actor.name),
    )
    return ranked[:2]


def negotiation_page(
    *,
    negotiation: Negotiation,
    as_of: datetime.date,
    a: Actor | None,
    b: Actor | None,
    attributions: list[str] | None = None,
) -> dict:
    """The matrix on ``as_of``, the negotiation's events (in time order, also
    marked on the gap chart) and the gap between ``a`` and ``b`` (by default
    the two main parties) over its latest dates."""
    if a is None or b is None:
        parties = main_parties(negotiation=negotiation)
        if len(parties) == 2:
            a, b = a or parties[0], b or parties[1]
    gap, more_gap = [], False
    if a is not None and b is not None and a != b:
        gap, more_gap = negotiation_gap(
            negotiation=negotiation, a=a, b=b, attributions=attributions
        )
    events = negotiation_events(negotiation_ids=[negotiation.pk])
    return {
        "as_of": as_of,
        "events": events,
        "matrix": negotiation_matrix(
            negotiation=negotiation, on=as_of, attributions=attributions
        ),
        "a": a,
        "b": b,
        "gap": gap,
        "more_gap": more_gap,
        "gap_chart": gap_chart(
            [gap_observation(row) for row in gap],
            events=[event.chart_event() for event in events],
        ),
        "resolution_rule": RESOLUTION_RULE,
    }
