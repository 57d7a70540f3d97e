"""Read replicas: where each query of a request goes.

Writes always go to the primary ("default"). Reads go to the primary:

- outside a request (commands, shells, background work);
- in a request that may write (any method but GET, HEAD and OPTIONS), in
  the admin and in views marked ``reads_primary`` (forms whose data is about
  to be edited), and in the rest of any request once it has written;
- for a client that wrote in the last ``REPLICA_STICKY_SECONDS``: the
  response of a writing request sets a signed cookie, which any process can
  check, so nobody misses their own edit on a replica that lags.

Other requests pick one healthy replica at random at their first read and
keep it, so all their queries (the data version and the data it names) come
from one database. Raw SQL finds that database with
``router.db_for_read(model)``, as the ORM does, and a transaction around
reads names it (``transaction.atomic(using=...)``), since ``atomic()`` alone
always means the primary.

A replica is healthy when it answers and has replayed everything the
primary had written when the check began, or lags it by at most
``REPLICA_MAX_LAG`` seconds. The lag in time alone (``now() -
pg_last_xact_replay_timestamp()``) grows on an idle primary without any real
lag, so it is only consulted while the replica is behind the primary's WAL
position. Each process checks each replica at most every
``REPLICA_CHECK_SECONDS``, on connections of its own, so that a check is
never part of a request's transaction.
"""

import functools
import logging
import random
import threading
import time
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.urls import NoReverseMatch, reverse

logger = logging.getLogger(__name__)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
STICKY_COOKIE = "read_primary"
# State that must never be read stale: the cache table holds throttle
# counters, a session may have been written by the previous request, and an
# API token may have been created a moment ago by another client.
PRIMARY_ONLY_APPS = frozenset({"django_cache", "sessions", "authtoken", "axes"})


@dataclass
class _Route:
    primary: bool
    replica: str | None = None
    wrote: bool = False


_route: ContextVar[_Route | None] = ContextVar("replica_route", default=None)


def read_alias() -> str:
    """The database this request reads from now."""
    route = _route.get()
    if route is None or route.primary or route.wrote:
        return DEFAULT_DB_ALIAS
    if route.replica is None:
        healthy = healthy_replicas()
        route.replica = random.choice(healthy) if healthy else DEFAULT_DB_ALIAS  # noqa: S311
    return route.replica


def _wrote() -> None:
    route = _route.get()
    if route is not None:
        route.wrote = True


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if model._meta.app_label in PRIMARY_ONLY_APPS:
            return DEFAULT_DB_ALIAS
        return read_alias()

    def db_for_write(self, model, **hints):
        if model._meta.app_label not in PRIMARY_ONLY_APPS:
            _wrote()
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # Every database holds the same rows.
        return True

    def allow_migrate(self, db, app_label, **hints):
        return db == DEFAULT_DB_ALIAS


def reads_primary(view):
    """Marks a view whose reads must be current (a form about to be saved)."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        route = _route.get()
        if route is not None:
            route.primary = True
        return view(request, *args, **kwargs)

    return wrapper


# When each replica was last checked and whether it was usable then.
_health: dict[str, tuple[float, bool]] = {}
_checking = threading.Lock()


def forget_health() -> None:
    """The next read checks every replica again."""
    _health.clear()


def healthy_replicas() -> list[str]:
    now = time.monotonic()
    due = [
        alias
        for alias in settings.READ_REPLICAS
        if alias not in _health
        or now - _health[alias][0] >= settings.REPLICA_CHECK_SECONDS
    ]
    # One thread checks; the others go on with what was known (nothing at
    # first: the primary) rather than wait for a replica that does not answer.
    if due and _checking.acquire(blocking=False):
        try:
            primary_lsn = _primary_lsn()
            for alias in due:
                _health[alias] = (time.monotonic(), replica_usable(alias, primary_lsn))
        finally:
            _checking.release()
    return [
        alias for alias in settings.READ_REPLICAS if _health.get(alias, (0.0, False))[1]
    ]


def _probe(alias: str, sql: str, params=()):
    """One row of ``sql`` on a connection of its own to ``alias``."""
    wrapper = connections.create_connection(alias)
    options = {
        **wrapper.settings_dict.get("OPTIONS", {}),
        "connect_timeout": settings.REPLICA_CHECK_TIMEOUT,
    }
    wrapper.settings_dict = {**wrapper.settings_dict, "OPTIONS": options}
    try:
        with wrapper.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()
    finally:
        wrapper.close()


def _primary_lsn() -> str | None:
    try:
        return _probe(DEFAULT_DB_ALIAS, "SELECT pg_current_wal_lsn()::text")[0]
    except DatabaseError as error:
        logger.warning(
            "Replica check: the primary's WAL position is unknown: %s", error
        )
        return None


def replica_usable(alias: str, primary_lsn: str | None) -> bool:
    """Whether ``alias`` is a replica in recovery that has caught up with
    ``primary_lsn`` or lags at most REPLICA_MAX_LAG seconds. Without the
    primary's position (the primary is down), a replica that replayed all it
    received counts as caught up: stale reads beat no reads then."""
    try:
        in_recovery, caught_up, lag = _probe(
            alias,
            "SELECT pg_is_in_recovery(), "
            "CASE WHEN %s::pg_lsn IS NULL "
            "THEN pg_last_wal_replay_lsn() >= pg_last_wal_receive_lsn() "
            "ELSE pg_last_wal_replay_lsn() >= %s::pg_lsn END, "
            "EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())",
            [primary_lsn, primary_lsn],
        )
    except DatabaseError as error:
        logger.warning("Replica %s is skipped: %s", alias, error)
        return False
    if not in_recovery:
        # Promoted, or not a replica at all: its data may have parted from
        # the primary's.
        logger.warning("Replica %s is skipped: it is not in recovery", alias)
        return False
    if caught_up:
        return True
    usable = lag is not None and float(lag) <= settings.REPLICA_MAX_LAG
    if not usable:
        logger.warning("Replica %s is skipped: it lags %s s", alias, lag)
    return usable


@functools.cache
def _admin_prefix() -> str | None:
    try:
        return reverse("admin:index")
    except NoReverseMatch:
        return None


def _needs_primary(request) -> bool:
    if request.method not in SAFE_METHODS:
        return True
    admin = _admin_prefix()
    if admin is not None and request.path.startswith(admin):
        return True
    return (
        request.get_signed_cookie(
            STICKY_COOKIE,
            default=None,
            salt=STICKY_COOKIE,
            max_age=settings.REPLICA_STICKY_SECONDS,
        )
        is not None
    )


def _within(route: _Route, chunks):
    """A streamed body's chunks, each read with the request's route: they
    are read after the middleware has returned."""
    chunks = iter(chunks)
    while True:
        token = _route.set(route)
        try:
            chunk = next(chunks)
        except StopIteration:
            return
        finally:
            _route.reset(token)
        yield chunk


class ReplicaMiddleware:
    """Routes a request's reads (see the module's docstring); sets the
    sticky cookie on the response of a request that wrote."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not settings.READ_REPLICAS:
            return self.get_response(request)
        route = _Route(primary=_needs_primary(request))
        response = self._respond(request, route)
        failed = response.status_code in (500, 503) and not route.wrote
        if failed and route.replica not in (None, DEFAULT_DB_ALIAS):
            # The replica may have gone away since it was last checked: if
            # so, skip it from now on and answer this read from the primary.
            if not replica_usable(route.replica, _primary_lsn()):
                _health[route.replica] = (time.monotonic(), False)
                route = _Route(primary=True)
                response = self._respond(request, route)
        if route.wrote or (
            request.method not in SAFE_METHODS and response.status_code < 400
        ):
            response.set_signed_cookie(
                STICKY_COOKIE,
                "1",
                salt=STICKY_COOKIE,
                max_age=settings.REPLICA_STICKY_SECONDS,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        if response.streaming:
            response.streaming_content = _within(route, response.streaming_content)
        return response

    def _respond(self, request, route: _Route):
        token = _route.set(route)
        try:
            return self.get_response(request)
        finally:
            _route.reset(token)
