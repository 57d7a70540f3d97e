"""What the pages show: each page's data in one call, charts included.

Chart geometry is ``positions.charts``'s (pure functions); here is what is
charted: which days, which tooltips, which links, over which period.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count
from django.urls import reverse

from actors.models import Actor
from positions.charts import SPARK, Observation, gap_chart, stance_chart
from positions.models import Article, Negotiation, Position, Proposal, Stance
from positions.selectors.changes import change_list, recent_period_start
from positions.selectors.gap import gap_series
from positions.selectors.positions import positions_by_id
from positions.selectors.rows import GapPoint, ResolvedStance
from positions.selectors.stances import RESOLUTION_RULE, resolved_days, stances_as_of

# How much each page shows. Decades of a busy side are tens of thousands of
# days: the charts cover the period of the latest positions instead, and
# link to the whole timeline in the API.
HOME_CHANGES = 10
HOME_ARTICLES = 10
PAGE_CHANGES = 20
ACTOR_CHART_POSITIONS = 600
PROPOSAL_CHART_POSITIONS = 120
GAP_POINTS = 120


def home_overview() -> dict:
    """Negotiations, the latest stance changes and the latest articles."""
    return {
        "negotiations": Negotiation.objects.prefetch_related("proposals"),
        "changes": change_list(limit=HOME_CHANGES),
        "resolution_rule": RESOLUTION_RULE,
        "articles": Article.objects.newest_first()[:HOME_ARTICLES],
    }


def _tooltip(day: ResolvedStance, position: Position | None) -> str:
    parts = [f"{day.stated_on}: {Stance(day.stance).label}"]
    if day.disputed:
        low, high = day.day_range_labels
        parts.append(
            f"(disputed: {day.day_positions} sources of this day range from "
            f"“{low}” to “{high}”; resolved by {day.resolution})"
        )
    if position is not None:
        if position.quote:
            parts.append(f"“{position.quote}”")
        parts.append(f"— {position.article.outlet}")
    return " ".join(parts)


def observations_by(days: list[ResolvedStance], key) -> dict:
    """Chart points grouped by ``key(day)``, each linking to its position."""
    positions = positions_by_id(day.position_id for day in days)
    grouped = defaultdict(list)
    for day in days:
        grouped[key(day)].append(
            Observation(
                day=day.stated_on,
                value=day.stance,
                href=reverse("positions:position-detail", args=[day.position_id]),
                title=_tooltip(day, positions.get(day.position_id)),
                disputed=day.disputed,
                low=day.day_stance_min if day.disputed else None,
                high=day.day_stance_max if day.disputed else None,
            )
        )
    return grouped


def actor_page(*, actor: Actor, today: datetime.date) -> dict:
    """The actor's current stance per proposal, each with a small chart on
    one shared time axis, its latest changes and roles."""
    current = stances_as_of(on=today, actors=[actor])
    window_start = recent_period_start(actors=[actor], positions=ACTOR_CHART_POSITIONS)
    days = resolved_days(actors=[actor], stated_from=window_start)
    by_proposal = observations_by(days, key=lambda day: day.proposal_slug)
    span = (
        (min(d.stated_on for d in days), max(d.stated_on for d in days))
        if days
        else None
    )
    stances = [
        {
            "stance": stance,
            "chart": stance_chart(
                [(actor.label, actor.slug, by_proposal[stance.proposal_slug])],
                box=SPARK,
                span=span,
            ),
        }
        for stance in sorted(current, key=lambda s: s.proposal_title)
    ]
    return {
        "affiliations": actor.affiliations.select_related("organization"),
        "members": actor.members.select_related("person"),
        "stances": stances,
        "changes": change_list(actors=[actor], limit=PAGE_CHANGES),
        "window_start": window_start,
        "resolution_rule": RESOLUTION_RULE,
    }


def proposal_page(*, proposal: Proposal) -> dict:
    """Every side's stance on the proposal over time, and its latest changes."""
    window_start = recent_period_start(
        proposals=[proposal], positions=PROPOSAL_CHART_POSITIONS
    )
    days = resolved_days(proposals=[proposal], stated_from=window_start)
    by_actor = observations_by(days, key=lambda day: day.actor_slug)
    names = {day.actor_slug: day.actor_name for day in days}
    chart = stance_chart(
        [(names[slug], slug, by_actor[slug]) for slug in sorted(names, key=names.get)]
    )
    return {
        "chart": chart,
        "days": days,
        "changes": change_list(proposals=[proposal], limit=PAGE_CHANGES),
        "window_start": window_start,
        "resolution_rule": RESOLUTION_RULE,
    }


@dataclass(frozen=True)
class Matrix:
    participants: list[Actor]
    proposals: list[Proposal]
    rows: list[tuple[Actor, list[ResolvedStance | None]]]


def negotiation_matrix(*, negotiation: Negotiation, on: datetime.date) -> Matrix:
    """Participants × proposals, each cell the as-of stance on ``on`` or None."""
    participants = list(negotiation.participants.order_by("name"))
    proposals = list(negotiation.proposals.order_by("title"))
    stances = {
        (s.actor_id, s.proposal_id): s
        for s in stances_as_of(on=on, negotiation=negotiation, actors=participants)
    }
    rows = [
        (actor, [stances.get((actor.pk, proposal.pk)) for proposal in proposals])
        for actor in participants
    ]
    return Matrix(participants=participants, proposals=proposals, rows=rows)


def main_parties(*, negotiation: Negotiation) -> list[Actor]:
    """The two participants with the most positions in the negotiation."""
    # Counted over the positions' (proposal, actor) index alone, then matched
    # to the participants: joining participants to their positions first made
    # PostgreSQL hash a million rows.
    counts = dict(
        Position.objects.filter(
            proposal__in=Proposal.objects.filter(negotiation=negotiation).values("id")
        )
        .values_list("actor_id")
        .annotate(count=Count("*"))
        .order_by()
    )
    participants = negotiation.participants.all()
    ranked = sorted(
        (actor for actor in participants if counts.get(actor.pk)),
        key=lambda actor: (-counts[actor.pk], actor.name),
    )
    return ranked[:2]


def _gap_observation(point: GapPoint) -> Observation:
    if point.gap is None:
        title = f"{point.date}: no proposal on which both have a stance"
    else:
        title = f"{point.date}: gap {point.gap:.2f} over {point.proposals} shared proposal(s)"
    return Observation(day=point.date, value=point.gap, title=title)


def negotiation_page(
    *,
    negotiation: Negotiation,
    as_of: datetime.date,
    a: Actor | None,
    b: Actor | None,
) -> dict:
    """The matrix on ``as_of`` and the gap between ``a`` and ``b`` (by default
    the two main parties) over its latest dates."""
    if a is None or b is None:
        parties = main_parties(negotiation=negotiation)
        if len(parties) == 2:
            a, b = a or parties[0], b or parties[1]
    gap, gap_dates = [], 0
    if a is not None and b is not None and a != b:
        gap = gap_series(a=a, b=b, negotiation=negotiation)
        gap_dates = len(gap)
        gap = gap[-GAP_POINTS:]
    return {
        "as_of": as_of,
        "matrix": negotiation_matrix(negotiation=negotiation, on=as_of),
        "a": a,
        "b": b,
        "gap": gap,
        "gap_dates": gap_dates,
        "gap_chart": gap_chart([_gap_observation(point) for point in gap]),
        "resolution_rule": RESOLUTION_RULE,
    }
