"""Rates that keep one client from taking the site: the API's expensive
operations, the web pages, and login attempts before any password is hashed.

All counters live in the default cache, so several processes share them
when that cache is shared (Redis). Rates are in REST_FRAMEWORK's
DEFAULT_THROTTLE_RATES, by scope.
"""

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string
from rest_framework.throttling import SimpleRateThrottle


class _ScopedThrottle(SimpleRateThrottle):
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
    response = HttpResponse(
        render_to_string("429.html", {"message": message}), status=429
    )
    response["Retry-After"] = str(seconds)
    return response
