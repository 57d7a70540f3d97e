"""Who may read: everyone while PUBLIC_READ is on, otherwise logged-in users."""

from functools import wraps

from django.conf import settings
from django.contrib.auth.views import redirect_to_login


def may_read(user) -> bool:
    return settings.PUBLIC_READ or bool(user and user.is_authenticated)


def public_read(view):
    """A page anyone may read while PUBLIC_READ is on; otherwise log in first."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not may_read(request.user):
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapper
