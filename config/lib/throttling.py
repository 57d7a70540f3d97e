"""Limits that keep one client from taking the site: rates for the API's
expensive operations, the web pages and login attempts (before any password
is hashed), and caps on how many expensive requests run at once.

Rate counters live in the default cache, so several processes share them
when that cache is shared (Redis). Rates are in REST_FRAMEWORK's
DEFAULT_THROTTLE_RATES, by scope.
"""

import math
import threading

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle

from config.lib import edge_cache


class WindowCounterMixin:
    """A rate counted in fixed windows of its period (a minute for
    "20/minute"), by one atomic increment of the window's count per request.

    DRF's own throttle keeps the time of every request of the period in one
    cache entry, read and written whole on each request: at a rate of
    1,200 a minute that is a list of 1,200 floats to unpickle and pickle
    per request and throttle (at the benchmark's opened rates, 60,000 and
    2.6 ms), and two processes writing it at once lose each other's
    requests. Here each request costs the same whatever the rate, and the
    count is exact across every process sharing the cache. A refused
    request is not counted, as in DRF. The price of fixed windows: a client
    may spend one window's rate at its end and the next one's at its start.

    It also notes, on the request, the tightest rate that applied, for the
    ``RateLimit-*`` headers (RateLimitHeadersMiddleware): what is left of
    the window, and the seconds until the next one.
    """

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.now = self.timer()
        window = int(self.now // self.duration)
        self.window_end = (window + 1) * self.duration
        window_key = f"{self.key}:{window}"
        self.count = _increment(self.cache, window_key, timeout=self.duration)
        allowed = self.count <= self.num_requests
        if not allowed:
            _decrement(self.cache, window_key)
            self.count -= 1
        else:
            self.counted_key = window_key
            # The rates the edge in front of Django counts again for each
            # answer it gives to this request from the cache (edge_cache).
            meta = getattr(request, "_request", request).META
            meta.setdefault(edge_cache.RATE_SCOPES, []).append(
                (self.scope, self.duration, self.num_requests)
            )
        self._note_state(request)
        return allowed

    def uncount(self) -> None:
        """Takes back this request's count, for a request that another rate
        refused (or that is handed on to be counted again)."""
        window_key = getattr(self, "counted_key", None)
        if window_key is not None:
            _decrement(self.cache, window_key)
            self.counted_key = None

    def wait(self):
        """Seconds until the next window, where the count starts again."""
        return self.window_end - self.now

    def _note_state(self, request):
        remaining = max(0, self.num_requests - self.count)
        reset = max(0, math.ceil(self.window_end - self.now))
        http_request = getattr(request, "_request", request)
        noted = getattr(http_request, "rate_limit", None)
        if noted is None or remaining < noted[1]:
            http_request.rate_limit = (self.num_requests, remaining, reset)


def _increment(store, key: str, *, timeout: float) -> int:
    try:
        return store.incr(key)
    except ValueError:  # the window's first request
        if store.add(key, 1, timeout=math.ceil(timeout)):
            return 1
        return store.incr(key)


def _decrement(store, key: str) -> None:
    try:
        store.decr(key)
    except ValueError:  # expired meanwhile
        pass


class AnonymousRateThrottle(WindowCounterMixin, AnonRateThrottle):
    """DRF's anonymous rate (THROTTLE_ANON), with RateLimit-* headers."""


class RateLimitHeadersMiddleware:
    """``RateLimit-Limit``, ``-Remaining`` and ``-Reset`` (seconds) on every
    API response a rate applied to: the tightest one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        state = getattr(request, "rate_limit", None)
        if state is not None and request.path.startswith("/api/"):
            for name, value in edge_cache.rate_limit_headers(state):
                response[name] = value
        return response


class _ScopedThrottle(WindowCounterMixin, SimpleRateThrottle):
    """A rate per client for one scope: by user when signed in, else by address."""

    anonymous_only = False
    signed_in_only = False

    def get_cache_key(self, request, view):
        user = getattr(request, "user", None)
        signed_in = bool(user and user.is_authenticated)
        if (self.anonymous_only and signed_in) or (
            self.signed_in_only and not signed_in
        ):
            return None
        ident = f"user-{user.pk}" if signed_in else self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}


class AnonExpensiveThrottle(_ScopedThrottle):
    """Analyses and full exports, for anonymous clients."""

    scope = "anon_expensive"
    anonymous_only = True


class UserExpensiveThrottle(_ScopedThrottle):
    scope = "user_expensive"
    signed_in_only = True


EXPENSIVE_THROTTLES = [AnonExpensiveThrottle, UserExpensiveThrottle]


class AnonPageThrottle(_ScopedThrottle):
    scope = "anon_pages"
    anonymous_only = True


class UserPageThrottle(_ScopedThrottle):
    scope = "user_pages"
    signed_in_only = True


class LoginAttemptThrottle(_ScopedThrottle):
    """Password POSTs per address, whoever they name: each costs a hash."""

    scope = "login"

    def get_cache_key(self, request, view):
        return self.cache_format % {
            "scope": self.scope,
            "ident": self.get_ident(request),
        }


# Forms that check a password: every POST to them is counted per address.
PASSWORD_FORMS = ("/accounts/login/", "/admin/login/", "/accounts/password_change/")


class PageRateLimitMiddleware:
    """429 with Retry-After for web pages past their rate (the API has its own
    throttles), and for password posts past theirs, before the view runs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        for throttle in self._throttles_for(request):
            if not throttle.allow_request(request, None):
                return _too_many(request, throttle.wait())
        return self.get_response(request)

    def _throttles_for(self, request) -> list:
        path = request.path
        if path.startswith(("/api/", settings.STATIC_URL)):
            return []
        throttles = [AnonPageThrottle(), UserPageThrottle()]
        if request.method == "POST" and path in PASSWORD_FORMS:
            throttles.append(LoginAttemptThrottle())
        return throttles


def _too_many(request, wait: float | None) -> HttpResponse:
    seconds = max(1, round(wait or 1))
    message = f"Too many requests. Try again in {seconds} seconds."
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": message}, status=429)
    else:
        response = HttpResponse(
            render_to_string("429.html", {"message": message}), status=429
        )
    response["Retry-After"] = str(seconds)
    return response


class ExpensiveRequestMiddleware:
    """At most EXPENSIVE_PER_CLIENT expensive requests (settings.EXPENSIVE_PATHS,
    any ``?format=csv``) in flight per client, and at most
    EXPENSIVE_PER_PROCESS per process, so that however many a client sends,
    threads stay free for everyone's plain requests. Past the first cap a
    429, past the second a 503, both with Retry-After and at once: waiting
    would hold a thread too. A streamed answer holds its slot until it ends."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.process_slots = threading.BoundedSemaphore(settings.EXPENSIVE_PER_PROCESS)

    def __call__(self, request):
        if not _is_expensive(request):
            return self.get_response(request)
        client_key = f"inflight:{_client_ident(request)}"
        cache.add(client_key, 0, timeout=CLIENT_SLOT_SECONDS)
        if cache.incr(client_key) > settings.EXPENSIVE_PER_CLIENT:
            _release_client(client_key)
            return _too_many(request, RETRY_SECONDS)
        if not self.process_slots.acquire(blocking=False):
            _release_client(client_key)
            return _busy(request, RETRY_SECONDS)

        def release():
            self.process_slots.release()
            _release_client(client_key)

        try:
            response = self.get_response(request)
        except BaseException:
            release()
            raise
        if response.streaming:
            # Released when the server closes the response, at its end.
            response._resource_closers.append(release)
        else:
            release()
        return response


# A slot whose release was lost (a killed process) frees itself after this.
CLIENT_SLOT_SECONDS = 600
RETRY_SECONDS = 5


def _is_expensive(request) -> bool:
    return request.path.startswith(tuple(settings.EXPENSIVE_PATHS)) or (
        request.GET.get("format") in ("csv", "xlsx")
    )


def _client_ident(request) -> str:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user-{user.pk}"
    return AnonPageThrottle().get_ident(request)


def _release_client(key: str) -> None:
    try:
        cache.decr(key)
    except ValueError:  # expired meanwhile
        pass


def _busy(request, seconds: int) -> HttpResponse:
    message = "The server is busy with long requests. Try again shortly."
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": message}, status=503)
    else:
        response = HttpResponse(
            render_to_string("503.html", {"message": message}), status=503
        )
    response["Retry-After"] = str(seconds)
    return response
