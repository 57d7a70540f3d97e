"""The hottest anonymous reads of positions, answered before Django's stack.

The pages of ``/api/v1/positions/`` filtered by side, proposal and a
statement period, in date order (as a script follows ``next``), and one
position by id, are what scripts pulling data ask for most. Through Django's middleware, DRF, django-filter and the ORM, such a
read cost several times the query (docs/performance.md); here it is one
prepared statement that returns the version and each position's JSON
document as PostgreSQL writes it, and the same headers, written by the same
middleware classes.

Behind the same contract, for a narrow set of requests only: anything else
(another parameter, a repeated or empty one, a malformed value, a slug that
names nothing, a previous cursor, credentials or cookies, a conditional
request, another representation, a read of the past, read replicas, a time
zone other than UTC, SQLite) goes to Django, which answers it or refuses it
as always. The rates are Django's own throttles,
counted in the same place; a request refused by one goes to Django uncounted.
With the shared response cache on, these answers are kept by the edge cache
in front (``config/lib/edge_cache.py``) as Django's are.
tests/api/test_lean_reads.py holds every answer here equal to Django's.
"""

import datetime
import functools
import json
import re
import time

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.core.handlers.wsgi import WSGIRequest
from django.db import DatabaseError, connections, router
from django.http import HttpResponse
from django.middleware.clickjacking import XFrameOptionsMiddleware
from django.middleware.csp import ContentSecurityPolicyMiddleware
from django.middleware.security import SecurityMiddleware
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request

from config.lib import edge_cache
from config.lib.limits import is_id
from config.lib.pagination import (
    InvalidCursor,
    KeysetPage,
    decode_cursor,
    encode_cursor,
    link_header,
    page_links,
    requested_page_size,
)
from config.lib.snapshots import representation_etag, snapshot_headers
from positions import selectors
from positions.models import Position

LIST_PATH = "/api/v1/positions/"
DETAIL_PATH = re.compile(r"/api/v1/positions/([1-9][0-9]{0,15})/")
LIST_PARAMETERS = frozenset(
    {
        "actor",
        "proposal",
        "stated_after",
        "stated_before",
        "ordering",
        "page_size",
        "cursor",
    }
)
DESCENDING = {"stated_on": False, "-stated_on": True}
# What DRF's negotiation answers with JSON (its first renderer).
JSON_ACCEPTS = frozenset({None, "", "*/*", "application/json"})
MEDIA_TYPE = "application/json"
SLUG = re.compile(r"[-a-zA-Z0-9_]+")
DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# The methods DRF lists in Allow for the list's and an object's routes.
LIST_ALLOW = "GET, POST, HEAD, OPTIONS"
DETAIL_ALLOW = "GET, PUT, PATCH, DELETE, HEAD, OPTIONS"
# DRF's Vary, and SessionMiddleware's: its authentication reads the session.
VARY = ("Accept", "Cookie")
PASSED_HEADERS = (
    "HTTP_AUTHORIZATION",
    "HTTP_IF_NONE_MATCH",
    "HTTP_IF_MODIFIED_SINCE",
    "HTTP_IF_MATCH",
    "HTTP_IF_UNMODIFIED_SINCE",
)


class LeanPositionReads:
    """The WSGI application: the lean reads here, everything else by ``app``."""

    def __init__(self, app):
        self.app = app
        self._header_middleware = None

    def __call__(self, environ, start_response):
        answer = None
        if _may_answer(environ):
            try:
                answer = self._answer(environ)
            except DatabaseError:
                # Django meets it too, and answers it (a 503), reconnecting.
                answer = None
        if answer is None:
            return self.app(environ, start_response)
        headers, body = answer
        start_response("200 OK", headers)
        return [body]

    def _answer(self, environ):
        request = WSGIRequest(environ)
        try:
            request.get_host()
        except DisallowedHost:
            return None
        if settings.SECURE_SSL_REDIRECT and not request.is_secure():
            return None
        _close_if_obsolete()
        path = environ["PATH_INFO"]
        drf_request = Request(request, authenticators=())
        if path == LIST_PATH:
            return self._counted(drf_request, self._page)
        found = DETAIL_PATH.fullmatch(path)
        if found and not environ.get("QUERY_STRING"):
            return self._counted(drf_request, self._position, int(found[1]))
        return None

    def _counted(self, request, answer, *args):
        """``answer(request, *args)`` within the API's rates; None (and the
        request uncounted) where Django is to answer."""
        from positions.api.positions import PositionViewSet

        counted = []
        for throttle_class in PositionViewSet.throttle_classes:
            throttle = throttle_class()
            if not throttle.allow_request(request, None):
                _uncount(counted)
                return None
            counted.append(throttle)
        try:
            response = answer(request, *args)
        except BaseException:
            _uncount(counted)
            raise
        if response is None:
            _uncount(counted)
            return None
        self._finish(request, response)
        return list(response.items()), response.content

    @staticmethod
    def _page(request):
        asked = _list_parameters(request)
        if asked is None:
            return None
        size, filters = asked
        prefix = request.build_absolute_uri(_list_path())
        page = selectors.position_documents(url_prefix=prefix, size=size, **filters)
        if page is None:
            return None
        # As keyset_page writes them: a page after a cursor has a previous
        # one, its first row's, or the first page ("") when it is empty.
        previous_cursor = None
        if filters.get("beyond") is not None:
            previous_cursor = _cursor("previous", page.first_key) or ""
        links = page_links(
            request._request,
            KeysetPage(
                rows=[],
                next_cursor=_cursor("next", page.next_key),
                previous_cursor=previous_cursor,
            ),
            absolute=True,
        )
        body = (
            '{"next":'
            + json.dumps(links["next_link"], ensure_ascii=False)
            + ',"previous":'
            + json.dumps(links["previous_link"], ensure_ascii=False)
            + ',"results":['
            + page.documents
            + "]}"
        )
        response = _json_response(body, LIST_ALLOW)
        _offer(request, page.snapshot)
        for name, value in snapshot_headers(page.snapshot).items():
            response[name] = value
        response["ETag"] = representation_etag(request, page.snapshot, MEDIA_TYPE)
        link = link_header(links)
        if link:
            response["Link"] = link
        return response

    @staticmethod
    def _position(request, position_id: int):
        from positions.api.positions import _position_etag

        prefix = request.build_absolute_uri(_list_path())
        found = selectors.position_document(position_id, url_prefix=prefix)
        if found is None:
            return None
        response = _json_response(found.document, DETAIL_ALLOW)
        response["ETag"] = _position_etag(position_id, found.version)
        _offer(request, found.snapshot)
        return response

    def _finish(self, request, response):
        """The headers Django's stack adds on the way out: the tightest rate
        (RateLimitHeadersMiddleware), then the security headers of the
        settings, by Django's own middleware."""
        state = getattr(request._request, "rate_limit", None)
        if state is not None:
            for name, value in edge_cache.rate_limit_headers(state):
                response[name] = value
        if self._header_middleware is None:
            self._header_middleware = [
                middleware(get_response=_never_called)
                for middleware in (
                    ContentSecurityPolicyMiddleware,
                    XFrameOptionsMiddleware,
                    SecurityMiddleware,
                )
            ]
        for middleware in self._header_middleware:
            response = middleware.process_response(request._request, response)
        response["Content-Length"] = str(len(response.content))


def _may_answer(environ) -> bool:
    if environ.get("REQUEST_METHOD") != "GET" or environ.get("SCRIPT_NAME"):
        # Mounted under a prefix, links are Django's to write.
        return False
    path = environ.get("PATH_INFO", "")
    if path != LIST_PATH and not DETAIL_PATH.fullmatch(path):
        return False
    if environ.get("HTTP_COOKIE") or any(name in environ for name in PASSED_HEADERS):
        return False
    if environ.get("HTTP_ACCEPT") not in JSON_ACCEPTS:
        return False
    return (
        settings.LEAN_READS
        and settings.PUBLIC_READ
        and not settings.READ_REPLICAS
        and settings.TIME_ZONE == "UTC"
        and _connection().vendor == "postgresql"
    )


def _connection():
    return connections[router.db_for_read(Position)]


def _close_if_obsolete() -> None:
    # Django closes a connection past CONN_MAX_AGE when a request starts;
    # these requests skip that signal (and the health check's round trip: a
    # broken connection fails the statement, and Django then answers, after
    # closing it).
    connection = _connection()
    close_at = connection.close_at
    if close_at is not None and time.monotonic() >= close_at:
        connection.close()


def _list_parameters(request):
    """(page size, the selector's filters), or None where Django is to
    answer (a parameter or value outside the lean read's)."""
    query = request._request.GET
    if not set(query) <= LIST_PARAMETERS:
        return None
    values = {}
    for name in query:
        given = query.getlist(name)
        if len(given) != 1 or not given[0]:
            return None
        values[name] = given[0]
    for name in ("actor", "proposal"):
        if name in values and not SLUG.fullmatch(values[name]):
            return None
    dates = {}
    for name in ("stated_after", "stated_before"):
        if name in values:
            if not DATE.fullmatch(values[name]):
                return None
            try:
                dates[name] = datetime.date.fromisoformat(values[name])
            except ValueError:
                return None
    if len(dates) == 2 and dates["stated_after"] > dates["stated_before"]:
        return None
    ordering = values.get("ordering", "stated_on")
    if ordering not in DESCENDING:
        return None
    try:
        size = requested_page_size(request._request)
    except ValidationError:
        return None
    beyond = None
    if "cursor" in values:
        beyond = _next_cursor_key(values["cursor"])
        if beyond is None:
            return None
    return size, {
        "beyond": beyond,
        "actor": values.get("actor"),
        "proposal": values.get("proposal"),
        "descending": DESCENDING[ordering],
        **dates,
    }


@functools.cache
def _list_path() -> str:
    return reverse("position-list")


def _cursor(direction: str, key) -> str | None:
    if key is None:
        return None
    stated_on, position_id = key
    return encode_cursor(direction, [stated_on.isoformat(), position_id])


def _next_cursor_key(raw: str) -> tuple[datetime.date, int] | None:
    """The (stated_on, id) of a ``next`` cursor as this list writes them;
    None for anything else (a previous cursor, a malformed one: Django's)."""
    try:
        direction, key = decode_cursor(raw)
    except InvalidCursor:
        return None
    if direction != "next" or len(key) != 2:
        return None
    day, position_id = key
    if not isinstance(day, str) or not DATE.fullmatch(day):
        return None
    if type(position_id) is not int or not is_id(position_id):
        return None
    try:
        return datetime.date.fromisoformat(day), position_id
    except ValueError:
        return None


def _offer(request, snapshot) -> None:
    """The answer may be kept by the edge cache in front (when it is on),
    under the version it was read at, as Django marks its own answers; the
    rates counted are in the environ already (the throttles note them)."""
    request._request.META[edge_cache.SNAPSHOT] = snapshot


def _json_response(body: str, allow: str) -> HttpResponse:
    response = HttpResponse(body.encode(), content_type=MEDIA_TYPE)
    response["Allow"] = allow
    patch_vary_headers(response, VARY)
    return response


def _uncount(throttles) -> None:
    for throttle in throttles:
        throttle.uncount()


def _never_called(request):
    raise AssertionError("only the middleware's process_response is used here")
