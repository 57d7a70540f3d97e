"""The negotiation page's gap: its latest points, each explained in words,
with the moves of its date and a link comparing it with the point before."""

from collections import defaultdict

from django.urls import reverse

from actors.models import Actor
from positions.charts import Observation
from positions.selectors.changes import CHANGE_KINDS, change_list
from positions.selectors.gap import latest_gap_points
from positions.selectors.rows import GapPoint

# Points the page shows; all of them are in the API.
GAP_POINTS = 120


def negotiation_gap(
    *, negotiation, a: Actor, b: Actor, attributions=None
) -> tuple[list[dict], bool]:
    """The latest ``GAP_POINTS`` points of the gap between ``a`` and ``b`` as
    rows for the page, and whether earlier points exist."""
    # One point more than shown: the first shown compares with it.
    points, more = latest_gap_points(
        a=a,
        b=b,
        count=GAP_POINTS + 1,
        negotiation=negotiation,
        attributions=attributions,
    )
    rows = _gap_rows(
        points, a=a, b=b, negotiation=negotiation, attributions=attributions
    )
    return rows[-GAP_POINTS:], more or len(rows) > GAP_POINTS


def gap_explanation(point: GapPoint, *, a: Actor, b: Actor) -> str:
    """In words, what contributed to the change of the gap at ``point``."""
    if point.gap is None:
        return "No proposal on which both have a stance."
    if point.moved_a is None:
        return f"First shared level: {point.proposals} shared proposal(s)."
    parts = []
    for actor, side, contribution in ((a, "a", point.moved_a), (b, "b", point.moved_b)):
        if side in point.changed:
            parts.append(f"{actor.label}'s moves contributed {contribution:+.2f}")
    if point.entered:
        parts.append(
            f"{point.entered} newly shared proposal(s) contributed "
            f"{point.composition:+.2f}"
        )
    return ("; ".join(parts) or "Nothing moved") + "."


def _gap_moves(*, a: Actor, b: Actor, negotiation, since, attributions) -> dict:
    """{date: [(side, change)]}: the two sides' changes from ``since`` on."""
    moves = defaultdict(list)
    for change in change_list(
        actors=[a, b],
        negotiation=negotiation,
        since=since,
        kinds=CHANGE_KINDS,
        attributions=attributions,
    ):
        moves[change.changed_on].append((a if change.actor_id == a.pk else b, change))
    return moves


def _gap_rows(
    gap: list[GapPoint], *, a: Actor, b: Actor, negotiation, attributions=None
) -> list[dict]:
    """Each point with its words, its moves by side (the changes of its date)
    and the comparison of its date with the previous point's: one click to
    the positions behind it."""
    compare = reverse("positions:negotiation-compare", args=[negotiation.slug])
    moves = (
        _gap_moves(
            a=a,
            b=b,
            negotiation=negotiation,
            since=gap[0].date,
            attributions=attributions,
        )
        if gap
        else {}
    )
    rows, before = [], None
    for point in gap:
        rows.append(
            {
                "point": point,
                "words": gap_explanation(point, a=a, b=b),
                "moves": sorted(
                    moves.get(point.date, []),
                    key=lambda move: (move[0] != a, move[1].proposal_title),
                ),
                "compare": None
                if before is None
                else f"{compare}?from_date={before.date}&to_date={point.date}",
            }
        )
        before = point
    return rows


def gap_observation(row: dict) -> Observation:
    point = row["point"]
    if point.gap is None:
        title = f"{point.date}: no proposal on which both have a stance"
    else:
        title = (
            f"{point.date}: gap {point.gap:.2f} over {point.proposals} shared "
            f"proposal(s). {row['words']}"
        )
    return Observation(
        day=point.date, value=point.gap, title=title, href=row["compare"] or ""
    )
