"""Keyset ("cursor") pagination, shared by the API and the web lists.

A cursor holds the ordering values of the edge row of the page it came from,
so the next page is an index range scan at any depth, with no COUNT(*), and
rows added meanwhile never shift a page: following ``next`` returns each row
exactly once. The queryset's ordering must end with a unique column (id).
"""

import base64
import binascii
import json
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet


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
    # A cursor comes from the client: only what _key writes, within column range.
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return -(2**63) <= value < 2**63
    return isinstance(value, str | float)


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

    Returns the rows and the cursor of the next page (None on the last).
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
    return page, next_cursor
