"""Reads across models, and the analysis of stances, computed in the database.

One module an area: ``sql`` (what the analyses share, the resolution rule
among it), ``rows`` (what they return), ``stances``, ``changes``, ``gap``,
``diff`` (what moved between two dates), ``summary`` (the flip-o-meter),
``events`` (a negotiation's events, an event's page),
``positions`` (plain reads), ``pages`` (what each page shows) and
``search``, ``timeline`` and ``indexes`` (the index pages). The names below are the package's public vocabulary.
"""

from positions.selectors.as_of import (
    article_read,
    articles_listed,
    as_articles,
    as_positions,
    position_row_as_read,
    positions_listed,
    positions_read,
)
from positions.selectors.changes import (
    CHANGE_KINDS,
    DEFAULT_CHANGE_KINDS,
    change_list,
    recent_period_start,
)
from positions.selectors.diff import diff_rows
from positions.selectors.events import (
    EventDates,
    event_page,
    events_by_proposal,
    negotiation_events,
)
from positions.selectors.export import positions_csv_chunks
from positions.selectors.gap import gap_series, latest_gap_points
from positions.selectors.history import (
    RESTORED,
    deleted_position,
    position_history_entries,
)
from positions.selectors.indexes import actor_index, negotiation_index, proposal_index
from positions.selectors.pages import (
    Matrix,
    actor_page,
    compare_page,
    home_overview,
    main_parties,
    negotiation_matrix,
    negotiation_page,
    observations_by,
    proposal_page,
)
from positions.selectors.positions import (
    actor_positions,
    actor_proposals,
    article_positions,
    article_positions_read,
    bulk_references,
    deleted_positions,
    position_detail,
    position_document,
    position_documents,
    position_history,
    position_read_row,
    position_read_rows,
    positions_by_id,
    positions_for_export,
    proposal_positions,
    quote_passage,
    recently_recorded,
)
from positions.selectors.resources import (
    as_events,
    as_negotiations,
    as_proposals,
    events_listed,
    negotiation_ids_with_participants,
    negotiation_participants,
    negotiation_proposals,
    negotiation_read,
    negotiations_listed,
    proposal_read,
    proposals_listed,
)
from positions.selectors.rows import (
    Change,
    DiffRow,
    GapMove,
    GapPoint,
    GapTerm,
    ResolvedStance,
)
from positions.selectors.search import (
    NOTHING,
    SearchFilters,
    SearchResults,
    search_everything,
)
from positions.selectors.sql import RESOLUTIONS
from positions.selectors.stances import (
    RESOLUTION_RULE,
    resolved_days,
    stances_as_of,
)
from positions.selectors.summary import actor_summary
from positions.selectors.timeline import (
    Series,
    lines_by_speaker,
    position_timeline,
    timeline_series,
)

__all__ = [
    "article_read",
    "articles_listed",
    "as_articles",
    "position_row_as_read",
    "positions_listed",
    "positions_read",
    "CHANGE_KINDS",
    "DEFAULT_CHANGE_KINDS",
    "RESOLUTIONS",
    "RESOLUTION_RULE",
    "Change",
    "DiffRow",
    "EventDates",
    "GapMove",
    "GapTerm",
    "GapPoint",
    "Matrix",
    "ResolvedStance",
    "NOTHING",
    "SearchFilters",
    "SearchResults",
    "Series",
    "actor_page",
    "actor_summary",
    "actor_positions",
    "actor_proposals",
    "article_positions",
    "article_positions_read",
    "bulk_references",
    "change_list",
    "compare_page",
    "deleted_positions",
    "diff_rows",
    "event_page",
    "events_by_proposal",
    "gap_series",
    "actor_index",
    "negotiation_index",
    "proposal_index",
    "latest_gap_points",
    "home_overview",
    "main_parties",
    "negotiation_matrix",
    "negotiation_events",
    "negotiation_page",
    "observations_by",
    "position_detail",
    "position_history",
    "position_history_entries",
    "deleted_position",
    "RESTORED",
    "position_document",
    "position_documents",
    "position_read_row",
    "position_read_rows",
    "positions_by_id",
    "positions_csv_chunks",
    "positions_for_export",
    "lines_by_speaker",
    "position_timeline",
    "proposal_page",
    "proposal_positions",
    "recently_recorded",
    "quote_passage",
    "recent_period_start",
    "resolved_days",
    "search_everything",
    "stances_as_of",
    "timeline_series",
    "as_positions",
    "as_events",
    "as_negotiations",
    "as_proposals",
    "events_listed",
    "negotiation_ids_with_participants",
    "negotiation_participants",
    "negotiation_proposals",
    "negotiation_read",
    "negotiations_listed",
    "proposal_read",
    "proposals_listed",
]
