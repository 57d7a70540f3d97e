"""Versioned reads over HTTP: each list and analysis response answers from one
data version, names it, and answers a conditional GET with 304.

``known_at=`` (an ISO date-time) or ``release=`` (a release's slug) asks for
the data as the database held it then; without either the response reads the
current version. On PostgreSQL a response reads one REPEATABLE READ
transaction, so every query of it sees the same snapshot; SQLite's
transaction gives the same. Releases are an app's model, named by the
setting ``RELEASE_MODEL`` (with ``slug``, ``data_version`` and ``known_at``).
"""

import hashlib
from urllib.parse import urlencode

from django.apps import apps
from django.conf import settings
from django.db import connections, router, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.http import http_date, parse_http_date_safe
from rest_framework import exceptions, status, viewsets
from rest_framework.response import Response

from config.lib import response_cache, versions
from config.lib.concurrency import ConcurrencyMixin
from config.lib.etags import names_etag
from config.lib.filtering import refuse_unknown_parameters
from config.lib.limits import is_digits, is_id
from config.lib.rest import SlugOrIdLookupMixin
from config.lib.slugs import RenamedSlugMixin, renamed
from config.lib.versions import Snapshot

KNOWN_AT = "known_at"
RELEASE = "release"
VERSION_PARAMETERS = frozenset({KNOWN_AT, RELEASE})
IMMUTABLE = "public, max-age=31536000, immutable"


def _invalid(name: str, message: str) -> exceptions.ValidationError:
    return exceptions.ValidationError({name: [message]})


def parse_known_at(raw: str):
    """An ISO date-time, not in the future; one without a zone is in TIME_ZONE."""
    raw = raw.strip()
    try:
        instant = parse_datetime(raw)
    except ValueError:
        instant = None
    if len(raw) <= len("2019-06-01"):
        # A bare date: the start or the end of that day? Ask for the time.
        instant = None
    if instant is None:
        raise _invalid(
            KNOWN_AT,
            f"“{raw}” is not an ISO date-time with a time, e.g. 2019-06-01T00:00:00Z.",
        )
    if timezone.is_naive(instant):
        instant = timezone.make_aware(instant)
    instant = versions.in_utc(instant)
    if instant > timezone.now():
        raise _invalid(
            KNOWN_AT, "known_at is in the future: what the data will say is not known."
        )
    return instant


def release_snapshot(slug: str) -> Snapshot:
    model = apps.get_model(settings.RELEASE_MODEL)
    release = model.objects.filter(slug=slug).only("slug", "data_version", "known_at")
    found = release.first() if "\x00" not in slug else None
    if found is None:
        raise _invalid(RELEASE, f"No release “{slug}”. The list: /api/v1/releases/.")
    taken = versions.version_taken_at(found.data_version)
    return Snapshot(
        version=found.data_version,
        taken_at=taken,
        known_at=found.known_at,
        release=found.slug,
    )


def snapshot_of(query) -> Snapshot:
    """The version a request with query parameters ``query`` reads."""
    known_at, release = query.get(KNOWN_AT), query.get(RELEASE)
    if known_at is not None and release is not None:
        raise _invalid(RELEASE, "Give known_at or release, not both.")
    if known_at is not None:
        return versions.snapshot_at(parse_known_at(known_at))
    if release is not None:
        return release_snapshot(release)
    return versions.current_snapshot()


def snapshot_headers(snapshot: Snapshot) -> dict[str, str]:
    headers = {
        "X-Data-Version": str(snapshot.version),
        "X-Rules-Version": settings.RULES_VERSION,
        "Last-Modified": http_date(snapshot.taken_at.timestamp()),
    }
    if snapshot.known_at is not None:
        headers["X-Known-At"] = snapshot.known_at.isoformat()
    if snapshot.release is not None:
        headers["X-Release"] = snapshot.release
        headers["Cache-Control"] = IMMUTABLE
    return headers


def representation_etag(request, snapshot: Snapshot, media_type: str) -> str:
    """The data version, the rules version, the day and what was asked for
    (path, parameters, format): equal ETags mean equal bodies. The day, as
    analyses default to today: the same version answers differently tomorrow."""
    asked = urlencode(sorted(request.query_params.lists()), doseq=True)
    digest = hashlib.sha256(
        f"{request.path}?{asked}|{media_type}|{timezone.localdate()}".encode()
    ).hexdigest()[:16]
    return f'"v{snapshot.version}-r{settings.RULES_VERSION}-{digest}"'


def not_modified(request, etag: str, snapshot: Snapshot) -> bool:
    """If-None-Match names the ETag, or (without it) If-Modified-Since is not
    before the version was taken."""
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None:
        return names_etag(if_none_match, etag)
    since = parse_http_date_safe(request.headers.get("If-Modified-Since") or "")
    return since is not None and int(snapshot.taken_at.timestamp()) <= since


class NotModified(exceptions.APIException):
    status_code = status.HTTP_304_NOT_MODIFIED
    default_detail = ""
    default_code = "not_modified"


class CachedResponse(Exception):
    """A hit of the response cache: the view's work is skipped."""

    def __init__(self, response):
        super().__init__()
        self.response = response


def cached_answer(request, snapshot: Snapshot):
    """The shared cache's answer to an anonymous read (None: a miss, noted
    for ResponseCacheMiddleware), after authentication and throttles."""
    if not response_cache.enabled() or not response_cache.may_share(request):
        return None
    if request.user.is_authenticated or request.auth is not None:
        return None
    key = response_cache.key_for(
        request,
        snapshot=snapshot,
        representation=request.accepted_media_type or "",
    )
    # A release's version never changes: nor does any answer as of it.
    timeout = None if snapshot.release else settings.RESPONSE_CACHE_SECONDS
    return response_cache.look_up(request, key, snapshot=snapshot, timeout=timeout)


# For list and analysis views: the response reads one snapshot of one data
# version (current, ``known_at`` or ``release``) and carries ``ETag``,
# ``Last-Modified``, ``X-Data-Version`` and ``X-Rules-Version``; a read of the
# past says so in ``X-Known-At`` (and ``X-Release``), a release's is immutable.
# Viewsets version their ``versioned_actions`` only. (A comment, not a
# docstring: drf-spectacular would show it as the description of every view.)
class VersionedReadMixin:
    versioned_actions = ("list",)
    # False where the view cannot read history yet: known_at and release are
    # then a 400 rather than a current answer passed off as a past one.
    reads_the_past = True
    # True where the detail read answers known_at and release itself.
    reads_one_in_the_past = False

    def _handles(self, request) -> bool:
        method = request.method.lower()
        return method in self.http_method_names and hasattr(self, method)

    def _reads_versioned(self, request) -> bool:
        if request.method not in ("GET", "HEAD"):
            return False
        action = getattr(self, "action", None)
        return action is None or action in self.versioned_actions

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if not self._reads_versioned(request):
            asked = sorted(VERSION_PARAMETERS & set(request.query_params))
            if not self._handles(request):
                return  # DRF answers the method with 405
            if asked and not self.reads_one_in_the_past:
                # Never the current data passed off as a past one.
                raise _invalid(
                    asked[0],
                    "Lists and analyses take it; a single object's past "
                    "versions are in its history.",
                )
            return
        self._enter_snapshot()
        if not self.reads_the_past:
            for name in sorted(VERSION_PARAMETERS & set(request.query_params)):
                raise _invalid(
                    name, "This list answers from the current data only, for now."
                )
        self.snapshot = snapshot_of(request.query_params)
        self._reading_token = versions.start_reading(self.snapshot)
        self.snapshot_etag = representation_etag(
            request, self.snapshot, request.accepted_media_type or ""
        )
        if not_modified(request, self.snapshot_etag, self.snapshot):
            raise NotModified()
        cached = cached_answer(request, self.snapshot)
        if cached is not None:
            raise CachedResponse(cached)

    def _enter_snapshot(self) -> None:
        # The database the router reads this request's data from (a replica
        # or the primary): the counter is read there too, in the same
        # transaction, and atomic() would otherwise mean the primary.
        alias = router.db_for_read(apps.get_model(settings.DATA_VERSION_COUNTER_MODEL))
        connection = connections[alias]
        if connection.in_atomic_block:
            # Already one transaction (a test's): its reads share a snapshot.
            return
        if connection.vendor != "postgresql":
            # SQLite (development, tests) serves one request at a time per
            # connection, except the test live server, whose threads share
            # one in-memory connection: their savepoints would interleave.
            return
        self._snapshot_atomic = transaction.atomic(using=alias)
        self._snapshot_atomic.__enter__()
        if connection.vendor == "postgresql":
            # The first statement of the transaction: every later query of
            # this response sees the same committed data.
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")

    def _leave_snapshot(self, failed: bool) -> None:
        token = getattr(self, "_reading_token", None)
        if token is not None:
            versions.stop_reading(token)
            self._reading_token = None
        atomic = getattr(self, "_snapshot_atomic", None)
        if atomic is not None:
            self._snapshot_atomic = None
            if failed:
                error = RuntimeError("the response failed")
                atomic.__exit__(RuntimeError, error, None)
            else:
                atomic.__exit__(None, None, None)

    def dispatch(self, request, *args, **kwargs):
        try:
            return super().dispatch(request, *args, **kwargs)
        finally:
            # An error DRF does not handle skips finalize_response: the
            # transaction and the version read must not outlive the request.
            self._leave_snapshot(failed=True)

    def handle_exception(self, exc):
        if isinstance(exc, NotModified):
            return Response(status=status.HTTP_304_NOT_MODIFIED)
        if isinstance(exc, CachedResponse):
            return exc.response
        return super().handle_exception(exc)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        snapshot = getattr(self, "snapshot", None)
        self._leave_snapshot(failed=response.status_code >= 500)
        if snapshot is not None and response.status_code in (200, 304):
            for name, value in snapshot_headers(snapshot).items():
                response[name] = value
            response["ETag"] = self.snapshot_etag
            if isinstance(response, Response) and response.status_code == 200:
                # Rendered after this, by the handler: its bytes are kept then.
                response.add_post_render_callback(
                    lambda rendered: response_cache.remember(request, rendered)
                )
        return response


VERSION_PARAMETERS_SCHEMA = [
    {
        "in": "query",
        "name": KNOWN_AT,
        "schema": {"type": "string", "format": "date-time"},
        "description": "Answer as the database held it at this instant (not in "
        "the future): the last data version taken at or before it. The response "
        "names it in `X-Known-At` and `X-Data-Version`; `next` links keep it.",
    },
    {
        "in": "query",
        "name": RELEASE,
        "schema": {"type": "string", "minLength": 1},
        "description": "Answer as of this release (its slug, see "
        "`/api/v1/releases/`): the same as its `known_at`. Not with `known_at`. "
        "Its responses are immutable (`Cache-Control`).",
    },
]
VERSION_HEADERS = {
    "ETag": "The data version, the rules version and the representation: send "
    "it back in `If-None-Match` for a 304 while nothing changed.",
    "Last-Modified": "When the data version answered from was taken.",
    "X-Data-Version": "The data version answered from.",
    "X-Rules-Version": "The version of the derivation rules.",
    "X-Known-At": "With `known_at` or `release`: the instant answered as of.",
    "X-Release": "With `release`: its slug.",
    "Cache-Control": "With `release`: `immutable`.",
}


def _versioned_paths(generator) -> dict[str, bool | str]:
    """{path: reads the past} of the GET operations of VersionedReadMixin
    views; "one" for a single-object read that answers known_at itself."""
    paths = {}
    for path, _, method, callback in generator.endpoints or []:
        view = getattr(callback, "cls", None)
        if method != "GET" or view is None or not issubclass(view, VersionedReadMixin):
            continue
        actions = getattr(callback, "actions", None)
        if actions and actions.get("get") not in view.versioned_actions:
            if actions.get("get") == "retrieve" and view.reads_one_in_the_past:
                # The schema names a detail path's key as the model does ({id}).
                instance = generator.create_view(callback, method)
                paths[generator.coerce_path(path, method, instance)] = "one"
            continue
        paths[path] = view.reads_the_past
    return paths


def versioned_reads_hook(result, generator, request, public):
    """Documents the version parameters and headers, and the 304, on every
    versioned read (a drf-spectacular postprocessing hook)."""
    headers = {
        name: {"schema": {"type": "string"}, "description": description}
        for name, description in VERSION_HEADERS.items()
    }
    for path, reads_the_past in _versioned_paths(generator).items():
        operation = result.get("paths", {}).get(path, {}).get("get")
        if operation is None:
            continue
        if reads_the_past:
            named = {
                parameter.get("name") for parameter in operation.get("parameters", [])
            }
            operation.setdefault("parameters", []).extend(
                parameter
                for parameter in VERSION_PARAMETERS_SCHEMA
                if parameter["name"] not in named
            )
        responses = operation.setdefault("responses", {})
        if reads_the_past == "one":
            # One object as it stood: its own ETag, no 304 by data version.
            if "200" in responses:
                responses["200"].setdefault("headers", {}).update(
                    {
                        name: headers[name]
                        for name in ("X-Data-Version", "X-Known-At", "X-Release")
                    }
                )
            continue
        if "200" in responses:
            responses["200"].setdefault("headers", {}).update(headers)
        responses["304"] = {
            "description": "Not modified: `If-None-Match` names the current ETag, "
            "or `If-Modified-Since` is not before `Last-Modified`.",
            "headers": headers,
        }
    return result


# For a resource viewset whose rows are read live or as recorded at the
# version asked for: ``listed()`` gives the list's queryset (the model's, or
# its history rows standing at the version read), ``as_read(rows)`` a page of
# it as instances with their relations as recorded. The detail read answers
# known_at and release too: the object as it stood then, or a 404 if it did
# not (a slug it had then, or its current one, or its id name it).
class RecordedResourceMixin:
    reads_one_in_the_past = True
    listed = None
    as_read = None

    def get_queryset(self):
        if self.action == "list":
            return type(self).listed()
        return super().get_queryset()

    def paginate_queryset(self, queryset):
        return type(self).as_read(super().paginate_queryset(queryset))

    def retrieve(self, request, *args, **kwargs):
        if not VERSION_PARAMETERS & set(request.query_params):
            return super().retrieve(request, *args, **kwargs)
        refuse_unknown_parameters(request.query_params, VERSION_PARAMETERS | {"format"})
        snapshot = snapshot_of(request.query_params)
        key = str(kwargs[self.lookup_url_kwarg or self.lookup_field])
        with versions.reading(snapshot):
            found = type(self).as_read(
                recorded_rows_named(type(self).listed(), self.get_queryset().model, key)
            )
            if not found:
                raise exceptions.NotFound()
            data = self.get_serializer(found[0]).data
        response = Response(data, headers=snapshot_headers(snapshot))
        response["ETag"] = self.etag_for(found[0])
        return response


def recorded_rows_named(rows, model, key: str) -> list:
    """The one row of ``rows`` (a model's history rows standing at a
    version) that ``key`` names, or none: an id, the slug it had then, or
    the slug it has now or had last (renamed since)."""
    if is_digits(key):
        return list(rows.filter(id=int(key))[:1]) if is_id(int(key)) else []
    if "\x00" in key:
        return []
    by_slug = list(rows.filter(slug=key)[:1])
    if by_slug:
        return by_slug
    row_id = model._default_manager.filter(slug=key).values_list(
        "pk", flat=True
    ).first() or renamed(model, [key]).get(key)
    return list(rows.filter(id=row_id)[:1]) if row_id else []


class RecordedResourceViewSet(
    RecordedResourceMixin,
    RenamedSlugMixin,
    SlugOrIdLookupMixin,
    VersionedReadMixin,
    ConcurrencyMixin,
    viewsets.ModelViewSet,
):
    """A curated resource (actors, negotiations, proposals, events): named by
    its slug or id, an old slug still resolving, edited with If-Match, its
    list and detail answering known_at and release from history. A subclass
    names ``listed`` and ``as_read`` (its selectors) beside the usual."""
