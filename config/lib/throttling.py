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


class RateLimitStateMixin:
    """Notes, on the request, the state of the tightest rate that applied to
    it, for the ``RateLimit-*`` headers (RateLimitHeadersMiddleware)."""

    def allow_request(self, request, view):
        allowed = super().allow_request(request, view)
        if self.rate is not None and getattr(self, "key", None) is not None:
            remaining = max(0, self.num_requests - len(self.history))
            oldest = self.history[-1] if self.history else self.now
            reset = max(0, math.ceil(oldest + self.duration - self.now))
            http_request = getattr(request, "_request", request)
            current = getattr(http_request, "rate_limit", None)
            if current is None or remaining < current[1]:
                http_request.rate_limit = (self.num_requests, remaining, reset)
        return allowed


class AnonymousRateThrottle(RateLimitStateMixin, AnonRateThrottle):
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
            limit, remaining, reset = state
            response["RateLimit-Limit"] = str(limit)
            response["RateLimit-Remaining"] = str(remaining)
            response["RateLimit-Reset"] = str(reset)
        return response


class _ScopedThrottle(RateLimitStateMixin, SimpleRateThrottle):
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
