"""Negotiations, the proposals on their table, how proposals descend from one
another, and the dated events of a negotiation."""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from actors.models import Actor
from actors.slugs import SlugFromNameMixin
from config.lib import limits
from config.lib.versions import VersionedHistoricalQuerySet, versioned_history
from positions.models.articles import Article
from positions.models.choices import INVERSE_LINK_KINDS, EventKind, LinkKind


class NegotiationQuerySet(models.QuerySet):
    def search(self, query: str) -> "NegotiationQuerySet":
        return self.filter(Q(title__icontains=query) | Q(description__icontains=query))


class HistoricalNegotiationQuerySet(VersionedHistoricalQuerySet, NegotiationQuerySet):
    """Recorded versions of negotiations, searched as live ones are."""


class Negotiation(SlugFromNameMixin, models.Model):
    slug_source = "title"

    title = models.CharField(
        max_length=200, unique=True, help_text="Name of the negotiation track."
    )
    slug = models.SlugField(
        max_length=100,
        unique=True,
        blank=True,
        help_text="Key used in web and API addresses; derived from the title when left empty.",
    )
    description = models.TextField(
        blank=True,
        help_text="What is being negotiated.",
        **limits.text_limit(limits.DESCRIPTION),
    )
    participants = models.ManyToManyField(
        Actor,
        related_name="negotiations",
        blank=True,
        help_text="The sides at the table; they make the rows of the stance matrix.",
    )
    started_on = models.DateField(
        null=True, blank=True, help_text="When the track began."
    )
    ended_on = models.DateField(
        null=True, blank=True, help_text="When it ended; empty while ongoing."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(
        **versioned_history(
            m2m_fields=[participants],
            historical_queryset=HistoricalNegotiationQuerySet,
        )
    )
    objects = NegotiationQuerySet.as_manager()

    class Meta:
        ordering = ["-started_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True)
                | Q(started_on__isnull=True)
                | Q(ended_on__gte=models.F("started_on")),
                name="positions_negotiation_end_after_start",
                violation_error_message="A negotiation cannot end before it starts.",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ProposalQuerySet(models.QuerySet):
    def search(self, query: str) -> "ProposalQuerySet":
        return self.filter(Q(title__icontains=query) | Q(summary__icontains=query))

    def with_links(self) -> "ProposalQuerySet":
        """With the links touching each proposal and their other ends: two
        queries for any number of proposals."""
        return self.prefetch_related(
            models.Prefetch(
                "outgoing_links",
                queryset=ProposalLink.objects.select_related("target", "article"),
            ),
            models.Prefetch(
                "incoming_links",
                queryset=ProposalLink.objects.select_related("source", "article"),
            ),
        )


class HistoricalProposalQuerySet(VersionedHistoricalQuerySet, ProposalQuerySet):
    """Recorded versions of proposals, searched as live ones are."""


class Proposal(SlugFromNameMixin, models.Model):
    slug_source = "title"

    negotiation = models.ForeignKey(
        Negotiation,
        on_delete=models.PROTECT,
        related_name="proposals",
        help_text="The negotiation in which this proposal is on the table.",
    )
    title = models.CharField(max_length=200, help_text="Short name, e.g. “Big deal”.")
    slug = models.SlugField(
        max_length=100,
        unique=True,
        blank=True,
        help_text="Key used in web and API addresses; derived from the title when left empty.",
    )
    summary = models.TextField(
        blank=True,
        help_text="What the proposal would do.",
        **limits.text_limit(limits.SUMMARY),
    )
    originated_by = models.ForeignKey(
        Actor,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="originated_proposals",
        help_text="Who first put it forward, if known.",
    )
    first_put_forward_on = models.DateField(
        null=True, blank=True, help_text="When it was first put forward, if known."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(
        **versioned_history(historical_queryset=HistoricalProposalQuerySet)
    )
    objects = ProposalQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(
                fields=["negotiation", "title"],
                name="positions_proposal_unique_title_per_negotiation",
                violation_error_message="This negotiation already has a proposal with this title.",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def links(self) -> list["LinkSeen"]:
        """Every link touching this proposal, seen from it: outgoing ones
        under their kind, incoming ones under its inverse (``variant``,
        ``source_of``, ``supersedes``), by kind and the other proposal's
        slug. Reads what ``ProposalQuerySet.with_links`` prefetched."""
        seen = [
            LinkSeen(link.kind, link.target, link.since, link.article)
            for link in self.outgoing_links.all()
        ] + [
            LinkSeen(
                INVERSE_LINK_KINDS[link.kind], link.source, link.since, link.article
            )
            for link in self.incoming_links.all()
        ]
        return sorted(seen, key=lambda link: (link.kind, link.proposal.slug))


@dataclass(frozen=True)
class LinkSeen:
    """A link as one proposal sees it: ``kind`` is the stored kind when the
    link starts there, its inverse name when it ends there; ``proposal`` is
    the other end."""

    kind: str
    proposal: Proposal
    since: datetime.date | None = None
    article: Article | None = None


class ProposalLink(models.Model):
    """``source`` is ``kind`` ``target``: "phased deal" is a variant of
    "road map", since a date, per an article."""

    source = models.ForeignKey(
        Proposal,
        on_delete=models.CASCADE,
        related_name="outgoing_links",
        help_text="The proposal the link is read from.",
    )
    kind = models.CharField(max_length=20, choices=LinkKind.choices)
    target = models.ForeignKey(
        Proposal,
        on_delete=models.CASCADE,
        related_name="incoming_links",
        help_text="The proposal it is a variant of, derived from or superseded by.",
    )
    since = models.DateField(
        null=True, blank=True, help_text="When the link began, if known."
    )
    article = models.ForeignKey(
        Article,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proposal_links",
        help_text="The source showing the link, if any.",
    )

    history = HistoricalRecords(**versioned_history())

    class Meta:
        ordering = ["source", "kind", "target"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "kind", "target"],
                name="positions_proposallink_once",
                violation_error_message="These proposals are already linked this way.",
            ),
            models.CheckConstraint(
                condition=~Q(source=models.F("target")),
                name="positions_proposallink_not_to_itself",
                violation_error_message="A proposal cannot be linked to itself.",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=LinkKind.values),
                name="positions_proposallink_kind_known",
                violation_error_message="Unknown kind of link.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source} is {self.get_kind_display()} {self.target}"

    def clean(self) -> None:
        if (
            self.source_id
            and self.target_id
            and self.source.negotiation_id != self.target.negotiation_id
        ):
            raise ValidationError(
                {"target": "Linked proposals must belong to the same negotiation."}
            )


class EventQuerySet(models.QuerySet):
    def search(self, query: str) -> "EventQuerySet":
        return self.filter(
            Q(title__icontains=query)
            | Q(place__icontains=query)
            | Q(description__icontains=query)
        )

    def named(self, name: str) -> "EventQuerySet":
        """Events whose slug or title is ``name``."""
        return self.filter(Q(slug=name) | Q(title__iexact=name))

    def in_time_order(self) -> "EventQuerySet":
        return self.order_by("starts_on", "title")


class HistoricalEventQuerySet(VersionedHistoricalQuerySet, EventQuerySet):
    """Recorded versions of events, searched as live ones are."""


class Event(SlugFromNameMixin, models.Model):
    """A dated happening of a negotiation: a summit, talks, a statement, a
    test, sanctions, a deadline."""

    slug_source = "title"

    negotiation = models.ForeignKey(
        Negotiation,
        on_delete=models.PROTECT,
        related_name="events",
        help_text="The negotiation this event belongs to.",
    )
    title = models.CharField(max_length=200, help_text="E.g. “Hanoi summit”.")
    slug = models.SlugField(
        max_length=100,
        unique=True,
        blank=True,
        help_text="Key used in web and API addresses; derived from the title when left empty.",
    )
    kind = models.CharField(
        max_length=20, choices=EventKind.choices, default=EventKind.OTHER
    )
    starts_on = models.DateField(help_text="First day of the event.")
    ends_on = models.DateField(
        null=True, blank=True, help_text="Last day, for an event of several days."
    )
    place = models.CharField(max_length=200, blank=True)
    description = models.TextField(blank=True, **limits.text_limit(limits.DESCRIPTION))
    articles = models.ManyToManyField(
        Article,
        related_name="events",
        blank=True,
        help_text="Sources reporting the event.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(
        **versioned_history(
            m2m_fields=[articles], historical_queryset=HistoricalEventQuerySet
        )
    )
    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["starts_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True)
                | Q(ends_on__gte=models.F("starts_on")),
                name="positions_event_end_after_start",
                violation_error_message="An event cannot end before it starts.",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=EventKind.values),
                name="positions_event_kind_known",
                violation_error_message="Unknown kind of event.",
            ),
            models.UniqueConstraint(
                fields=["negotiation", "title", "starts_on"],
                name="positions_event_once_per_negotiation",
                violation_error_message="This negotiation already has this event "
                "on that date.",
            ),
        ]
        indexes = [
            # A negotiation's events in time order: every time chart's markers.
            models.Index(
                fields=["negotiation", "starts_on"], name="positions_event_neg_day_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.starts_on})"

    @property
    def last_day(self):
        return self.ends_on or self.starts_on
