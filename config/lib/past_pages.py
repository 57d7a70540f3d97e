"""Pages read as the database held it: ``?known_at=`` (an ISO date-time) or
``?release=`` (a release's slug) on a page shows the data of that version,
as the API's reads do, says so at the top, and keeps the parameter in its
links to other pages that take it. A bad value is a 400 page showing the
current data with the error at the top.
"""

import html
import re
from functools import wraps
from urllib.parse import parse_qs, urlencode, urlsplit

from django.apps import apps
from django.conf import settings
from django.urls import Resolver404, resolve
from rest_framework import exceptions

from config.lib import versions
from config.lib.snapshots import (
    VERSION_PARAMETERS,
    VersionedReadMixin,
    snapshot_of,
)

# The link back to the current data (``data-current``) is left as it is.
_HREF = re.compile(r'(?<!data-current )href="(/[^"/][^"]*|/)"')
_GET_FORM = re.compile(r'<form\b[^>]*\bmethod="get"[^>]*>', re.IGNORECASE)
_ACTION = re.compile(r'\baction="([^"]*)"')


def _messages(error: exceptions.ValidationError) -> str:
    detail = error.detail
    if isinstance(detail, dict):
        return " ".join(
            str(message) for values in detail.values() for message in values
        )
    return " ".join(str(message) for message in detail)


def _takes_the_past(path: str) -> bool:
    try:
        match = resolve(urlsplit(html.unescape(path)).path)
    except Resolver404:
        return False
    if getattr(match.func, "reads_the_past", False):
        return True
    # An API read (a download link) that answers known_at and release.
    view = getattr(match.func, "cls", None)
    return (
        view is not None
        and issubclass(view, VersionedReadMixin)
        and (view.reads_the_past is True)
    )


def _keep_in_links(content: str, kept: dict[str, str]) -> str:
    """Every link and GET form leading to a page that takes the parameter
    keeps it, so that reading the past goes on from page to page (links in
    partials and charts included, which no one template sees all of)."""

    def link(match):
        href = match.group(1)
        if not _takes_the_past(href):
            return match.group(0)
        path, _, fragment = href.partition("#")
        # A page link built from the request's query (the next page) has it.
        named = parse_qs(urlsplit(html.unescape(path)).query, keep_blank_values=True)
        missing = {name: value for name, value in kept.items() if name not in named}
        if not missing:
            return match.group(0)
        query = html.escape(urlencode(missing))
        joiner = "&amp;" if "?" in path else "?"
        fragment = f"#{fragment}" if fragment else ""
        return f'href="{path}{joiner}{query}{fragment}"'

    hidden = "".join(
        f'<input type="hidden" name="{html.escape(name)}" value="{html.escape(value)}">'
        for name, value in kept.items()
    )

    def form(match):
        action = _ACTION.search(match.group(0))
        if action and action.group(1) and not _takes_the_past(action.group(1)):
            return match.group(0)
        return match.group(0) + hidden

    return _GET_FORM.sub(form, _HREF.sub(link, content))


def reads_the_past(view):
    """A page view that answers ``known_at`` and ``release``."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not VERSION_PARAMETERS & set(request.GET):
            return view(request, *args, **kwargs)
        try:
            snapshot = snapshot_of(request.GET)
        except exceptions.ValidationError as error:
            request.past_error = _messages(error)
            response = view(request, *args, **kwargs)
            if response.status_code == 200:
                response.status_code = 400
            return response
        request.past_snapshot = snapshot
        with versions.reading(snapshot):
            response = view(request, *args, **kwargs)
        if response.status_code == 200 and "html" in response.get("Content-Type", ""):
            kept = {
                name: request.GET[name]
                for name in sorted(VERSION_PARAMETERS & set(request.GET))
            }
            response.content = _keep_in_links(
                response.content.decode(response.charset), kept
            )
        return response

    wrapper.reads_the_past = True
    return wrapper


def past_reading(request) -> dict:
    """Context processor: ``past`` describes what a page read in the past
    says at the top (or the error of a bad value), and where the current data is."""
    snapshot = getattr(request, "past_snapshot", None)
    error = getattr(request, "past_error", None)
    if snapshot is None and error is None:
        return {}
    current = request.GET.copy()
    for name in VERSION_PARAMETERS:
        current.pop(name, None)
    past = {
        "error": error,
        "current_url": request.path + (f"?{current.urlencode()}" if current else ""),
    }
    if snapshot is not None and snapshot.release is not None:
        release = apps.get_model(settings.RELEASE_MODEL)
        past["release"] = (
            release.objects.filter(slug=snapshot.release)
            .values_list("name", flat=True)
            .first()
        ) or snapshot.release
    elif snapshot is not None:
        past["known_at"] = snapshot.known_at.astimezone(versions.EPOCH.tzinfo)
    return {"past": past}
