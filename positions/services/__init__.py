"""Writes that carry rules. Views, serializers, forms, admin and commands call these.

Each runs in one transaction and validates with ``full_clean`` before saving
(or ``full_clean_each``, its equivalent for many new objects at once), so a
broken rule raises ``ValidationError`` and leaves the database as it was.
Saves go one object at a time, or through django-simple-history's helpers,
so that every change lands in history. One module an area: ``positions``,
``articles``, ``proposals`` (lineage), ``merge`` (of actors) and ``quotes``
(re-checking them all).
"""

from positions.services.articles import (
    ArticleChanged,
    article_positions_apply,
    article_save_with_positions,
)
from positions.services.merge import (
    MERGED_INTO,
    MergeResult,
    actor_merge,
    merge_candidates,
)
from positions.services.positions import (
    POSITION_EDITABLE_FIELDS,
    BulkValidationError,
    VersionConflict,
    position_create,
    position_delete,
    position_restore,
    position_update,
    positions_bulk_create,
    side_for_speaker,
)
from positions.services.proposals import proposal_set_links
from positions.services.quotes import QuoteRecheck, quotes_recheck
from positions.services.releases import release_create

__all__ = [
    "POSITION_EDITABLE_FIELDS",
    "ArticleChanged",
    "BulkValidationError",
    "MergeResult",
    "QuoteRecheck",
    "VersionConflict",
    "actor_merge",
    "MERGED_INTO",
    "merge_candidates",
    "article_positions_apply",
    "article_save_with_positions",
    "position_create",
    "position_delete",
    "position_restore",
    "position_update",
    "positions_bulk_create",
    "proposal_set_links",
    "quotes_recheck",
    "release_create",
    "side_for_speaker",
]
