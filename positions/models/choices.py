"""The closed vocabularies of the record: what each stored code means."""

from django.db import models


class Stance(models.IntegerChoices):
    STRONGLY_SUPPORTS = 2, "demands / strongly supports"
    SUPPORTS = 1, "supports / open to"
    NEUTRAL = 0, "neutral / ambiguous"
    OPPOSES = -1, "opposes / sceptical"
    STRONGLY_OPPOSES = -2, "rejects outright"


class Confidence(models.IntegerChoices):
    # Stored as integers (not text) so that ORDER BY confidence means
    # low < medium < high: it breaks ties between same-day positions.
    LOW = 1, "low"
    MEDIUM = 2, "medium"
    HIGH = 3, "high"


# How confidence is written outside the database (the API, CSV, import).
CONFIDENCE_KEYS = tuple(Confidence.labels)


class Attribution(models.TextChoices):
    """How a stance is known: whose words or reading the source gives."""

    STATED = "stated", "stated by the side or someone speaking for it"
    REPORTED = "reported", "the outlet's own characterisation"
    OTHER_SIDE = "other_side", "described by the other side"
    ALLY = "ally", "described by an ally"
    ANALYST = "analyst", "an analyst's reading"


# Attributions under which the speaker does not speak for the side, so the
# side is never taken from the speaker's affiliation.
NOT_THE_SIDES_VOICE = (Attribution.OTHER_SIDE, Attribution.ALLY, Attribution.ANALYST)


class QuoteCheck(models.TextChoices):
    """The outcome of checking a quote against its article's stored text."""

    VERBATIM = "verbatim", "found verbatim"
    CLOSE = "close", "a close match"
    NOT_FOUND = "not_found", "not found in the text"
    NO_TEXT = "no_text", "nothing to check (no quote or no article text)"


class EventKind(models.TextChoices):
    SUMMIT = "summit"
    TALKS = "talks"
    MEETING = "meeting"
    STATEMENT = "statement"
    TEST = "test"
    SANCTION = "sanction"
    DEADLINE = "deadline"
    OTHER = "other"


class LinkKind(models.TextChoices):
    """How one proposal descends from another, read from the linking one."""

    VARIANT_OF = "variant_of", "a variant of"
    DERIVED_FROM = "derived_from", "derived from"
    SUPERSEDED_BY = "superseded_by", "superseded by"


# The same link read from the other proposal.
INVERSE_LINK_KINDS = {
    LinkKind.VARIANT_OF: "variant",
    LinkKind.DERIVED_FROM: "source_of",
    LinkKind.SUPERSEDED_BY: "supersedes",
}
LINK_KINDS_BY_INVERSE = {inverse: kind for kind, inverse in INVERSE_LINK_KINDS.items()}
