"""schemathesis hooks for .ci/fuzz: positive cases name rows that exist.

A schema can say that a slug is a non-empty string, not that a row has it;
the API answers an unknown slug with 400 (API.md). So, before a positive
(schema-valid) case is sent, each value that names a row is replaced by the
name of a row of the demo data the server holds, picked by the generated
value, and the few rules between parameters (a diff's from_date before its
to_date, a person is never a side) are kept. Negative cases go out as
generated. Opaque cursors come from `next` alone: a positive case drops an
invented one.
"""

import datetime
import json
import os
import urllib.request
import zlib

import schemathesis

APP_URL = os.environ["APP_URL"]


def _rows(resource: str) -> list[dict]:
    rows, url = [], f"{APP_URL}/api/v1/{resource}/?page_size=500"
    while url:
        with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310
            page = json.load(response)
        rows += page["results"]
        url = page["next"]
    return rows


NAMES: dict[str, list] = {}
WRITES = ("POST", "PUT", "PATCH", "DELETE")


def _load_names() -> None:
    """The rows as they are now: a curator's writes rename and delete them."""
    actors = _rows("actors")
    NAMES.update(
        actors=[row["slug"] for row in actors],
        sides=[row["slug"] for row in actors if row["kind"] != "person"],
        negotiations=[row["slug"] for row in _rows("negotiations")],
        proposals=[row["slug"] for row in _rows("proposals")],
        events=[row["slug"] for row in _rows("events")],
        articles=[row["id"] for row in _rows("articles")],
    )


_load_names()
ANALYSES = ("/stances/", "/timeline/", "/changes/", "/gap/", "/diff/", "/summary/")
# Query parameter: the rows it names (sides on the analyses).
PARAMETERS = {
    "actor": "actors",
    "speaker": "actors",
    "participant": "actors",
    "originated_by": "actors",
    "negotiation": "negotiations",
    "proposal": "proposals",
    "event": "events",
    "article": "articles",
    "a": "sides",
    "b": "sides",
}


def _pick(kind: str, value):
    names = NAMES[kind]
    if not names:
        return value
    return names[zlib.crc32(str(value).encode()) % len(names)]


def _ground(kind: str, value):
    if isinstance(value, list):
        return [_pick(kind, item) for item in value]
    return _pick(kind, value)


def _ordered(query: dict, first: str, last: str, *, strictly: bool) -> None:
    if first not in query or last not in query:
        return
    start = datetime.date.fromisoformat(str(query[first]))
    end = datetime.date.fromisoformat(str(query[last]))
    if start > end:
        start, end = end, start
    if strictly and start == end:
        start -= datetime.timedelta(days=1)
    query[first], query[last] = start.isoformat(), end.isoformat()


STALE = []


@schemathesis.hook
def after_call(context, case, response):
    if case.method.upper() in WRITES and response.status_code < 300:
        STALE.append(True)


@schemathesis.hook
def before_call(context, case, **kwargs):
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive:
        return
    if STALE and case.method.upper() == "GET":
        STALE.clear()
        _load_names()
    path = case.operation.path
    analysis = path.endswith(ANALYSES)
    query = case.query
    if query:
        for name, kind in PARAMETERS.items():
            if name in query:
                if kind == "actors" and name == "actor" and analysis:
                    kind = "sides"
                query[name] = _ground(kind, query[name])
        query.pop("cursor", None)
        _ordered(query, "from_date", "to_date", strictly=True)
        _ordered(query, "since", "until", strictly=False)
    if path.endswith("/summary/") and case.path_parameters:
        case.path_parameters["slug"] = _pick("sides", case.path_parameters["slug"])
