"""A position's history as readers see it: each recorded version with what
it changed, field by field, who saved it and why."""

from dataclasses import dataclass

from positions.models import Position
from positions.selectors.positions import position_history

# What an edit can change: the fields an analyst edits.
EDITABLE_FIELDS = [
    field.name
    for field in Position._meta.concrete_fields
    if field.editable and not field.primary_key
]
# The reason a restore records (the history type alone says "created").
RESTORED = "restored"


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: str
    new: str


@dataclass(frozen=True)
class HistoryEntry:
    record: object
    what: str
    changes: tuple[FieldChange, ...]
    reason: str


def _shown(record, name: str) -> str:
    field = Position._meta.get_field(name)
    if field.choices:
        return str(getattr(record, f"get_{name}_display")())
    if field.is_relation:
        related = getattr(record, name, None)
        return "—" if related is None else str(related)
    value = getattr(record, name)
    return "—" if value in (None, "") else str(value)


def position_history_entries(*, position_id: int) -> list[HistoryEntry]:
    """Every recorded version of a position, oldest first: created, changed
    (with each field's old and new value), deleted or restored."""
    records = list(position_history(position_id=position_id))
    entries, previous = [], None
    for record in records:
        reason = record.history_change_reason or ""
        if record.history_type == "+":
            what = "Restored" if reason == RESTORED else "Created"
        else:
            what = record.get_history_type_display()
        changes = ()
        if previous is not None and record.history_type == "~":
            delta = record.diff_against(previous, included_fields=EDITABLE_FIELDS)
            changes = tuple(
                FieldChange(
                    Position._meta.get_field(change.field).verbose_name.capitalize(),
                    _shown(previous, change.field),
                    _shown(record, change.field),
                )
                for change in delta.changes
            )
        entries.append(
            HistoryEntry(
                record=record,
                what=what,
                changes=changes,
                reason="" if reason == RESTORED else reason,
            )
        )
        previous = record
    return entries


def deleted_position(*, position_id: int):
    """The last recorded state of a deleted position, or None if no position
    with this id was ever deleted (or it exists)."""
    if Position.objects.filter(pk=position_id).exists():
        return None
    return (
        Position.history.filter(id=position_id, history_type="-")
        .select_related("actor", "proposal", "article", "speaker")
        .order_by("-history_date", "-history_id")
        .first()
    )
