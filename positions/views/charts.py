"""Turning selector rows into chart input: links and tooltips for each point."""

from collections import defaultdict

from django.urls import reverse

from positions.charts import Observation
from positions.models import Stance
from positions.selectors import ResolvedStance, positions_by_id


def _tooltip(day: ResolvedStance, position) -> str:
    parts = [f"{day.stated_on}: {Stance(day.stance).label}"]
    if day.disputed:
        parts.append("(disputed: sources of this day disagree)")
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
            )
        )
    return grouped
