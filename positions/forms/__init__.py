"""The forms of the pages and the admin, one module an area: ``names``
(inputs naming a row), ``positions`` (one position), ``articles`` (the
article with its positions) and ``options`` (the analysis pages' options)."""

from positions.forms.articles import (
    ArticleForm,
    ArticlePositionFormSet,
    WebArticlePositionFormSet,
    error_summary,
    has_version_conflict,
    row_anchor,
)
from positions.forms.names import (
    NamedActorField,
    NamedEventField,
    NamedProposalField,
    NamedRowField,
)
from positions.forms.options import (
    AttributionChoice,
    CompareOptions,
    MatrixOptions,
    PeriodOptions,
    ProposalOptions,
    SearchForm,
)
from positions.forms.positions import PositionForm, WebPositionForm

__all__ = [
    "ArticleForm",
    "ArticlePositionFormSet",
    "AttributionChoice",
    "CompareOptions",
    "MatrixOptions",
    "NamedActorField",
    "NamedEventField",
    "NamedProposalField",
    "NamedRowField",
    "PeriodOptions",
    "PositionForm",
    "ProposalOptions",
    "SearchForm",
    "WebArticlePositionFormSet",
    "WebPositionForm",
    "error_summary",
    "has_version_conflict",
    "row_anchor",
]
