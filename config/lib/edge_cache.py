"""The shared response cache, answered in front of Django.

A cached answer that still passes every middleware, DRF's authentication,
throttles and content negotiation and reads the data version from the
database costs several times what the answer itself does (docs/performance.md).
So anonymous GETs are first asked of Redis here, in the WSGI application
itself, in one round trip (a Lua script): the published data version, the
entry stored for this URL at that version, and this client's rate counts.
Everything else goes to Django as before.

What is kept here is exactly what Django's response cache shares
(``config/lib/response_cache.py``): a 200 for an anonymous request, with no
cookie set, no private Cache-Control and Vary within Accept and Cookie. Django
says so by setting ``SNAPSHOT`` in the request's environ (its META), with the
data version the answer was read at; the rates it counted for the request are
in ``RATE_SCOPES``. The final response is kept, every middleware's headers
included, but the ``RateLimit-*`` headers, which are the client's own and are
written afresh.

The data version is published to Redis after each writing transaction
commits (``publish``, on ``versions.version_committed``), before the writer
is answered: a read after an acknowledged write asks for the new version's
entries, which do not exist yet, so it goes to Django. A version that is only
ever raised could still be lost with a process killed between its commit and
its publication: the published one therefore expires after
RESPONSE_CACHE_VERSION_SECONDS, and is then read again from the primary.

Rates: each hit counts the same rates Django counted for the request, in the
same keys (``WindowCounterMixin``). A hit past any of them is uncounted again
and handed to Django, which refuses it as it always does (a 429 with
Retry-After), so the counts stay exact and nobody is answered past a rate.
"""

import contextlib
import datetime
import hashlib
import json
import math
import time
from types import SimpleNamespace

import redis
from django.conf import settings
from django.core.cache import caches
from django.db import DEFAULT_DB_ALIAS, DatabaseError
from django.dispatch import receiver
from django.utils import timezone
from redis.exceptions import RedisError
from rest_framework.throttling import SimpleRateThrottle

from config.lib import versions
from config.lib.etags import names_etag

# What Django leaves in the environ for the edge.
SNAPSHOT = "stance.edge.snapshot"
RATE_SCOPES = "stance.edge.rate_scopes"

VERSION_KEY = "edge:version"
ENTRY_PREFIX = "edge:"
# Headers of one client's own, written for each answer.
CLIENT_HEADERS = frozenset(
    {"ratelimit-limit", "ratelimit-remaining", "ratelimit-reset"}
)
NOT_IN_304 = frozenset({"content-length", "content-type"})
# Never the same for two visitors, or never cached: straight to Django.
PASSED_PATHS = ("/admin/", "/accounts/")

# KEYS[1]: the published version. ARGV: the entries' key prefix, the URL's
# hash, the rate counters' key prefix, the client's identity, the time, the
# ETag the client holds ("-" for none).
# Replies {0} (no version published), {1, version} (a miss), or
# {2, version, headers, etag, scopes, body ("" when the ETag matched),
# count...} with one count per rate scope of the entry.
READ_SCRIPT = """
local version = redis.call('GET', KEYS[1])
if not version then return {0} end
local entry = ARGV[1] .. version .. ':' .. ARGV[2]
local found = redis.call('HMGET', entry, 'head', 'etag', 'scopes')
if not found[1] then return {1, version} end
local reply = {2, version, found[1], found[2], found[3], ''}
if found[2] ~= ARGV[6] then reply[6] = redis.call('HGET', entry, 'body') end
local now = tonumber(ARGV[5])
for scope, duration in string.gmatch(found[3], '([^,:]+):(%d+):%d+') do
  duration = tonumber(duration)
  local key = ARGV[3] .. scope .. '_' .. ARGV[4] .. ':' .. math.floor(now / duration)
  local count = 1
  if redis.call('EXISTS', key) == 1 then
    count = redis.call('INCR', key)
  else
    redis.call('SET', key, 1, 'EX', math.ceil(duration))
  end
  reply[#reply + 1] = count
end
return reply
"""

# KEYS[1]: the published version. ARGV: "version:microseconds", the version,
# the microseconds, the seconds it stands. A version is replaced only by a
# later one: later by number, or taken later (a restored backup numbers its
# versions again); the same one stands longer.
PUBLISH_SCRIPT = """
local current = redis.call('GET', KEYS[1])
if current then
  local version, taken = string.match(current, '^(%d+):(%d+)$')
  version, taken = tonumber(version), tonumber(taken)
  local new_version, new_taken = tonumber(ARGV[2]), tonumber(ARGV[3])
  if new_version == version and new_taken == taken then
    return redis.call('EXPIRE', KEYS[1], ARGV[4])
  end
  if new_version <= version and new_taken <= taken then return 0 end
end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[4])
return 1
"""

# Uncounts a hit refused by a rate, as Django's throttles do.
UNCOUNT_SCRIPT = """
for _, key in ipairs(KEYS) do
  if redis.call('EXISTS', key) == 1 then redis.call('DECR', key) end
end
return 0
"""


def enabled() -> bool:
    return settings.RESPONSE_CACHE and settings.CACHES["default"]["BACKEND"].endswith(
        ".RedisCache"
    )


def _redis():
    """The default cache, a Redis client of its connection pool and the
    scripts. Django's backend makes a new client for each command, which
    cost more than the rest of an answer: one is kept per backend (per
    thread, as Django keeps backends), holding one connection."""
    backend = caches["default"]
    kept = getattr(backend, "_edge_client", None)
    if kept is None:
        # A connection of its own, as the backend is the thread's: taking
        # one from the pool and giving it back cost a quarter of a hit.
        pool = backend._cache._get_connection_pool(write=True)
        client = redis.Redis(connection_pool=pool, single_connection_client=True)
        scripts = SimpleNamespace(
            read=client.register_script(READ_SCRIPT),
            publish=client.register_script(PUBLISH_SCRIPT),
            uncount=client.register_script(UNCOUNT_SCRIPT),
        )
        kept = backend._edge_client = (client, scripts)
    return backend, *kept


def record_of(snapshot: versions.Snapshot) -> str:
    """How a version stands in keys: its number and when it was taken, as a
    restored backup takes the same numbers again for other data."""
    taken = (snapshot.taken_at - versions.EPOCH) // datetime.timedelta(microseconds=1)
    return f"{snapshot.version}:{taken}"


@receiver(versions.version_committed)
def _publish_committed(sender, snapshot: versions.Snapshot, **kwargs) -> None:
    publish(snapshot)


def publish(snapshot: versions.Snapshot) -> None:
    """Makes ``snapshot`` the version the edge answers from, unless a later
    one already is. Never raises: without it the edge answers nothing new
    until the published version expires and is read again."""
    if not enabled():
        return
    try:
        backend, _, scripts = _redis()
        record = record_of(snapshot)
        version, taken = record.split(":")
        scripts.publish(
            keys=[backend.make_key(VERSION_KEY)],
            args=[record, version, taken, settings.RESPONSE_CACHE_VERSION_SECONDS],
        )
    except RedisError:
        # Reads go to Django until the published version expires.
        return


class _Ident(SimpleRateThrottle):
    """DRF's client identity (address, or NUM_PROXIES' forwarded one), as the
    throttles key their counts."""

    rate = "1/second"

    def __init__(self):
        pass


_ident = _Ident()


def _shared_request(environ) -> bool:
    if environ.get("REQUEST_METHOD") != "GET" or "HTTP_AUTHORIZATION" in environ:
        return False
    path = environ.get("PATH_INFO", "")
    if path.startswith((*PASSED_PATHS, settings.STATIC_URL)):
        return False
    cookies = environ.get("HTTP_COOKIE")
    if cookies:
        names = {part.split("=", 1)[0].strip() for part in cookies.split(";")}
        if not names <= {settings.CSRF_COOKIE_NAME, ""}:
            return False
    return True


def answer_context() -> tuple[str, ...]:
    """What an anonymous answer depends on beside the request and the data
    version: the rules, whether reads are public, and the day (analyses and
    pages answer as of today, which changes without a write). Both caches'
    keys name it."""
    return (
        settings.RULES_VERSION,
        str(settings.PUBLIC_READ),
        datetime.date.today().isoformat(),
        timezone.localdate().isoformat(),
    )


def rate_limit_headers(state: tuple[int, int, int]) -> list[tuple[str, str]]:
    """``RateLimit-*`` of the tightest rate: (limit, remaining, seconds to
    its reset)."""
    limit, remaining, reset = state
    return [
        ("RateLimit-Limit", str(limit)),
        ("RateLimit-Remaining", str(remaining)),
        ("RateLimit-Reset", str(reset)),
    ]


def url_hash(environ) -> str:
    """Everything of the request an anonymous answer may depend on, as the
    response cache's key has it."""
    asked = "|".join(
        (
            environ.get("wsgi.url_scheme", ""),
            environ.get("HTTP_X_FORWARDED_PROTO", ""),
            environ.get("HTTP_HOST", ""),
            environ.get("SCRIPT_NAME", ""),
            environ.get("PATH_INFO", ""),
            environ.get("QUERY_STRING", ""),
            environ.get("HTTP_ACCEPT", ""),
            *answer_context(),
        )
    )
    return hashlib.sha256(asked.encode()).hexdigest()


class EdgeCache:
    """The WSGI application: hits answered here, everything else by ``app``."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        if not (_shared_request(environ) and enabled()):
            return self.app(environ, start_response)
        try:
            answer = self._answer(environ, start_response)
        except (RedisError, DatabaseError):
            # Redis or the database away: Django answers alone, as it can.
            answer = None
        if answer is not None:
            return answer
        return self._ask_django(environ, start_response)

    def _answer(self, environ, start_response):
        backend, client, scripts = _redis()
        digest = url_hash(environ)
        environ[_DIGEST] = digest
        ident = _ident.get_ident(
            SimpleNamespace(
                META=environ,
                headers={"x-forwarded-for": environ["HTTP_X_FORWARDED_FOR"]}
                if "HTTP_X_FORWARDED_FOR" in environ
                else {},
            )
        )
        now = time.time()
        args = [
            backend.make_key(ENTRY_PREFIX),
            digest,
            backend.make_key("throttle_"),
            ident,
            repr(now),
            environ.get("HTTP_IF_NONE_MATCH", "-"),
        ]
        keys = [backend.make_key(VERSION_KEY)]
        reply = scripts.read(keys=keys, args=args, client=client)
        if reply[0] == 0:
            snapshot = versions.current_snapshot(using=DEFAULT_DB_ALIAS)
            publish(snapshot)
            reply = scripts.read(keys=keys, args=args, client=client)
            if reply[0] == 0:
                return None
        environ[_VERSION] = reply[1].decode()
        if reply[0] == 1:
            return None
        head, etag, scopes, body = reply[2:6]
        counts = reply[6:]
        limits = _limits(scopes.decode(), counts, now)
        if limits is None:
            return self._refuse_to_answer(client, scripts, backend, scopes, ident, now)
        headers = [tuple(pair) for pair in json.loads(head)]
        if environ["PATH_INFO"].startswith("/api/") and limits:
            headers += rate_limit_headers(min(limits, key=lambda state: state[1]))
        offered = environ.get("HTTP_IF_NONE_MATCH")
        if etag and names_etag(offered, etag.decode()):
            headers = [(k, v) for k, v in headers if k.lower() not in NOT_IN_304]
            start_response("304 Not Modified", headers)
            return [b""]
        if not body:
            # The ETag matched the one stored, but not as If-None-Match
            # names it (cannot happen with one tag): ask again for the body.
            return None
        start_response("200 OK", headers)
        return [body]

    @staticmethod
    def _refuse_to_answer(client, scripts, backend, scopes, ident, now):
        window_keys = []
        for scope, duration, _ in _rates(scopes.decode()):
            window = int(now // duration)
            window_keys.append(backend.make_key(f"throttle_{scope}_{ident}:{window}"))
        scripts.uncount(keys=window_keys, args=[], client=client)
        return None

    def _ask_django(self, environ, start_response):
        status_and_headers = []

        def remember_start(status, headers, exc_info=None):
            status_and_headers[:] = [status, headers]
            return start_response(status, headers, exc_info)

        result = self.app(environ, remember_start)
        snapshot = environ.get(SNAPSHOT)
        version = environ.get(_VERSION)
        if (
            snapshot is None
            or version is None
            or record_of(snapshot) != version
            or not status_and_headers
            or not status_and_headers[0].startswith("200")
        ):
            return result
        try:
            body = b"".join(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        # Kept or not, the answer stands.
        with contextlib.suppress(RedisError):
            self._store(environ, status_and_headers[1], body, version)
        return [body]

    @staticmethod
    def _store(environ, headers, body: bytes, version: str) -> None:
        if len(body) > settings.RESPONSE_CACHE_MAX_BYTES:
            return
        if any(name.lower() == "set-cookie" for name, _ in headers):
            return
        kept = [
            [name, value]
            for name, value in headers
            if name.lower() not in CLIENT_HEADERS
        ]
        etag = next((value for name, value in headers if name.lower() == "etag"), "")
        scopes = ",".join(
            f"{scope}:{duration}:{limit}"
            for scope, duration, limit in environ.get(RATE_SCOPES, [])
        )
        backend, client, _ = _redis()
        entry = backend.make_key(f"{ENTRY_PREFIX}{version}:{environ[_DIGEST]}")
        with client.pipeline(transaction=True) as pipeline:
            pipeline.hset(
                entry,
                mapping={
                    "head": json.dumps(kept),
                    "etag": etag,
                    "scopes": scopes,
                    "body": body,
                },
            )
            pipeline.expire(entry, settings.RESPONSE_CACHE_SECONDS)
            pipeline.execute()


_DIGEST = "stance.edge.digest"
_VERSION = "stance.edge.version"


def _rates(scopes: str):
    """(scope, seconds, requests) of each rate an entry's request counted."""
    for rate in filter(None, scopes.split(",")):
        scope, duration, limit = rate.rsplit(":", 2)
        yield scope, int(duration), int(limit)


def _limits(scopes: str, counts, now: float):
    """(limit, remaining, seconds to reset) per rate, or None if the hit is
    past any of them."""
    limits = []
    for (_, duration, limit), count in zip(_rates(scopes), counts, strict=True):
        if count > limit:
            return None
        window_end = (int(now // duration) + 1) * duration
        limits.append((limit, limit - count, max(0, math.ceil(window_end - now))))
    return limits
