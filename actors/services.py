"""Writes with rules for actors."""

from django.core.exceptions import ValidationError
from django.db import transaction

from actors.models import Actor, Affiliation


@transaction.atomic
def actor_set_affiliations(*, person: Actor, affiliations: list[dict], by=None) -> None:
    """Make ``person``'s affiliations exactly ``affiliations``, all or nothing.

    Each item has ``organization``, ``role``, ``start_date`` and ``end_date``.
    An existing affiliation with the same organization and start date is
    changed in place (its history continues); the others are deleted and the
    new ones created. Every change is validated and kept in history.
    """
    if affiliations and person.kind != Actor.Kind.PERSON:
        raise ValidationError(
            {"affiliations": "Only a person has affiliations; this actor is not one."}
        )
    existing = {
        (affiliation.organization_id, affiliation.start_date): affiliation
        for affiliation in Affiliation.objects.filter(person=person)
    }
    kept, errors = set(), []
    for index, item in enumerate(affiliations):
        key = (item["organization"].pk, item["start_date"])
        affiliation = existing.get(key) or Affiliation(person=person)
        for field in ("organization", "role", "start_date", "end_date"):
            if field in item:
                setattr(affiliation, field, item[field])
        try:
            affiliation.full_clean()
        except ValidationError as error:
            errors.append(f"Affiliation {index + 1}: {' '.join(error.messages)}")
            continue
        _record_user(affiliation, by)
        affiliation.save()
        kept.add(key)
    if errors:
        raise ValidationError({"affiliations": errors})
    for key, affiliation in existing.items():
        if key not in kept:
            _record_user(affiliation, by)
            affiliation.delete()


def _record_user(obj, by) -> None:
    if by is not None and by.is_authenticated:
        obj._history_user = by
