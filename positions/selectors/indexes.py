"""The index pages: every negotiation, proposal and actor, for browsing.

Counts come from the small tables (proposals, participants) only: counting
positions here would read a million rows for a list of names.
"""

from django.db.models import Count, Prefetch, QuerySet

from actors.models import Actor, Affiliation
from positions.models import Negotiation, Proposal


def negotiation_index() -> QuerySet[Negotiation]:
    """Negotiations by title, each with its participants and proposal count."""
    return (
        Negotiation.objects.annotate(proposal_count=Count("proposals", distinct=True))
        .prefetch_related(Prefetch("participants", Actor.objects.order_by("name")))
        .order_by("title")
    )


def proposal_index() -> QuerySet[Proposal]:
    """Proposals by negotiation, then title."""
    return Proposal.objects.select_related("negotiation").order_by(
        "negotiation__title", "title"
    )


def actor_index() -> dict[str, QuerySet[Actor]]:
    """The sides (states, organisations) and the persons, by name; each person
    with their affiliations, latest first."""
    return {
        "sides": Actor.objects.sides().order_by("name"),
        "persons": Actor.objects.persons()
        .prefetch_related(
            Prefetch(
                "affiliations",
                Affiliation.objects.select_related("organization").order_by(
                    "-start_date"
                ),
            )
        )
        .order_by("name"),
    }
