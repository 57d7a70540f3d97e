"""Strict readers for settings taken from environment variables.

A typo such as ``DEBUG=ture`` must stop the process at start-up instead of
silently meaning "off", so every reader raises ``ImproperlyConfigured``.
"""

import os
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None) -> str | None:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name}={raw!r} is not a boolean; use one of 1/0, true/false, yes/no, on/off."
    )


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


# Scheme: default port and how the connection is secured.
_MAIL_SCHEMES = {
    "smtp": (25, {}),
    "smtp+tls": (587, {"use_tls": True}),
    "smtps": (465, {"use_ssl": True}),
}


def env_mailers(name: str) -> dict:
    """Django's ``MAILERS`` from one URL, e.g. ``smtp+tls://user:pw@host:587``.

    Unset or empty means no mailer at all. The error messages never repeat
    the value, which may hold a password.
    """
    raw = (os.environ.get(name) or "").strip()
    if not raw:
        return {}
    usage = f"{name}: use smtp://HOST, smtp+tls://USER:PASSWORD@HOST:587 or smtps://…"
    parts = urlsplit(raw)
    if parts.scheme not in _MAIL_SCHEMES or not parts.hostname:
        raise ImproperlyConfigured(usage)
    default_port, security = _MAIL_SCHEMES[parts.scheme]
    try:
        port = parts.port or default_port
        timeout = int(parse_qs(parts.query).get("timeout", ["10"])[-1])
    except ValueError:
        raise ImproperlyConfigured(f"{usage} (port and timeout are numbers)") from None
    options = {"host": parts.hostname, "port": port, "timeout": timeout, **security}
    if parts.username:
        options["username"] = unquote(parts.username)
        options["password"] = unquote(parts.password or "")
    return {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": options,
        }
    }


def load_env_file(path: Path) -> None:
    """Read KEY=VALUE lines of a local ``.env`` file into the environment.

    Variables already set win, so a deployment's real environment is never
    overridden; blank lines and ``#`` comments are skipped. ``make install``
    writes one with DEBUG=1 for a developer's checkout.
    """
    if not path.is_file():
        return
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, separator, value = line.partition("=")
        if not separator or not name.strip():
            raise ImproperlyConfigured(f"{path}, line {number}: expected NAME=value.")
        os.environ.setdefault(name.strip(), value.strip())
