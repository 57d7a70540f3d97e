"""Writes of positions that carry rules: create, update, delete, restore, bulk.

Each runs in one transaction and validates with ``full_clean`` before saving
(or ``full_clean_each``, its equivalent for many new objects at once), so a
broken rule raises ``ValidationError`` and leaves the database as it was.
Saves go one object at a time, or through django-simple-history's helpers,
so that every change lands in history.
"""

import datetime
from collections import defaultdict
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import transaction
from simple_history.utils import bulk_create_with_history

from actors.models import Actor, Affiliation
from config.lib.bulk_clean import BULK_BATCH_SIZE, full_clean_each, in_batches
from config.lib.rest import error_dict
from config.lib.versions import take_data_version
from positions.models import (
    NOT_THE_SIDES_VOICE,
    Article,
    Attribution,
    Position,
    Proposal,
)
from positions.selectors.history import RESTORED, deleted_position

POSITION_EDITABLE_FIELDS = (
    "actor",
    "proposal",
    "stance",
    "stated_on",
    "article",
    "speaker",
    "quote",
    "note",
    "confidence",
    "event",
    "attribution",
    "condition",
    "condition_proposal",
    "condition_event",
    "quote_original",
    "quote_language",
)


class VersionConflict(Exception):
    """The object was saved by someone else since the editor loaded it."""

    def __init__(self, *, expected: int, current: int):
        self.expected = expected
        self.current = current
        super().__init__(
            f"This position was changed by someone else (version {current}) since "
            f"you loaded version {expected}. Reload it and apply your edit again."
        )


def side_for_speaker(*, speaker: Actor, on: datetime.date) -> Actor:
    """The state or organization ``speaker`` was affiliated with on ``on``.

    Raises ``ValidationError`` (on ``actor``) when there is none, or when
    there are several different ones and the choice would be a guess.
    """
    return _only_side(
        speaker,
        on,
        {
            affiliation.organization
            for affiliation in Affiliation.objects.on(on)
            .filter(person=speaker)
            .select_related("organization")
        },
    )


def _only_side(speaker: Actor, on: datetime.date, organizations: set[Actor]) -> Actor:
    if len(organizations) == 1:
        return organizations.pop()
    if not organizations:
        raise ValidationError(
            {
                "actor": f"{speaker} had no affiliation on {on}, so the side cannot be "
                "taken from the speaker. Choose the side."
            }
        )
    names = ", ".join(sorted(str(org) for org in organizations))
    raise ValidationError(
        {
            "actor": f"{speaker} was affiliated with several sides on {on} ({names}). "
            "Choose the side."
        }
    )


def _fill_side(fields: dict, side_for=side_for_speaker) -> None:
    if fields.get("actor") is None and fields.get("speaker") is not None:
        attribution = fields.get("attribution")
        if attribution in NOT_THE_SIDES_VOICE:
            label = Attribution(attribution).label
            raise ValidationError(
                {
                    "actor": f"The speaker does not speak for the side ({label}), so "
                    "the side cannot be taken from the speaker's affiliation. Choose "
                    "the side."
                }
            )
        if fields.get("stated_on") is None:
            raise ValidationError({"stated_on": "This field is required."})
        fields["actor"] = side_for(speaker=fields["speaker"], on=fields["stated_on"])


def save_validated(obj, *, by=None) -> None:
    obj.full_clean()
    if by is not None and by.is_authenticated:
        obj._history_user = by
    obj.save()


@transaction.atomic
def position_create(*, recorded_by=None, **fields) -> Position:
    """Record one position.

    When ``actor`` (the side) is left out and a ``speaker`` is given, the side
    is the organization the speaker was affiliated with on ``stated_on``.
    """
    unknown = set(fields) - set(POSITION_EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown position fields: {sorted(unknown)}")
    _fill_side(fields)
    position = Position(**fields)
    if recorded_by is not None and recorded_by.is_authenticated:
        position.recorded_by = recorded_by
    save_validated(position, by=recorded_by)
    return position


@transaction.atomic
def position_update(
    *, position_id: int, expected_version: int, changes: dict, by=None, reason=""
) -> Position:
    """Apply ``changes`` if nobody saved the position since ``expected_version``;
    ``reason``, if given, is recorded with the new version in its history.

    The row is locked while checking, so two concurrent edits of the same
    version cannot both pass. Raises ``VersionConflict`` or
    ``ValidationError``; in both cases nothing changes.
    """
    unknown = set(changes) - set(POSITION_EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown position fields: {sorted(unknown)}")
    take_data_version()  # before the row's lock: see config.lib.versions
    position = Position.objects.select_for_update().get(pk=position_id)
    if position.version != expected_version:
        raise VersionConflict(expected=expected_version, current=position.version)
    merged = {field: getattr(position, field) for field in POSITION_EDITABLE_FIELDS}
    merged.update(changes)
    if "actor" in changes and changes["actor"] is None:
        _fill_side(merged)
    for field, value in merged.items():
        setattr(position, field, value)
    position.version += 1
    if reason:
        position._change_reason = reason
    save_validated(position, by=by)
    return position


@transaction.atomic
def position_delete(*, position_id: int, expected_version: int | None = None, by=None):
    """Delete a position; history keeps a copy that ``position_restore`` brings back."""
    take_data_version()  # before the row's lock: see config.lib.versions
    position = Position.objects.select_for_update().get(pk=position_id)
    if expected_version is not None and position.version != expected_version:
        raise VersionConflict(expected=expected_version, current=position.version)
    if by is not None and by.is_authenticated:
        position._history_user = by
    position.delete()


@transaction.atomic
def position_restore(*, position_id: int, by=None) -> Position:
    """Bring back a deleted position as it was when deleted, under its old id.

    The rules are checked again: if its article or proposal has gone since,
    ``ValidationError`` says so and nothing is restored.
    """
    if Position.objects.filter(pk=position_id).exists():
        raise ValidationError("This position exists; there is nothing to restore.")
    deletion = deleted_position(position_id=position_id)
    if deletion is None:
        raise ValidationError("No deleted position has this id.")
    position = deletion.instance
    position.version += 1
    # Recorded as a restore, not as a new position.
    position._change_reason = RESTORED
    try:
        save_validated(position, by=by)
    except (Article.DoesNotExist, Proposal.DoesNotExist, Actor.DoesNotExist):
        raise ValidationError(
            "The position's article, proposal or actor no longer exists."
        ) from None
    return position


class BulkValidationError(Exception):
    """Some rows broke a rule; ``errors`` maps each such row's index to its errors."""

    def __init__(self, errors: dict[int, dict[str, list[str]]]):
        self.errors = errors
        super().__init__(f"{len(errors)} invalid row(s); nothing was saved.")


@transaction.atomic
def positions_bulk_create(
    *, rows: list[dict], recorded_by=None, on_row=None
) -> list[Position]:
    """Create every row with ``position_create``'s rules, or none of them.

    All rows are checked, so the errors name every bad row, not just the first,
    with ``position_create``'s messages; a row repeating an earlier valid row is
    an exact duplicate, as if that one had been saved first. The checks read
    the database a fixed number of times, not once per row (``full_clean_each``),
    then the rows are inserted in batches, each with its "created" history row
    by ``recorded_by``. ``on_row`` is called after each row is checked (a
    progress bar).
    """
    for fields in rows:
        unknown = set(fields) - set(POSITION_EDITABLE_FIELDS)
        if unknown:
            raise TypeError(f"Unknown position fields: {sorted(unknown)}")
    by = (
        recorded_by
        if recorded_by is not None and recorded_by.is_authenticated
        else None
    )
    side_for, affiliated = _preloaded_affiliations(rows)
    positions: list[Position | None] = []
    errors = {}
    for index, fields in enumerate(rows):
        fields = dict(fields)
        try:
            _fill_side(fields, side_for=side_for)
        except ValidationError as error:
            errors[index] = error_dict(error)
            positions.append(None)
            continue
        position = Position(**fields)
        if not position.attribution:
            position.attribution = position.default_attribution(affiliated)
        if by is not None:
            position.recorded_by = by
        positions.append(position)
    for index, error in full_clean_each(positions, on_checked=on_row).items():
        errors[index] = error_dict(error)
    if errors:
        raise BulkValidationError(dict(sorted(errors.items())))
    for position in positions:
        # What save() does one at a time; bulk inserts call no save().
        position.apply_quote_check(position.article.body)
    bulk_create_with_history(
        positions, Position, batch_size=BULK_BATCH_SIZE, default_user=by
    )
    return positions


def _preloaded_affiliations(rows: list[dict]) -> tuple[Callable[..., Actor], Callable]:
    """``side_for_speaker`` for the rows' speakers, and whether a speaker was
    affiliated with a side on a date, their affiliations loaded at once."""
    speaker_ids = {
        fields["speaker"].pk for fields in rows if fields.get("speaker") is not None
    }
    affiliations = defaultdict(list)
    for batch in in_batches(speaker_ids):
        for affiliation in Affiliation.objects.filter(
            person_id__in=batch
        ).select_related("organization"):
            affiliations[affiliation.person_id].append(affiliation)
    to_date = Position._meta.get_field("stated_on").to_python

    def organizations_on(person_id: int, on) -> set[Actor]:
        on = to_date(on)
        # The rule of Affiliation.objects.on(): both ends inclusive, no end open.
        return {
            affiliation.organization
            for affiliation in affiliations[person_id]
            if affiliation.start_date <= on
            and (affiliation.end_date is None or affiliation.end_date >= on)
        }

    def side_for(*, speaker: Actor, on) -> Actor:
        return _only_side(speaker, to_date(on), organizations_on(speaker.pk, on))

    def affiliated(person_id: int, organization_id: int, on) -> bool:
        return any(
            organization.pk == organization_id
            for organization in organizations_on(person_id, on)
        )

    return side_for, affiliated
