"""Login lockout (django-axes) per username and address *and* per address.

Axes counts failures for each group of ``AXES_LOCKOUT_PARAMETERS`` but holds
every group to one limit, ``AXES_FAILURE_LIMIT``. Per (username, address)
that limit is right; per address alone it would lock out a whole office
after a few typos. ``AddressLimitHandler`` gives the address group its own,
higher limit, ``AXES_ADDRESS_FAILURE_LIMIT``, so that guessing one password
for many usernames from one address (spraying) is stopped too.
"""

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit, get_lockout_parameters
from django.conf import settings
from django.db.models import Sum


def _names(group) -> tuple[str, ...]:
    return (group,) if isinstance(group, str) else tuple(group)


def client_address(request) -> str | None:
    """The client's address as DRF's throttles see it (``NUM_PROXIES``).

    Without proxies (0) the socket's address; with N proxies the address the
    outermost one appended, so a forged X-Forwarded-For cannot pick another
    address to be counted under.
    """
    remote = request.META.get("REMOTE_ADDR")
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    proxies = getattr(settings, "NUM_PROXIES", 0)
    if not proxies or not forwarded:
        return remote
    addresses = [address.strip() for address in forwarded.split(",")]
    return addresses[-min(proxies, len(addresses))] or remote


class AddressLimitHandler(AxesDatabaseHandler):
    def get_failures(self, request, credentials=None) -> int:
        """Failures of the most constrained group, in units of
        ``AXES_FAILURE_LIMIT`` (which axes compares the result with): an
        address reaches that limit when it reaches its own."""
        limit = get_failure_limit(request, credentials)
        address_limit = settings.AXES_ADDRESS_FAILURE_LIMIT
        counts = [0]
        groups = get_lockout_parameters(request, credentials)
        for group, attempts in zip(
            groups, self.get_user_attempts(request, credentials), strict=True
        ):
            failures = (
                attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            )
            if "username" not in _names(group):
                failures = failures * limit // address_limit
            counts.append(failures)
        return max(counts)

    def reset_user_attempts(self, request, credentials=None) -> int:
        """On a successful login, forget that user's failures from this
        address only. Axes would also forget the address's failures with
        every other username, so one valid account could reset a spray."""
        groups = get_lockout_parameters(request, credentials)
        deleted = 0
        for group, attempts in zip(
            groups, self.filter_user_attempts(request, credentials), strict=True
        ):
            if "username" in _names(group):
                deleted += attempts.delete()[0]
        return deleted
