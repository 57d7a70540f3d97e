"""The negotiation, proposal and event lists of the API: live, or as
recorded at the data version a request reads (``config.lib.versions.reading``).

As of a past version each list reads the history rows standing then, and
``as_*`` turns a page of them into model instances whose relations (the
participants, a proposal's negotiation and links, an event's articles) are
those recorded at the same version, so a serializer shows them as it shows
live ones. Edits, deletions and additions recorded later change nothing.
"""

from collections import defaultdict

from django.db.models import Prefetch, Q

from actors.models import Actor
from config.lib.snapshots import recorded_rows_named
from config.lib.versions import m2m_at, reading_version, recorded_at, set_prefetched
from positions.models import Article, Event, Negotiation, Proposal, ProposalLink


def negotiations_listed():
    version = reading_version()
    if version is None:
        return Negotiation.objects.prefetch_related("participants").order_by(
            "slug", "id"
        )
    return Negotiation.history.at_version(version).order_by("slug", "id")


def as_negotiations(rows: list) -> list[Negotiation]:
    """A page of ``negotiations_listed`` as instances, with the participants
    recorded then, by name as live ones are. Two queries."""
    version = reading_version()
    if version is None or not rows or isinstance(rows[0], Negotiation):
        return list(rows)
    negotiations = [row.instance for row in rows]
    participants = _participants_at(
        version, [negotiation.pk for negotiation in negotiations]
    )
    for negotiation in negotiations:
        set_prefetched(negotiation, "participants", participants[negotiation.pk])
    return negotiations


def _participants_at(version: int, negotiation_ids: list[int]) -> dict:
    """{negotiation id: its participants recorded at ``version``, by name}."""
    links = list(
        m2m_at(Negotiation, "participants", version)
        .filter(owner__in=negotiation_ids)
        .values_list("owner", "related")
    )
    actors = recorded_at(Actor, version, {actor_id for _, actor_id in links})
    participants = defaultdict(list)
    for negotiation_id, actor_id in links:
        if actor_id in actors:
            participants[negotiation_id].append(actors[actor_id])
    for listed in participants.values():
        listed.sort(key=lambda actor: actor.name)
    return participants


def negotiation_read(*, slug: str) -> Negotiation | None:
    """The negotiation a page names by ``slug``, as the request reads it:
    live, or as recorded at its version (None if it did not stand then),
    with its participants recorded then."""
    version = reading_version()
    if version is None:
        return Negotiation.objects.filter(slug=slug).first()
    found = as_negotiations(
        recorded_rows_named(negotiations_listed(), Negotiation, slug)
    )
    return found[0] if found else None


def negotiation_participants(*, negotiation: Negotiation) -> list[Actor]:
    """Its participants by name (the matrix's rows), as the request reads them."""
    version = reading_version()
    if version is None:
        return list(negotiation.participants.order_by("name"))
    return _participants_at(version, [negotiation.pk])[negotiation.pk]


def negotiation_proposals(*, negotiation: Negotiation) -> list[Proposal]:
    """Its proposals by title (the matrix's columns), as the request reads
    them: one added later is not among them, one renamed since has its
    title of then."""
    version = reading_version()
    if version is None:
        return list(negotiation.proposals.order_by("title"))
    return [
        row.instance
        for row in Proposal.history.at_version(version)
        .filter(negotiation_id=negotiation.pk)
        .order_by("title", "id")
    ]


def negotiation_proposal_ids(*, negotiation: Negotiation):
    """Ids of its proposals as the request reads them (a subquery)."""
    version = reading_version()
    if version is None:
        return Proposal.objects.filter(negotiation=negotiation).values("id")
    return (
        Proposal.history.at_version(version)
        .filter(negotiation_id=negotiation.pk)
        .values("id")
    )


def negotiation_ids_with_participants(*, actors: list[int]):
    """Ids of the negotiations ``actors`` take part in, as the request reads
    them (a subquery)."""
    version = reading_version()
    if version is None:
        return Negotiation.participants.through.objects.filter(
            actor_id__in=actors
        ).values("negotiation_id")
    return (
        m2m_at(Negotiation, "participants", version)
        .filter(related__in=actors)
        .values("owner")
    )


def proposals_listed():
    version = reading_version()
    if version is None:
        return (
            Proposal.objects.select_related("negotiation", "originated_by")
            .with_links()
            .order_by("slug", "id")
        )
    return Proposal.history.at_version(version).order_by("slug", "id")


def as_proposals(rows: list) -> list[Proposal]:
    """A page of ``proposals_listed`` as instances, with their negotiation,
    originator and links (both ends and the article) recorded then."""
    version = reading_version()
    if version is None or not rows or isinstance(rows[0], Proposal):
        return list(rows)
    proposals = [row.instance for row in rows]
    ids = [proposal.pk for proposal in proposals]
    links = [
        row.instance
        for row in ProposalLink.history.at_version(version).filter(
            Q(source_id__in=ids) | Q(target_id__in=ids)
        )
    ]
    others = recorded_at(
        Proposal,
        version,
        {link.source_id for link in links} | {link.target_id for link in links},
    )
    others.update({proposal.pk: proposal for proposal in proposals})
    negotiations = recorded_at(
        Negotiation, version, {proposal.negotiation_id for proposal in proposals}
    )
    originators = recorded_at(
        Actor, version, {proposal.originated_by_id for proposal in proposals}
    )
    articles = recorded_at(Article, version, {link.article_id for link in links})
    outgoing, incoming = defaultdict(list), defaultdict(list)
    for link in links:
        if link.source_id not in others or link.target_id not in others:
            continue
        link.source, link.target = others[link.source_id], others[link.target_id]
        link.article = articles.get(link.article_id)
        outgoing[link.source_id].append(link)
        incoming[link.target_id].append(link)
    for proposal in proposals:
        proposal.negotiation = negotiations[proposal.negotiation_id]
        proposal.originated_by = originators.get(proposal.originated_by_id)
        set_prefetched(proposal, "outgoing_links", outgoing[proposal.pk])
        set_prefetched(proposal, "incoming_links", incoming[proposal.pk])
    return proposals


def proposal_read(*, slug: str) -> Proposal | None:
    """The proposal a page names by ``slug`` with its negotiation,
    originator and links, as the request reads them (None if it did not
    stand at the version read)."""
    version = reading_version()
    if version is None:
        return (
            Proposal.objects.select_related("negotiation", "originated_by")
            .with_links()
            .filter(slug=slug)
            .first()
        )
    found = as_proposals(recorded_rows_named(proposals_listed(), Proposal, slug))
    return found[0] if found else None


def events_listed():
    version = reading_version()
    if version is None:
        # Only the articles' ids: an article's body can be long.
        return (
            Event.objects.select_related("negotiation")
            .prefetch_related(
                Prefetch("articles", queryset=Article.objects.only("id").order_by("id"))
            )
            .order_by("starts_on", "id")
        )
    return Event.history.at_version(version).order_by("starts_on", "id")


def as_events(rows: list) -> list[Event]:
    """A page of ``events_listed`` as instances, with their negotiation and
    the ids of their articles recorded then."""
    version = reading_version()
    if version is None or not rows or isinstance(rows[0], Event):
        return list(rows)
    events = [row.instance for row in rows]
    negotiations = recorded_at(
        Negotiation, version, {event.negotiation_id for event in events}
    )
    articles = defaultdict(list)
    for event_id, article_id in (
        m2m_at(Event, "articles", version)
        .filter(owner__in=[event.pk for event in events])
        .values_list("owner", "related")
        .order_by("related")
    ):
        # Only the id is shown, as in the live list.
        articles[event_id].append(Article(id=article_id))
    for event in events:
        event.negotiation = negotiations[event.negotiation_id]
        set_prefetched(event, "articles", articles[event.pk])
    return events
