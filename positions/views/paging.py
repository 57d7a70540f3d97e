"""Keyset paging links for the web lists (the API's cursor logic, for pages)."""

from django.http import QueryDict

PAGE_SIZE = 50


def link_with(request, **changes) -> str:
    """The current URL with some query parameters replaced (None removes)."""
    query: QueryDict = request.GET.copy()
    for name, value in changes.items():
        query.pop(name, None)
        if value is not None:
            query[name] = value
    encoded = query.urlencode()
    return f"{request.path}?{encoded}" if encoded else request.path


def page_links(request, *, next_cursor, previous_cursor=None) -> dict:
    return {
        "next_link": link_with(request, cursor=next_cursor) if next_cursor else None,
        "previous_link": None
        if previous_cursor is None
        else link_with(request, cursor=previous_cursor or None),
    }
