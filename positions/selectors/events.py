"""Reads of events: a negotiation's events for its charts and date pickers,
and what an event's page shows."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.urls import reverse

from actors.models import Actor
from config.lib.versions import reading_version
from positions.charts import ChartEvent
from positions.models import Event, EventKind, Position, Proposal
from positions.selectors.positions import ROW_PREFETCHES, ROW_RELATIONS

DAY = datetime.timedelta(days=1)
EVENT_FIELDS = ("id", "slug", "title", "kind", "starts_on", "ends_on", "negotiation_id")


@dataclass(frozen=True)
class EventDates:
    """An event as charts and date pickers use it.

    "Just before" is the day before it starts; "just after" is its last day,
    so that an as-of date of "just after" includes what was said there."""

    slug: str
    title: str
    kind: str
    starts_on: datetime.date
    ends_on: datetime.date | None
    negotiation_id: int

    @property
    def last_day(self) -> datetime.date:
        return self.ends_on or self.starts_on

    @property
    def just_before(self) -> datetime.date:
        return self.starts_on - DAY

    @property
    def just_after(self) -> datetime.date:
        return self.last_day

    @property
    def kind_label(self) -> str:
        return EventKind(self.kind).label

    @property
    def dates(self) -> str:
        if self.ends_on and self.ends_on != self.starts_on:
            return f"{self.starts_on} – {self.ends_on}"
        return str(self.starts_on)

    @property
    def href(self) -> str:
        return reverse("positions:event-detail", args=[self.slug])

    def chart_event(self) -> ChartEvent:
        return ChartEvent(
            day=self.starts_on,
            label=self.title,
            title=f"{self.title} ({self.kind_label.lower()}, {self.dates})",
            href=self.href,
        )


def _dates(row: dict) -> EventDates:
    return EventDates(**{name: row[name] for name in EventDates.__dataclass_fields__})


def negotiation_events(*, negotiation_ids: Iterable[int]) -> list[EventDates]:
    """The events of these negotiations in time order (start, then title):
    one query, on the (negotiation, starts_on) index."""
    ids = list(negotiation_ids)
    if not ids:
        return []
    rows = (
        _events_read()
        .filter(negotiation_id__in=ids)
        .in_time_order()
        .values(*EVENT_FIELDS)
    )
    return [_dates(row) for row in rows]


def _events_read():
    """Events as the request reads them: live, or as recorded at its version
    (a chart read in the past marks the events known then)."""
    version = reading_version()
    if version is None:
        return Event.objects.all()
    return Event.history.at_version(version)


def events_by_proposal(*, proposal_ids: Iterable[int]) -> dict[int, list[EventDates]]:
    """{proposal id: the events of its negotiation, in time order}, for
    charts of several proposals (the actor page): one query."""
    ids = list(proposal_ids)
    if not ids:
        return {}
    version = reading_version()
    if version is not None:
        return _events_by_proposal_at(ids, version)
    rows = (
        Event.objects.filter(negotiation__proposals__in=ids)
        .in_time_order()
        .values(*EVENT_FIELDS, "negotiation__proposals")
    )
    grouped: dict[int, list[EventDates]] = {}
    for row in rows:
        grouped.setdefault(row["negotiation__proposals"], []).append(_dates(row))
    return grouped


def _events_by_proposal_at(ids: list[int], version: int) -> dict:
    """As ``events_by_proposal``, with proposals and events as recorded at
    ``version``: two queries."""
    negotiation_of = dict(
        Proposal.history.at_version(version)
        .filter(id__in=ids)
        .values_list("id", "negotiation_id")
    )
    by_negotiation: dict[int, list[EventDates]] = {}
    for row in (
        _events_read()
        .filter(negotiation_id__in=set(negotiation_of.values()))
        .in_time_order()
        .values(*EVENT_FIELDS)
    ):
        by_negotiation.setdefault(row["negotiation_id"], []).append(_dates(row))
    return {
        proposal: by_negotiation[negotiation]
        for proposal, negotiation in negotiation_of.items()
        if negotiation in by_negotiation
    }


def event_page(*, event: Event) -> dict:
    """What each side said at ``event``, side by side (sides by name, each
    side's positions by date, then by id), the articles reporting it (newest
    first) and the comparison of the day before it with its last day."""
    positions = (
        Position.objects.filter(event=event)
        # Every row was said at this event: joined once rather than read apart.
        .select_related("actor", "proposal", "article", "event", *ROW_RELATIONS)
        .prefetch_related(*(name for name in ROW_PREFETCHES if name != "event"))
        .order_by("actor__name", "actor_id", "stated_on", "id")
    )
    sides: list[tuple[Actor, list[Position]]] = []
    for position in positions:
        if not sides or sides[-1][0].pk != position.actor_id:
            sides.append((position.actor, []))
        sides[-1][1].append(position)
    dates = EventDates(
        slug=event.slug,
        title=event.title,
        kind=event.kind,
        starts_on=event.starts_on,
        ends_on=event.ends_on,
        negotiation_id=event.negotiation_id,
    )
    compare = reverse("positions:negotiation-compare", args=[event.negotiation.slug])
    return {
        "dates": dates,
        "sides": sides,
        "position_count": sum(len(said) for _, said in sides),
        "articles": event.articles.order_by("-published_on", "-id"),
        "compare": f"{compare}?from_date={dates.just_before}&to_date={dates.just_after}",
    }
