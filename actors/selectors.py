"""Reads of actors: live, or as recorded at the data version a request reads
(``config.lib.versions.reading``)."""

from collections import defaultdict

from actors.models import Actor, Affiliation
from config.lib.snapshots import recorded_rows_named
from config.lib.versions import (
    m2m_at,
    reading_version,
    recorded_at,
    set_prefetched,
)


def actors_listed():
    """The actors list (``/api/v1/actors/``) before its filters, by slug:
    live, or the actors' history rows standing at the version read."""
    version = reading_version()
    if version is None:
        return Actor.objects.prefetch_related("affiliations__organization").order_by(
            "slug", "id"
        )
    return Actor.history.at_version(version).order_by("slug", "id")


def as_actors(rows: list) -> list[Actor]:
    """Actors of ``actors_listed`` as Actor instances; history rows become
    the actors as recorded, with their affiliations (and the organizations
    of those) as recorded at the same version. Two queries for any number."""
    version = reading_version()
    if version is None or not rows or isinstance(rows[0], Actor):
        return list(rows)
    actors = [row.instance for row in rows]
    affiliations = [
        row.instance
        for row in Affiliation.history.at_version(version)
        .filter(person_id__in=[actor.pk for actor in actors])
        .order_by("start_date", "id")
    ]
    organizations = recorded_at(
        Actor, version, {affiliation.organization_id for affiliation in affiliations}
    )
    by_person = defaultdict(list)
    for affiliation in affiliations:
        # Deleting an actor deletes its affiliations (CASCADE) in the same
        # version, so a standing affiliation has a standing organization.
        affiliation.organization = organizations[affiliation.organization_id]
        by_person[affiliation.person_id].append(affiliation)
    for actor in actors:
        set_prefetched(actor, "affiliations", by_person[actor.pk])
    return actors


def negotiation_participant_ids(*, negotiations: list[int]):
    """Ids of the participants of ``negotiations`` as the request reads them
    (a subquery)."""
    negotiation = Actor._meta.get_field("negotiations").related_model
    version = reading_version()
    if version is None:
        return negotiation.participants.through.objects.filter(
            negotiation_id__in=negotiations
        ).values("actor_id")
    return (
        m2m_at(negotiation, "participants", version)
        .filter(owner__in=negotiations)
        .values("related")
    )


def actor_read(*, slug: str) -> Actor | None:
    """The actor a page names by ``slug``, as the request reads it: live, or
    as recorded at its version (None if it did not stand then)."""
    if reading_version() is None:
        return Actor.objects.filter(slug=slug).first()
    found = as_actors(recorded_rows_named(actors_listed(), Actor, slug))
    return found[0] if found else None


def actor_affiliations(*, actor: Actor) -> list[Affiliation]:
    """The person's roles, each with its organization, as the request reads
    them, in the model's order (by start)."""
    return _affiliations(person=actor, other="organization")


def actor_members(*, actor: Actor) -> list[Affiliation]:
    """The people speaking for the organization, each with the person, as
    the request reads them, by name then start."""
    return _affiliations(organization=actor, other="person")


def _affiliations(*, other: str, **actor) -> list[Affiliation]:
    ((end, actor),) = actor.items()
    version = reading_version()
    if version is None:
        return list(Affiliation.objects.filter(**{end: actor}).select_related(other))
    affiliations = [
        row.instance
        for row in Affiliation.history.at_version(version).filter(
            **{f"{end}_id": actor.pk}
        )
    ]
    others = recorded_at(
        Actor, version, {getattr(a, f"{other}_id") for a in affiliations}
    )
    for affiliation in affiliations:
        # Deleting an actor deletes its affiliations in the same version.
        setattr(affiliation, other, others[getattr(affiliation, f"{other}_id")])
        setattr(affiliation, end, actor)
    affiliations.sort(
        key=lambda a: (a.person.name, a.start_date, a.pk),
    )
    return affiliations
