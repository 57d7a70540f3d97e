"""What the analyses return: one frozen dataclass per kind of row, each field
declared with the SQL it is read from."""

import datetime
from dataclasses import dataclass

from positions.models import Stance
from positions.selectors.sql import column


@dataclass(frozen=True)
class ResolvedStance:
    """The resolved stance of a pair on a date (see ``sql.resolution_ctes``)."""

    actor_id: int = column("r.actor_id")
    actor_slug: str = column("a.slug")
    proposal_id: int = column("r.proposal_id")
    proposal_slug: str = column("pr.slug")
    stated_on: datetime.date = column("r.stated_on")
    stance: int = column("r.stance")
    position_id: int = column("r.position_id")
    disputed: bool = column("r.disputed")
    resolution: str = column("r.resolution")
    day_stance_min: int = column("r.day_stance_min")
    day_stance_max: int = column("r.day_stance_max")
    day_positions: int = column("r.day_positions")
    actor_name: str = column("a.name")
    actor_short_name: str = column("a.short_name")
    proposal_title: str = column("pr.title")

    @property
    def stance_label(self) -> str:
        return Stance(self.stance).label

    @property
    def day_range_labels(self) -> tuple[str, str]:
        return Stance(self.day_stance_min).label, Stance(self.day_stance_max).label

    @property
    def actor_label(self) -> str:
        return self.actor_short_name or self.actor_name


@dataclass(frozen=True)
class Change:
    """A date whose resolved stance differs from the pair's previous date's."""

    actor_id: int = column("r.actor_id")
    actor_slug: str = column("a.slug")
    proposal_id: int = column("r.proposal_id")
    proposal_slug: str = column("pr.slug")
    kind: str = column("r.kind")
    changed_on: datetime.date = column("r.stated_on")
    from_stance: int | None = column("r.from_stance")
    to_stance: int = column("r.stance")
    from_position_id: int | None = column("r.from_position_id")
    to_position_id: int = column("r.position_id")
    disputed: bool = column("r.disputed_change")
    contested: bool = column("r.contested")
    from_resolution: str | None = column("r.from_resolution")
    to_resolution: str = column("r.resolution")
    actor_name: str = column("a.name")
    actor_short_name: str = column("a.short_name")
    proposal_title: str = column("pr.title")

    @property
    def actor_label(self) -> str:
        return self.actor_short_name or self.actor_name

    @property
    def from_label(self) -> str:
        return "" if self.from_stance is None else Stance(self.from_stance).label

    @property
    def to_label(self) -> str:
        return Stance(self.to_stance).label


@dataclass(frozen=True)
class GapPoint:
    date: datetime.date
    gap: float | None
    proposals: int
