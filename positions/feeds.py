import datetime
from dataclasses import dataclass

from django.contrib.auth.views import redirect_to_login
from django.contrib.syndication.views import Feed
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from actors.models import Actor
from config.lib.access import may_read
from positions.models import Position, Proposal
from positions.parameters import ChangesParameters
from positions.selectors import change_list, positions_by_id, recently_recorded
from positions.selectors.rows import Change

FEED_LENGTH = 50


@dataclass(frozen=True)
class ChangeEntry:
    """A change with the position standing for its date: its quote and source."""

    change: Change
    position: Position | None


def _said(position: Position | None) -> str:
    """The quote and the source of ``position``, as a sentence or two."""
    if position is None:
        return ""
    quote = f" “{position.quote}”" if position.quote else ""
    speaker = f" ({position.speaker.name})" if position.speaker_id else ""
    article = position.article
    return (
        f"{quote}{speaker} Source: {article.outlet}, {article.published_on}: "
        f"{article.title} <{article.url}>."
    )


class ReadableFeed(Feed):
    """A feed readable by those who may read the site."""

    feed_type = Atom1Feed
    description_template = None

    def __call__(self, request, *args, **kwargs):
        if not may_read(request.user):
            return redirect_to_login(request.get_full_path())
        return super().__call__(request, *args, **kwargs)


class ChangesFeed(ReadableFeed):
    """Atom feed of stance changes, newest first; ``?actor=`` and ``?negotiation=``
    (repeatable) narrow it and ``?contested=false`` leaves contested changes
    out, as on the changes page. Each entry carries the quote and the source
    of the position standing for the change's date."""

    def get_object(self, request):
        parameters = ChangesParameters(request.GET)
        if not parameters.is_valid():
            raise Http404(
                "; ".join(
                    f"{k}: {' '.join(v)}" for k, v in parameters.all_errors.items()
                )
            )
        return parameters.arguments()

    def title(self, arguments):
        return "Stance changes"

    def subtitle(self, arguments):
        return "Who moved on which proposal, newest first."

    def link(self, arguments):
        return reverse("positions:change-list")

    def items(self, arguments):
        changes = change_list(**arguments, limit=FEED_LENGTH)
        standing = positions_by_id(change.to_position_id for change in changes)
        return [
            ChangeEntry(change, standing.get(change.to_position_id))
            for change in changes
        ]

    def item_title(self, entry):
        change = entry.change
        marked = " (contested)" if change.contested else ""
        if change.kind == "initial":
            return f"{change.actor_name}: first stance on {change.proposal_title}, {change.to_label}{marked}"
        return (
            f"{change.actor_name}: {change.kind} on {change.proposal_title}, "
            f"from {change.from_label} to {change.to_label}{marked}"
        )

    def item_description(self, entry):
        change = entry.change
        disputed = (
            " Sources of that day or the one before disagree (disputed)."
            if change.disputed
            else ""
        )
        contested = (
            " Contested: the highest-confidence sources disagreed, so this may be"
            " an artefact of coding rather than a move."
            if change.contested
            else ""
        )
        said = _said(entry.position)
        return f"Changed on {change.changed_on}.{said}{disputed}{contested}"

    def item_link(self, entry):
        return reverse("positions:position-detail", args=[entry.change.to_position_id])

    def item_guid(self, entry):
        # Atom ids are URIs; a change is one pair on one date.
        change = entry.change
        return f"urn:stance-tracker:change:{change.actor_id}:{change.proposal_id}:{change.changed_on}"

    item_guid_is_permalink = False

    def item_pubdate(self, entry):
        return datetime.datetime.combine(
            entry.change.changed_on, datetime.time(), tzinfo=datetime.UTC
        )

    def item_updateddate(self, entry):
        return self.item_pubdate(entry)


class ActorChangesFeed(ChangesFeed):
    """The changes of one side."""

    def get_object(self, request, slug):
        actor = get_object_or_404(Actor.objects.sides(), slug=slug)
        return {"actors": [actor], "subject": actor.name}

    def items(self, arguments):
        return super().items({"actors": arguments["actors"]})

    def title(self, arguments):
        return f"Stance changes of {arguments['subject']}"

    def link(self, arguments):
        return reverse("positions:actor-detail", args=[arguments["actors"][0].slug])


class ProposalChangesFeed(ChangesFeed):
    """The changes of every side on one proposal."""

    def get_object(self, request, slug):
        proposal = get_object_or_404(Proposal, slug=slug)
        return {"proposals": [proposal], "subject": proposal.title}

    def items(self, arguments):
        return super().items({"proposals": arguments["proposals"]})

    def title(self, arguments):
        return f"Stance changes on {arguments['subject']}"

    def link(self, arguments):
        return reverse(
            "positions:proposal-detail", args=[arguments["proposals"][0].slug]
        )


class RecordedFeed(ReadableFeed):
    """Positions as they are recorded, newest first, whatever date they
    were stated on: what a curator reviewing new coding wants to see."""

    title = "Newly recorded positions"
    subtitle = (
        "Each position as it is recorded, newest first, with its quote and source."
    )

    def link(self):
        return reverse("positions:change-list")

    def items(self):
        return recently_recorded(limit=FEED_LENGTH)

    def item_title(self, position):
        return (
            f"{position.actor.name} {position.stance_label} "
            f"{position.proposal.title} (stated {position.stated_on})"
        )

    def item_description(self, position):
        return f"Stated on {position.stated_on}.{_said(position)}"

    def item_link(self, position):
        return reverse("positions:position-detail", args=[position.pk])

    def item_pubdate(self, position):
        return position.created_at

    def item_updateddate(self, position):
        return position.created_at
