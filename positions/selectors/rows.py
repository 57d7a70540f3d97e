"""What the analyses return: one frozen dataclass per kind of row, each field
declared with the SQL it is read from."""

import datetime
import functools
from dataclasses import dataclass

from django.urls import reverse
from django.utils.formats import date_format

from positions.models import Stance
from positions.selectors.sql import column, split_ids


@functools.cache
def _position_href_prefix() -> str:
    return reverse("positions:position-detail", args=[0]).removesuffix("0/")


def position_href(position_id: int) -> str:
    """The position page's address, as ``{% url %}`` gives it."""
    return f"{_position_href_prefix()}{position_id}/"


@functools.lru_cache(maxsize=4096)
def date_label(day: datetime.date) -> str:
    """``day`` as templates show a date (``DATE_FORMAT``)."""
    return date_format(day)


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

    # A matrix has thousands of cells: their link and date are made here,
    # at a fraction of what {% url %} and the date filter cost per cell.
    @property
    def href(self) -> str:
        return position_href(self.position_id)

    @property
    def stated_on_label(self) -> str:
        return date_label(self.stated_on)


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
class GapRow:
    """One proposal on one date on which side a or b has a resolved stance:
    both sides' as-of stances then and before, and the running values of the
    gap series on that date (``gap.gap_series``)."""

    day: datetime.date = column("r.day")
    proposal_id: int = column("r.proposal_id")
    proposal_slug: str = column("pr.slug")
    proposal_title: str = column("pr.title")
    a_stance: int | None = column("r.a_stance")
    a_stated_on: datetime.date | None = column("r.a_stated_on")
    a_position: int | None = column("r.a_position")
    a_before: int | None = column("r.a_before")
    a_changed: bool = column("r.a_changed")
    b_stance: int | None = column("r.b_stance")
    b_stated_on: datetime.date | None = column("r.b_stated_on")
    b_position: int | None = column("r.b_position")
    b_before: int | None = column("r.b_before")
    b_changed: bool = column("r.b_changed")
    total: int = column("r.total")
    shared: int = column("r.shared")
    # Twice each side's Shapley contribution summed over the proposals of
    # the date (integers: stances are), and whether either side changed.
    day_a_move2: int = column("r.day_a_move2")
    day_b_move2: int = column("r.day_b_move2")
    day_changed: bool = column("r.day_changed")


@dataclass(frozen=True)
class GapDay:
    """A date on which side a or b changed a stance, with the running values
    of the gap series then (``gap.gap_series`` without terms)."""

    day: datetime.date = column("r.day")
    total: int = column("r.total")
    shared: int = column("r.shared")
    day_a_move2: int = column("r.day_a_move2")
    day_b_move2: int = column("r.day_b_move2")
    a_changed: bool = column("r.a_changed")
    b_changed: bool = column("r.b_changed")
    day_changed: bool = column("r.day_changed")


@dataclass(frozen=True)
class GapTerm:
    """A shared proposal of a gap point: both as-of stances, when each was
    stated and the positions standing for them."""

    proposal: str
    a_stance: int
    b_stance: int
    a_stated_on: datetime.date
    b_stated_on: datetime.date
    a_position: int
    b_position: int
    proposal_title: str = ""

    @property
    def difference(self) -> int:
        return abs(self.a_stance - self.b_stance)


@dataclass(frozen=True)
class GapMove:
    """A side's change of stance on a proposal at a gap point (for pages)."""

    side: str  # "a" or "b"
    proposal: str
    proposal_title: str
    from_stance: int | None
    to_stance: int
    position: int

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
    terms: tuple[GapTerm, ...] = ()
    moved_a: float | None = None
    moved_b: float | None = None
    composition: float | None = None
    changed: tuple[str, ...] = ()
    moves: tuple[GapMove, ...] = ()
    # How many proposals entered the shared set on this date.
    entered: int = 0


@dataclass(frozen=True)
class DiffRow:
    """A pair whose as-of stance differs between two dates (``diff.diff_rows``)."""

    actor_id: int = column("r.actor_id")
    actor_slug: str = column("a.slug")
    proposal_id: int = column("r.proposal_id")
    proposal_slug: str = column("pr.slug")
    kind: str = column(
        "CASE WHEN r.from_stance IS NULL THEN 'new'"
        " WHEN r.from_stance * r.to_stance < 0 THEN 'reversal' ELSE 'shift' END"
    )
    from_stance: int | None = column("r.from_stance")
    from_stated_on: datetime.date | None = column("r.from_stated_on")
    from_position_id: int | None = column("r.from_position_id")
    from_disputed: bool | None = column("r.from_disputed")
    from_resolution: str | None = column("r.from_resolution")
    to_stance: int = column("r.to_stance")
    to_stated_on: datetime.date = column("r.to_stated_on")
    to_position_id: int = column("r.to_position_id")
    to_disputed: bool = column("r.to_disputed")
    to_resolution: str = column("r.to_resolution")
    between_ids: str | None = column("r.between_ids")
    actor_name: str = column("a.name")
    actor_short_name: str = column("a.short_name")
    proposal_title: str = column("pr.title")

    @property
    def actor_label(self) -> str:
        return self.actor_short_name or self.actor_name

    @property
    def from_stance_label(self) -> str | None:
        return None if self.from_stance is None else Stance(self.from_stance).label

    @property
    def to_stance_label(self) -> str:
        return Stance(self.to_stance).label

    @property
    def positions_between(self) -> list[int]:
        """The positions standing for the changes in between, ascending ids."""
        return split_ids(self.between_ids)


@dataclass(frozen=True)
class ProposalSummary:
    """How a side's stance on one proposal moved over a period
    (``summary.actor_summary``)."""

    proposal_id: int = column("st.proposal_id")
    proposal_slug: str = column("pr.slug")
    proposal_title: str = column("pr.title")
    stance_at_since: int | None = column("st.stance_at_since")
    stance_at_until: int | None = column("st.stance_at_until")
    shifts: int = column("st.shifts")
    reversals: int = column("st.reversals")
    contested_changes: int = column("st.contested_changes")

    @property
    def verdict(self) -> str:
        if self.reversals:
            return "reversal"
        if self.shifts:
            return "shift"
        return "no_change"

    @property
    def verdict_label(self) -> str:
        return self.verdict.replace("_", " ")

    @property
    def since_label(self) -> str:
        return (
            "" if self.stance_at_since is None else Stance(self.stance_at_since).label
        )

    @property
    def until_label(self) -> str:
        return (
            "" if self.stance_at_until is None else Stance(self.stance_at_until).label
        )
