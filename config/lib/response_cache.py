"""A response cache shared by every process, keyed on the data version.

Anonymous GETs of lists, analyses and pages are answered from the default
cache (Redis) under a key naming the data version the request reads and
when it was taken (read afresh for each request: one query), the rules
version, today's date, the full URL with its query and the representation. A write advances the data
version, so every earlier entry stops being asked for at once: nothing is
ever invalidated one by one, and nothing stale can be served. Old entries
expire after RESPONSE_CACHE_SECONDS; a release's answers never change, and
never expire.

A response is kept in two halves. Where the request is known to be anonymous
and has passed its throttles (``VersionedReadMixin`` for the API,
``PageCacheMiddleware`` for pages), ``look_up`` answers a hit, or notes the
key and ``remember`` later notes the view's response. Cookies are set by
middleware further out (CSRF, sessions, messages), so only
``ResponseCacheMiddleware``, outermost, sees whether the response may be
shared, and stores it.

On only with RESPONSE_CACHE (the default with a Redis CACHE_URL): a cache of
one process would serve each process's copy, correct but no help.
"""

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError
from django.http import HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_vary_headers

from config.lib import edge_cache, versions
from config.lib.etags import names_etag

# Where a response may differ between two anonymous requests for one URL at
# one data version only by what the request carried, it must not be shared.
SHAREABLE_VARY = frozenset({"accept", "cookie"})
UNSHAREABLE_CACHE_CONTROL = ("private", "no-store", "no-cache")
# Paths that are not pages (the API caches in its views), or are never the
# same for two visitors.
NOT_PAGES = ("/api/", "/admin/", "/accounts/")


@dataclass
class Pending:
    """A miss: where its response goes, once the view has produced it."""

    key: str
    timeout: int | None
    etag: str | None = None
    entry: tuple[bytes, list[tuple[str, str]]] | None = None


def enabled() -> bool:
    return settings.RESPONSE_CACHE


def may_share(request) -> bool:
    """A GET without credentials, and without cookies but CSRF's (sessions and
    messages change a page): what any anonymous visitor would be sent."""
    if request.method != "GET" or "HTTP_AUTHORIZATION" in request.META:
        return False
    return set(request.COOKIES) <= {settings.CSRF_COOKIE_NAME}


def key_for(request, *, snapshot: versions.Snapshot, representation: str) -> str:
    # When the version was taken, beside its number: a restored backup
    # takes the numbers after it again, for other data.
    asked = "|".join(
        (
            snapshot.taken_at.isoformat(),
            request.build_absolute_uri(),
            representation,
            *edge_cache.answer_context(),
        )
    )
    digest = hashlib.sha256(asked.encode()).hexdigest()
    return f"response:v{snapshot.version}:{digest}"


def _http_request(request):
    """The HttpRequest under a DRF Request: middleware sees only that one."""
    return getattr(request, "_request", request)


def offer(request, snapshot: versions.Snapshot) -> None:
    """Notes that the response answers from ``snapshot``: if it may be
    shared, the edge in front of Django keeps it (``edge_cache``)."""
    _http_request(request).response_snapshot = snapshot


def offer_current(request) -> None:
    """For an anonymous read that is not cached here (a single object): the
    current version, read before the object is, so that the edge keeps the
    answer under a version no later than the data it shows."""
    if enabled() and edge_cache.enabled() and may_share(request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            offer(request, versions.current_snapshot())


def look_up(
    request,
    key: str,
    *,
    snapshot: versions.Snapshot,
    timeout: int | None,
    etag: str | None = None,
):
    """The cached response for ``key``, or None after noting the miss."""
    offer(request, snapshot)
    entry = cache.get(key)
    if entry is None:
        _http_request(request).response_cache = Pending(key, timeout, etag)
        return None
    content, headers = entry
    response = HttpResponse(content)
    for name, value in headers:
        response[name] = value
    return response


def remember(request, response) -> None:
    """Notes the view's own response to a miss (before middleware adds
    per-request headers: rates, security headers of the settings)."""
    pending = getattr(_http_request(request), "response_cache", None)
    if pending is None or response.status_code != 200 or response.streaming:
        return
    if len(response.content) > settings.RESPONSE_CACHE_MAX_BYTES:
        return
    if pending.etag and not response.has_header("ETag"):
        response["ETag"] = pending.etag
    pending.entry = (response.content, list(response.items()))


def _shareable(request, response) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return False
    cache_control = response.get("Cache-Control", "").lower()
    if any(word in cache_control for word in UNSHAREABLE_CACHE_CONTROL):
        return False
    vary = {
        name.strip().lower()
        for name in response.get("Vary", "").split(",")
        if name.strip()
    }
    return vary <= SHAREABLE_VARY


class ResponseCacheMiddleware:
    """Stores a miss's response once every middleware has had its say:
    only a 200 that sets no cookie, for a visitor who is not signed in."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        snapshot = getattr(request, "response_snapshot", None)
        if snapshot is not None and _shareable(request, response):
            request.META[edge_cache.SNAPSHOT] = snapshot
        pending = getattr(request, "response_cache", None)
        if pending is not None and pending.entry is not None:
            if _shareable(request, response):
                cache.set(pending.key, pending.entry, pending.timeout)
            elif pending.etag and response.get("ETag") == pending.etag:
                # Its body is this visitor's (a CSRF token): a 304 must not
                # confirm it to anyone else's copy.
                del response["ETag"]
        return response


def page_etag(key: str) -> str:
    return f'"{key.removeprefix("response:")[:40]}"'


class PageCacheMiddleware:
    """Anonymous GETs of pages: a 304 for a current ETag and a hit from the
    cache, each before the view (and its expensive-request slot), after the
    page rates have counted the request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not (
            enabled()
            and not request.path.startswith((*NOT_PAGES, settings.STATIC_URL))
            and may_share(request)
        ):
            return self.get_response(request)
        try:
            snapshot = versions.current_snapshot()
        except DatabaseError:
            # The view meets the same error, and answers it (a 503).
            return self.get_response(request)
        key = key_for(
            request, snapshot=snapshot, representation=request.headers.get("Accept", "")
        )
        etag = page_etag(key)
        if names_etag(request.headers.get("If-None-Match"), etag):
            response = HttpResponseNotModified()
            response["ETag"] = etag
        else:
            response = look_up(
                request,
                key,
                snapshot=snapshot,
                timeout=settings.RESPONSE_CACHE_SECONDS,
                etag=etag,
            )
        if response is not None:
            # A signed-in visitor's page differs: shared caches on the way
            # must not hand this one to them (the view would have said so).
            patch_vary_headers(response, ("Cookie",))
            return response
        response = self.get_response(request)
        remember(request, response)
        return response
