"""Keyset ("cursor") pagination: one paginator and one link builder for the
API and the web lists.

A cursor holds the ordering values of the edge row of the page it came from,
so the next page is an index range scan at any depth, with no COUNT(*), and
rows added meanwhile never shift a page: following ``next`` returns each row
exactly once. The queryset's ordering must end with a unique column (id).
"""

import base64
import binascii
import json
import math
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import QueryDict
from rest_framework import exceptions
from rest_framework.pagination import BasePagination
from rest_framework.response import Response

from config.lib.limits import MAX_ID, MAX_PAGE_SIZE, PAGE_SIZE

CURSOR_PARAMETER = "cursor"
PAGE_SIZE_PARAMETER = "page_size"
COUNT_PARAMETER = "count"


class InvalidCursor(ValueError):
    pass


def encode_cursor(direction: str, key: list) -> str:
    payload = json.dumps({"direction": direction, "key": key})
    return base64.urlsafe_b64encode(payload.encode()).decode()


def decode_cursor(raw: str) -> tuple[str, list]:
    try:
        cursor = json.loads(base64.urlsafe_b64decode(raw.encode()).decode())
        direction, key = cursor["direction"], cursor["key"]
    except (ValueError, KeyError, TypeError, binascii.Error, UnicodeDecodeError):
        raise InvalidCursor(raw) from None
    if direction not in ("next", "previous") or not isinstance(key, list):
        raise InvalidCursor(raw)
    return direction, key


@dataclass(frozen=True)
class KeysetPage:
    rows: list
    next_cursor: str | None
    # "" means "the first page": drop the cursor parameter.
    previous_cursor: str | None


def keyset_page(queryset: QuerySet, *, cursor: str | None, size: int) -> KeysetPage:
    ordering = [str(field) for field in queryset.query.order_by]
    if not ordering or ordering[-1].lstrip("-") not in ("id", "pk"):
        raise ValueError("Keyset pagination needs an ordering that ends with id.")
    fields = [(field.lstrip("-"), field.startswith("-")) for field in ordering]
    direction, key = decode_cursor(cursor) if cursor else ("next", None)
    backwards = direction == "previous"
    if key is not None:
        if len(key) != len(fields) or not all(map(_is_plain_value, key)):
            raise InvalidCursor(cursor)
        try:
            queryset = queryset.filter(_beyond(fields, key, backwards))
        except (ValueError, TypeError, ValidationError):
            raise InvalidCursor(cursor) from None
    if backwards:
        queryset = queryset.reverse()
    rows = list(queryset[: size + 1])
    has_more = len(rows) > size
    rows = rows[:size]
    if backwards:
        rows.reverse()
    has_next = has_more if not backwards else True
    has_previous = key is not None if not backwards else has_more
    next_cursor = (
        encode_cursor("next", _key(rows[-1], fields)) if has_next and rows else None
    )
    if not has_previous:
        previous_cursor = None
    elif rows and (backwards or key is not None):
        previous_cursor = encode_cursor("previous", _key(rows[0], fields))
    else:
        previous_cursor = ""
    return KeysetPage(
        rows=rows, next_cursor=next_cursor, previous_cursor=previous_cursor
    )


def _is_plain_value(value) -> bool:
    # A cursor comes from the client: only what _key writes, within column
    # range. JSON lets in Infinity and NaN, and a string may hold a NUL that
    # PostgreSQL refuses: neither can come from a row.
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return -MAX_ID - 1 <= value <= MAX_ID
    if isinstance(value, float):
        return math.isfinite(value)
    return isinstance(value, str) and "\x00" not in value


def _key(row, fields) -> list:
    values = []
    for field, _ in fields:
        value = row[field] if isinstance(row, dict) else getattr(row, field)
        values.append(value.isoformat() if hasattr(value, "isoformat") else value)
    return values


def _beyond(fields, key: list, backwards: bool) -> Q:
    # The row comparison (a, b, id) > (x, y, z) spelled as an OR of prefixes,
    # so that each column may run in its own direction.
    condition = Q()
    for depth, (field, descending) in enumerate(fields):
        lookup = "lt" if descending != backwards else "gt"
        step = Q(**{f"{field}__{lookup}": key[depth]})
        for prefix in range(depth):
            step &= Q(**{fields[prefix][0]: key[prefix]})
        condition |= step
    return condition


def selector_page(*, cursor: str | None, size: int, fetch, key_of, parse_key):
    """One page of a selector that takes ``after`` and ``limit``.

    The page has no previous cursor: analysis lists page forwards only.
    ``key_of(row)`` is the JSON-able key of a row and ``parse_key(key)`` turns
    it back into the selector's ``after``; a malformed cursor is InvalidCursor.
    """
    after = None
    if cursor:
        _, key = decode_cursor(cursor)
        try:
            after = parse_key(key)
        except (ValueError, TypeError):
            raise InvalidCursor(cursor) from None
    rows = fetch(after=after, limit=size + 1)
    page = rows[:size]
    next_cursor = encode_cursor("next", key_of(page[-1])) if len(rows) > size else None
    return KeysetPage(rows=page, next_cursor=next_cursor, previous_cursor=None)


def link_with(request, *, absolute: bool = False, **changes) -> str:
    """The current URL with some query parameters replaced (None removes):
    the others in their order, the replaced ones last."""
    # Not request.GET.copy(): a deep copy of every list, on every page.
    query = QueryDict(mutable=True)
    for name, values in request.GET.lists():
        if name not in changes:
            query.setlist(name, values)
    for name, value in changes.items():
        if value is not None:
            query[name] = value
    encoded = query.urlencode()
    url = f"{request.path}?{encoded}" if encoded else request.path
    return request.build_absolute_uri(url) if absolute else url


def page_links(request, page: KeysetPage, *, absolute: bool = False) -> dict:
    """``next_link`` and ``previous_link`` of a page (None where there is none)."""

    def link(cursor: str | None) -> str | None:
        if cursor is None:
            return None
        # "" is the first page: no cursor at all.
        return link_with(
            request, absolute=absolute, **{CURSOR_PARAMETER: cursor or None}
        )

    return {
        "next_link": link(page.next_cursor),
        "previous_link": link(page.previous_cursor),
    }


def requested_page_size(request) -> int:
    raw = request.GET.get(PAGE_SIZE_PARAMETER)
    if raw is None:
        return PAGE_SIZE
    try:
        size = int(raw)
    except ValueError:
        size = 0
    if not 1 <= size <= MAX_PAGE_SIZE:
        raise exceptions.ValidationError(
            {
                PAGE_SIZE_PARAMETER: [
                    f"Must be a whole number from 1 to {MAX_PAGE_SIZE}."
                ]
            }
        )
    return size


def count_requested(request) -> bool:
    """``?count=true``: add the number of matching rows (a COUNT, so only then)."""
    raw = request.GET.get(COUNT_PARAMETER)
    if raw is None or raw == "false":
        return False
    if raw == "true":
        return True
    raise exceptions.ValidationError({COUNT_PARAMETER: ["Must be true or false."]})


def link_header(links: dict) -> str | None:
    """RFC 8288 ``Link`` of a page's ``next_link`` and ``previous_link``."""
    parts = [
        f'<{links[name]}>; rel="{rel}"'
        for name, rel in (("next_link", "next"), ("previous_link", "prev"))
        if links[name]
    ]
    return ", ".join(parts) or None


def check_paging_parameters(request) -> None:
    """400s for a malformed ``count``, ``page_size`` or ``cursor`` where no
    page is cut (a CSV export holds every row): a bad value is never
    silently ignored."""
    count_requested(request)
    requested_page_size(request)
    cursor = request.GET.get(CURSOR_PARAMETER)
    if cursor:
        try:
            decode_cursor(cursor)
        except InvalidCursor:
            raise _invalid_cursor() from None


def _invalid_cursor() -> exceptions.ValidationError:
    return exceptions.ValidationError({CURSOR_PARAMETER: ["Invalid cursor."]})


COUNT_SCHEMA_PARAMETER = {
    "name": COUNT_PARAMETER,
    "required": False,
    "in": "query",
    "description": "`true` adds `count`, the number of every matching row "
    "(counted only then).",
    "schema": {"type": "string", "enum": ["true", "false"]},
}


class KeysetPagination(BasePagination):
    """The API's pagination: ``keyset_page`` over a view's ordering, ``next``
    and ``previous`` as absolute links. The ordering must end with ``id``."""

    page_size_query_param = PAGE_SIZE_PARAMETER
    cursor_query_param = CURSOR_PARAMETER

    count = None

    def paginate_queryset(self, queryset: QuerySet, request, view=None):
        self.request = request
        if count_requested(request):
            self.count = queryset.order_by().count()
        try:
            self.page = keyset_page(
                queryset,
                cursor=request.GET.get(CURSOR_PARAMETER),
                size=requested_page_size(request),
            )
        except InvalidCursor:
            raise _invalid_cursor() from None
        return self.page.rows

    def paginate_selector(
        self, request, *, fetch, key_of, parse_key, count=None
    ) -> list:
        """A page of a selector that takes ``after`` and ``limit``; ``count()``
        the number of all rows, asked for with ``?count=true``."""
        self.request = request
        if count is not None and count_requested(request):
            self.count = count()
        try:
            self.page = selector_page(
                cursor=request.GET.get(CURSOR_PARAMETER),
                size=requested_page_size(request),
                fetch=fetch,
                key_of=key_of,
                parse_key=parse_key,
            )
        except InvalidCursor:
            raise _invalid_cursor() from None
        return self.page.rows

    def links(self) -> dict:
        return page_links(self.request, self.page, absolute=True)

    def get_next_link(self):
        return page_links(self.request, self.page, absolute=True)["next_link"]

    def get_previous_link(self):
        return page_links(self.request, self.page, absolute=True)["previous_link"]

    def page_headers(self) -> dict:
        link = link_header(self.links())
        return {"Link": link} if link else {}

    def page_body(self, **body) -> dict:
        """``count`` (when asked for), ``next``, ``previous`` and ``body``."""
        links = self.links()
        counted = {} if self.count is None else {"count": self.count}
        return counted | {
            "next": links["next_link"],
            "previous": links["previous_link"],
            **body,
        }

    def get_paginated_response(self, data):
        return Response(self.page_body(results=data), headers=self.page_headers())

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["next", "previous", "results"],
            "properties": {
                "count": {
                    "type": "integer",
                    "minimum": 0,
                    "description": "Every matching row; with `?count=true` only.",
                    "example": 2,
                },
                "next": {
                    "type": "string",
                    "format": "uri",
                    "nullable": True,
                    "example": "http://127.0.0.1:8000/api/v1/positions/?cursor=eyJ…",
                },
                "previous": {
                    "type": "string",
                    "format": "uri",
                    "nullable": True,
                    "example": None,
                },
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": CURSOR_PARAMETER,
                "required": False,
                "in": "query",
                "description": "Opaque position in the list, from `next` or `previous`.",
                "schema": {"type": "string"},
            },
            {
                "name": PAGE_SIZE_PARAMETER,
                "required": False,
                "in": "query",
                "description": f"Rows per page, 1 to {MAX_PAGE_SIZE} (default {PAGE_SIZE}).",
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
            },
            COUNT_SCHEMA_PARAMETER,
        ]


def web_page(request, queryset: QuerySet, *, size: int = PAGE_SIZE) -> dict:
    """A page of a web list: ``rows``, ``next_link`` and ``previous_link``.
    A broken cursor (an edited link) shows the first page and says so."""
    try:
        page = keyset_page(
            queryset, cursor=request.GET.get(CURSOR_PARAMETER), size=size
        )
    except InvalidCursor:
        messages.error(request, "That page link is broken; showing the first page.")
        page = keyset_page(queryset, cursor=None, size=size)
    return {"rows": page.rows} | page_links(request, page)
