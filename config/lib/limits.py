"""Numbers that several layers must agree on."""

from django.core.validators import MaxLengthValidator

# Rows of a page, in the API (``page_size``) and on the web lists.
PAGE_SIZE = 50
MAX_PAGE_SIZE = 500

# Ids a bigint primary key can hold: anything else is no id, checked before a
# query so the database never sees an out-of-range value.
MAX_ID = 2**63 - 1

# Values one repeatable parameter may carry (``?actor=a&actor=b…``): each is
# a lookup and an OR in the query.
MAX_REPEATED_VALUES = 100


def is_id(value) -> bool:
    return type(value) is int and 0 < value <= MAX_ID


def is_digits(text: str) -> bool:
    """ASCII digits only: read as an id wherever a slug may be given."""
    return text.isascii() and text.isdigit()


# How long free text may be: the one place these limits are chosen.
#
# Short fields have their ``max_length`` next to them (names 200, titles 500,
# URLs 1,000). Text fields have none in the database, so a 9 MB note could be
# saved; these limits are enforced by model validation (``full_clean``), which
# the API, the web forms, the admin, the services and the CSV import all run.
# Each is far above real use: a quote is a few sentences, an article body the
# length of a long feature.
# Characters.
QUOTE = 5_000  # Position.quote: verbatim from the article
NOTE = 5_000  # Position.note: the coder's reasoning
SUMMARY = 5_000  # Article.summary, Proposal.summary
DESCRIPTION = 10_000  # Actor.description, Negotiation.description
ARTICLE_BODY = 200_000  # Article.body: full text, for search

# Actor.aliases: a list of other names, each as long as a name may be.
ALIASES = 100
ALIAS = 200


def text_limit(limit: int) -> dict:
    """Field options for a TextField of at most ``limit`` characters.

    A validator only, no ``max_length``: on a TextField that changes nothing
    in the database but makes SQLite's migration rebuild the tables, and a
    browser's ``maxlength`` would cut a pasted quote short without a word.
    Forms, the admin and the API serializers take the validator from the
    model and answer with the field's name."""
    return {"validators": [MaxLengthValidator(limit)]}
