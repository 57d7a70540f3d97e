"""Builds the demo world through the same validation and services as real data.

Idempotent: rows are found by their natural keys (slug, url, the position's
identity) and only missing ones are created, so a second run changes nothing.
"""

from collections import Counter
from pathlib import Path

from django.db import transaction

from actors.models import Actor, Affiliation
from positions.devdata.demo import data
from positions.models import Article, Confidence, Negotiation, Position, Proposal
from positions.services import position_create, side_for_speaker

HERE = Path(__file__).resolve().parent


def _create(model, created: Counter, **fields):
    obj = model(**fields)
    obj.full_clean()
    obj.save()
    created[model._meta.verbose_name_plural] += 1
    return obj


@transaction.atomic
def load_demo() -> Counter:
    """Create what is missing of the demo world; returns counts of what was created."""
    created: Counter = Counter()
    actors = {}
    for fields in data.STATES + [dict(p, kind="person") for p in data.PERSONS]:
        actors[fields["slug"]] = Actor.objects.filter(
            slug=fields["slug"]
        ).first() or _create(Actor, created, **fields)

    for person, organization, role, start, end in data.AFFILIATIONS:
        exists = Affiliation.objects.filter(
            person=actors[person], organization=actors[organization], start_date=start
        ).exists()
        if not exists:
            _create(
                Affiliation,
                created,
                person=actors[person],
                organization=actors[organization],
                role=role,
                start_date=start,
                end_date=end,
            )

    spec = dict(data.NEGOTIATION)
    participants = [actors[slug] for slug in spec.pop("participants")]
    negotiation = Negotiation.objects.filter(slug=spec["slug"]).first()
    if negotiation is None:
        negotiation = _create(Negotiation, created, **spec)
        negotiation.participants.set(participants)

    proposals = {}
    for fields in data.PROPOSALS:
        fields = dict(fields, originated_by=actors[fields["originated_by"]])
        proposals[fields["slug"]] = Proposal.objects.filter(
            slug=fields["slug"]
        ).first() or _create(Proposal, created, negotiation=negotiation, **fields)

    articles = {}
    for fields in data.ARTICLES:
        fields = dict(fields)
        key = fields.pop("key")
        body_file = fields.pop("body_file", None)
        if body_file:
            fields["body"] = (HERE / body_file).read_text(encoding="utf-8")
        articles[key] = Article.objects.by_url(fields["url"]).first() or _create(
            Article, created, **fields
        )

    for spec in data.POSITIONS:
        fields = _position_fields(spec, actors, proposals, articles)
        if not Position.objects.filter(**_identity(fields)).exists():
            position_create(**fields)
            created["positions"] += 1
    return created


def _position_fields(spec: dict, actors, proposals, articles) -> dict:
    speaker = actors[spec["speaker"]] if "speaker" in spec else None
    actor = actors[spec["actor"]] if "actor" in spec else None
    if actor is None:
        actor = side_for_speaker(speaker=speaker, on=spec["stated_on"])
    return {
        "actor": actor,
        "speaker": speaker,
        "proposal": proposals[spec["proposal"]],
        "article": articles[spec["article"]],
        "stance": spec["stance"],
        "stated_on": spec["stated_on"],
        "confidence": Confidence[spec.get("confidence", "medium").upper()],
        "quote": spec.get("quote", ""),
        "note": spec.get("note", ""),
    }


def _identity(fields: dict) -> dict:
    keys = ("actor", "proposal", "article", "speaker", "stated_on")
    return {key: fields[key] for key in keys}
