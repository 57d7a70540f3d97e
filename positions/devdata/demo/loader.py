"""Builds the demo world through the same validation and services as real data.

Idempotent: rows are found by their natural keys (an actor's or event's slug,
an article's normalised address, a position's identity: side, proposal,
article, speaker and date). Missing rows are created, rows that differ from
the demo's values are brought back to them unless a person has edited them
since (their edit is kept), and what the first demo had under addresses the
facts files do not give is retired (``legacy``). A second run changes
nothing. Every write is validated and kept in history.
"""

from collections import Counter
from pathlib import Path

from django.db import transaction

from actors.models import Actor, Affiliation
from positions.devdata.demo import (
    actors,
    events,
    legacy,
    negotiation,
    sources_2018,
    sources_2019,
    statements_2018,
    statements_2019_hanoi,
    statements_2019_later,
)
from positions.models import (
    Article,
    Confidence,
    Event,
    Negotiation,
    Position,
    Proposal,
)
from positions.services import position_create, position_delete, position_update

HERE = Path(__file__).resolve().parent
ARTICLES = sources_2018.ARTICLES + sources_2019.ARTICLES
POSITIONS = (
    statements_2018.POSITIONS
    + statements_2019_hanoi.POSITIONS
    + statements_2019_later.POSITIONS
)
ARTICLE_DEFAULTS = {"authors": "", "language": "en", "summary": "", "body": ""}
EVENT_DEFAULTS = {"ends_on": None, "place": "", "description": ""}
# The fields of a position the demo sets, besides its identity, and their
# values when the demo leaves them out.
POSITION_DEFAULTS = {
    "stance": None,
    "quote": "",
    "note": "",
    "confidence": Confidence.MEDIUM,
    "event": None,
    "attribution": "",
    "condition": "",
    "condition_proposal": None,
    "condition_event": None,
}
IDENTITY = ("actor", "proposal", "article", "speaker", "stated_on")


def edited_by_someone(obj) -> bool:
    """Whether a person (not the loader, which saves as nobody) ever saved
    ``obj``: the demo then leaves it as they made it."""
    return obj.history.filter(history_user__isnull=False).exists()


class _Loader:
    def __init__(self):
        self.changed: Counter = Counter()

    def put(self, model, found, fields: dict):
        """Create ``model(**fields)`` when ``found`` is None, otherwise bring
        ``found`` to ``fields``; either way validated and saved in history."""
        name = model._meta.verbose_name_plural
        if found is None:
            obj = model(**fields)
            obj.full_clean()
            obj.save()
            self.changed[name] += 1
            return obj
        differ = {k: v for k, v in fields.items() if getattr(found, k) != v}
        if differ and edited_by_someone(found):
            self.changed[f"{name} kept as edited"] += 1
        elif differ:
            for key, value in differ.items():
                setattr(found, key, value)
            found.full_clean()
            found.save()
            self.changed[f"{name} updated"] += 1
        return found

    def add_missing(self, relation, objects, name: str) -> None:
        present = set(relation.all())
        missing = [obj for obj in objects if obj not in present]
        if missing:
            relation.add(*missing)
            self.changed[name] += len(missing)


@transaction.atomic
def load_demo() -> Counter:
    """Create or update the demo world; returns counts of what changed."""
    loader = _Loader()
    actor = _load_actors(loader)
    talks, proposal = _load_negotiation(loader, actor)
    article = _load_articles(loader)
    event = _load_events(loader, talks, article)
    _load_positions(loader, actor, proposal, article, event)
    _retire_legacy(loader)
    return loader.changed


def _load_actors(loader: _Loader) -> dict[str, Actor]:
    found = {}
    for spec in actors.STATES + [dict(p, kind="person") for p in actors.PERSONS]:
        existing = Actor.objects.filter(slug=spec["slug"]).first()
        found[spec["slug"]] = loader.put(Actor, existing, spec)
    for person, organization, role, start, end in actors.AFFILIATIONS:
        existing = Affiliation.objects.filter(
            person=found[person], organization=found[organization], role=role
        ).first()
        fields = {
            "person": found[person],
            "organization": found[organization],
            "role": role,
            "start_date": start,
            "end_date": end,
        }
        loader.put(Affiliation, existing, fields)
    return found


def _load_negotiation(loader: _Loader, actor: dict) -> tuple[Negotiation, dict]:
    spec = dict(negotiation.NEGOTIATION)
    participants = [actor[slug] for slug in spec.pop("participants")]
    existing = Negotiation.objects.filter(slug=spec["slug"]).first()
    talks = loader.put(Negotiation, existing, spec)
    loader.add_missing(talks.participants, participants, "participants")
    proposals = {}
    for spec in negotiation.PROPOSALS:
        origin = spec["originated_by"]
        fields = dict(
            spec, negotiation=talks, originated_by=actor[origin] if origin else None
        )
        existing = Proposal.objects.filter(slug=spec["slug"]).first()
        proposals[spec["slug"]] = loader.put(Proposal, existing, fields)
    return talks, proposals


def _load_articles(loader: _Loader) -> dict[str, Article]:
    found = {}
    for spec in ARTICLES:
        fields = {**ARTICLE_DEFAULTS, **spec}
        key = fields.pop("key")
        body_file = fields.pop("body_file", None)
        if body_file:
            fields["body"] = (HERE / body_file).read_text(encoding="utf-8")
        existing = Article.objects.by_url(fields["url"]).first()
        if existing is not None:
            # Matched by its normalised address: the address stays as stored.
            fields.pop("url")
        found[key] = loader.put(Article, existing, fields)
    return found


def _load_events(loader: _Loader, talks: Negotiation, article: dict) -> dict:
    found = {}
    for spec in events.EVENTS:
        fields = {**EVENT_DEFAULTS, **spec, "negotiation": talks}
        sources = [article[key] for key in fields.pop("articles")]
        existing = Event.objects.filter(slug=spec["slug"]).first()
        event = loader.put(Event, existing, fields)
        loader.add_missing(event.articles, sources, "event sources")
        found[spec["slug"]] = event
    return found


def _load_positions(loader: _Loader, actor, proposal, article, event) -> None:
    for spec in POSITIONS:
        fields = _position_fields(spec, actor, proposal, article, event)
        identity = {key: fields[key] for key in IDENTITY}
        existing = Position.objects.filter(**identity).first()
        if existing is None:
            position_create(**fields)
            loader.changed["positions"] += 1
            continue
        changes = {
            key: value
            for key, value in fields.items()
            if key not in IDENTITY and getattr(existing, key) != value
        }
        if changes and edited_by_someone(existing):
            loader.changed["positions kept as edited"] += 1
        elif changes:
            position_update(
                position_id=existing.pk,
                expected_version=existing.version,
                changes=changes,
            )
            loader.changed["positions updated"] += 1


def _position_fields(spec: dict, actor, proposal, article, event) -> dict:
    fields = {**POSITION_DEFAULTS, **spec}
    confidence = fields["confidence"]
    if isinstance(confidence, str):
        fields["confidence"] = Confidence[confidence.upper()]
    speaker = fields.pop("speaker", None)
    fields.update(
        actor=actor[fields["actor"]],
        speaker=actor[speaker] if speaker else None,
        proposal=proposal[fields["proposal"]],
        article=article[fields["article"]],
        event=event[fields["event"]] if fields["event"] else None,
        condition_proposal=(
            proposal[fields["condition_proposal"]]
            if fields["condition_proposal"]
            else None
        ),
        condition_event=(
            event[fields["condition_event"]] if fields["condition_event"] else None
        ),
    )
    return fields


def _retire_legacy(loader: _Loader) -> None:
    for url, identities in legacy.RETIRED.items():
        article = Article.objects.by_url(url).first()
        if article is None:
            continue
        for side, proposal, speaker, stated_on in identities:
            position = article.positions.filter(
                actor__slug=side,
                proposal__slug=proposal,
                speaker__slug=speaker,
                stated_on=stated_on,
            ).first()
            if position is not None and edited_by_someone(position):
                loader.changed["positions kept as edited"] += 1
            elif position is not None:
                position_delete(position_id=position.pk)
                loader.changed["positions retired"] += 1
        cited = (
            article.positions.exists()
            or article.events.exists()
            or article.proposal_links.exists()
        )
        if not cited:
            article.delete()
            loader.changed["articles retired"] += 1
