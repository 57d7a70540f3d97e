"""Folding a duplicate actor into another, with everything that refers to it."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from actors.models import Actor, Affiliation
from config.lib.slugs import MERGED_INTO
from positions.models import Negotiation, Position, Proposal
from positions.services.positions import save_validated


def _merge_aliases(keep: Actor, duplicate: Actor) -> list[str]:
    names = list(keep.aliases)
    for name in [duplicate.name, duplicate.short_name, *duplicate.aliases]:
        if name and name != keep.name and name not in names:
            names.append(name)
    return names


@dataclass(frozen=True)
class MergeResult:
    positions_moved: int
    exact_duplicates_removed: int
    affiliations_moved: int


@transaction.atomic
def merge_candidates(actors) -> list[Actor]:
    """``actors`` with what rests on each (``side_positions``,
    ``spoken_positions_count``, ``affiliation_count``), the most first."""
    counted = Actor.objects.filter(pk__in=[actor.pk for actor in actors]).annotate(
        side_positions=Count("positions", distinct=True),
        spoken_positions_count=Count("spoken_positions", distinct=True),
        affiliation_count=Count("affiliations", distinct=True)
        + Count("members", distinct=True),
    )
    return sorted(
        counted,
        key=lambda actor: (
            -(actor.side_positions + actor.spoken_positions_count),
            -actor.affiliation_count,
            actor.name,
        ),
    )


def actor_merge(*, keep: Actor, duplicate: Actor, by=None) -> MergeResult:
    """Fold ``duplicate`` into ``keep`` and delete ``duplicate``, all or nothing.

    Positions (as side or speaker), affiliations, negotiation participation and
    proposals it originated are re-pointed to ``keep``; its names become
    aliases of ``keep``. A position that would become an exact duplicate of
    one ``keep`` already has is deleted (history keeps it).
    """
    if keep.pk == duplicate.pk:
        raise ValidationError("Choose two different actors to merge.")
    if keep.kind != duplicate.kind:
        raise ValidationError(
            f"Cannot merge a {duplicate.get_kind_display().lower()} into a "
            f"{keep.get_kind_display().lower()}: the kinds differ."
        )
    history_user = by if by is not None and by.is_authenticated else None

    moved, removed = _repoint_positions(keep, duplicate, history_user)
    affiliations = list(Affiliation.objects.filter(person=duplicate)) + list(
        Affiliation.objects.filter(organization=duplicate)
    )
    for affiliation in affiliations:
        if affiliation.person_id == duplicate.pk:
            affiliation.person = keep
        if affiliation.organization_id == duplicate.pk:
            affiliation.organization = keep
        save_validated(affiliation, by=by)
    for proposal in Proposal.objects.filter(originated_by=duplicate):
        proposal.originated_by = keep
        save_validated(proposal, by=by)
    for negotiation in Negotiation.objects.filter(participants=duplicate):
        negotiation.participants.remove(duplicate)
        negotiation.participants.add(keep)

    keep.aliases = _merge_aliases(keep, duplicate)
    if history_user:
        duplicate._history_user = history_user
    # Read by the lookup of old slugs: the duplicate's address leads here.
    duplicate._change_reason = f"{MERGED_INTO}{keep.pk}"
    duplicate.delete()
    save_validated(keep, by=by)
    return MergeResult(
        positions_moved=moved,
        exact_duplicates_removed=removed,
        affiliations_moved=len(affiliations),
    )


def _repoint_positions(keep: Actor, duplicate: Actor, history_user) -> tuple[int, int]:
    def identity(position: Position) -> tuple:
        return (
            position.actor_id,
            position.proposal_id,
            position.article_id,
            position.speaker_id,
            position.stated_on,
        )

    existing = {identity(p) for p in Position.objects.filter(actor=keep)} | {
        identity(p) for p in Position.objects.filter(speaker=keep)
    }
    to_update, removed, now = [], 0, timezone.now()
    affected = Position.objects.filter(actor=duplicate) | Position.objects.filter(
        speaker=duplicate
    )
    for position in affected.distinct().order_by("id"):
        actor_id = keep.pk if position.actor_id == duplicate.pk else position.actor_id
        speaker_id = (
            keep.pk if position.speaker_id == duplicate.pk else position.speaker_id
        )
        would_be = (
            actor_id,
            position.proposal_id,
            position.article_id,
            speaker_id,
            position.stated_on,
        )
        if would_be in existing:
            # Deleted as it is, so its history shows the row it really was.
            if history_user:
                position._history_user = history_user
            position.delete()
            removed += 1
            continue
        existing.add(would_be)
        position.actor_id, position.speaker_id = actor_id, speaker_id
        position.version += 1
        position.updated_at = now
        to_update.append(position)
    if to_update:
        # One UPDATE per batch instead of per row: merging an actor with
        # thousands of positions, with a history row for each.
        bulk_update_with_history(
            to_update,
            Position,
            ["actor", "speaker", "version", "updated_at"],
            batch_size=500,
            default_user=history_user,
            default_change_reason="actor merge",
        )
    return len(to_update), removed
