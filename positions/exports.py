"""Rows of the CSV exports: the JSON field names, one flat line per item."""

from positions.models import Confidence, Stance
from positions.serializers import PositionSerializer

POSITION_CSV_HEADER = [
    *PositionSerializer.Meta.fields,
    # Added so that an export can be imported again (import_positions).
    "article_url",
    "article_title",
    "article_outlet",
    "article_published_on",
]
_STANCE_LABELS = dict(Stance.choices)
_CONFIDENCE_KEYS = dict(Confidence.choices)


def position_csv_rows(positions, *, position_url_prefix: str):
    """Plain attribute reads, no serializer: this runs a million times. The
    values follow POSITION_CSV_HEADER, that is PositionSerializer's fields."""
    for p in positions:
        yield (
            p.id,
            p.actor.slug,
            p.proposal.slug,
            p.proposal.negotiation.slug,
            p.stance,
            _STANCE_LABELS[p.stance],
            p.stated_on.isoformat(),
            p.article_id,
            p.speaker.slug if p.speaker_id else None,
            p.quote,
            p.note,
            _CONFIDENCE_KEYS[p.confidence],
            p.version,
            f"{position_url_prefix}{p.id}/",
            p.created_at.isoformat(),
            p.updated_at.isoformat(),
            p.article.url,
            p.article.title,
            p.article.outlet,
            p.article.published_on.isoformat(),
        )


def serializer_csv(serializer_class, items):
    """Header and rows of a flat serializer's output, for the small analysis lists."""
    header = list(serializer_class().fields)
    rows = (
        [item[name] for name in header]
        for item in serializer_class(items, many=True).data
    )
    return header, rows
