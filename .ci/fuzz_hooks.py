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


KINDS: dict[str, str] = {}
PUBLISHED: dict[int, str] = {}


def _load_names() -> None:
    """The rows as they are now: a curator's writes rename and delete them."""
    actors = _rows("actors")
    articles = _rows("articles")
    KINDS.clear()
    KINDS.update((row["slug"], row["kind"]) for row in actors)
    PUBLISHED.clear()
    PUBLISHED.update((row["id"], row["published_on"]) for row in articles)
    NAMES.update(
        actors=[row["slug"] for row in actors],
        sides=[row["slug"] for row in actors if row["kind"] != "person"],
        negotiations=[row["slug"] for row in _rows("negotiations")],
        proposals=[row["slug"] for row in _rows("proposals")],
        events=[row["slug"] for row in _rows("events")],
        releases=[row["slug"] for row in _rows("releases")],
        articles=[row["id"] for row in articles],
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
    "release": "releases",
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


PERIODS = (
    ("published_after", "published_before"),
    ("stated_after", "stated_before"),
    ("starts_after", "starts_before"),
)


def _ordered(query: dict, first: str, last: str, *, strictly: bool) -> None:
    if query.get(first) is None or query.get(last) is None:
        return
    start = datetime.date.fromisoformat(str(query[first]))
    end = datetime.date.fromisoformat(str(query[last]))
    if start > end:
        start, end = end, start
    if strictly and start == end:
        start -= datetime.timedelta(days=1)
    query[first], query[last] = start.isoformat(), end.isoformat()


def _not_future(value: str) -> str:
    try:
        instant = datetime.datetime.fromisoformat(value)
    except ValueError:
        return value
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=datetime.UTC)
    try:
        future = instant > datetime.datetime.now(datetime.UTC)
    except OverflowError:
        future = True
    return "2019-06-01T00:00:00Z" if future else value


STALE = []


@schemathesis.hook
def after_call(context, case, response):
    if case.method.upper() in WRITES and response.status_code < 300:
        STALE.append(True)


COUNTER = iter(range(1, 10**9))
# Body field: the rows it names.
REFERENCES = {
    "actor": "sides",
    "originated_by": "actors",
    "participants": "sides",
    "negotiation": "negotiations",
    "proposal": "proposals",
    "article": "articles",
    "articles": "articles",
}
DATE_PAIRS = (("started_on", "ended_on"), ("starts_on", "ends_on"))


def _unique(value: str, separator: str, limit: int) -> str:
    return f"{value[:limit]}{separator}f{next(COUNTER)}"


def _ground_body(case, body: dict) -> None:
    """A write body that keeps the rules between fields and rows that no
    schema states: references to rows that exist, names not yet taken,
    dates in order; a position without the optional parts whose rules tie
    them to others (speaker, condition, event, original quote)."""
    path = case.operation.path
    for name, kind in REFERENCES.items():
        if body.get(name) is not None:
            body[name] = _ground(kind, body[name])
    if isinstance(body.get("slug"), str):
        body["slug"] = _unique(body["slug"], "-", 30)
    unique_names = {"/api/v1/actors/": "name"} | dict.fromkeys(
        ("/api/v1/negotiations/", "/api/v1/proposals/", "/api/v1/events/"), "title"
    )
    for prefix, name in unique_names.items():
        if path.startswith(prefix) and isinstance(body.get(name), str):
            body[name] = _unique(body[name], " ", 150)
    if path.startswith("/api/v1/actors/"):
        slug = (case.path_parameters or {}).get("slug")
        if slug in KINDS and "kind" in body:
            # A kind change is refused once positions depend on the kind.
            body["kind"] = KINDS[slug]
        body.pop("affiliations", None)
        if "aliases" in body:
            body["aliases"] = []
    if path.startswith("/api/v1/articles/") and isinstance(body.get("url"), str):
        body["url"] = f"https://example.org/fuzz/{next(COUNTER)}"
    if path.startswith("/api/v1/proposals/") and "links" in body:
        body["links"] = []
    if path.startswith("/api/v1/positions/"):
        for name in ("speaker", "event", "condition_proposal", "condition_event"):
            if name in body:
                body[name] = None
        for name in ("condition", "quote_original", "quote_language"):
            if name in body:
                body[name] = ""
        if body.get("attribution") == "stated":
            body["attribution"] = "reported"
        body.pop("version", None)
        if body.get("article") in PUBLISHED and "stated_on" in body:
            # On or before the article's day, a different day each time: a
            # side's position on a proposal is once per article and day.
            published = datetime.date.fromisoformat(PUBLISHED[body["article"]])
            earlier = datetime.timedelta(days=next(COUNTER) % 3000)
            body["stated_on"] = (published - earlier).isoformat()
    for first, last in DATE_PAIRS:
        _ordered(body, first, last, strictly=False)


@schemathesis.hook
def before_call(context, case, **kwargs):
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive:
        return
    if STALE:
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
        # known_at asks what the data said then: a future instant is a 400
        # (DESIGN.md), a rule of the clock that no schema states.
        if isinstance(query.get("known_at"), str):
            query["known_at"] = _not_future(query["known_at"])
        # known_at and release name the same thing two ways: one at a time.
        # With no release yet, a positive case cannot name one.
        if "known_at" in query or not NAMES["releases"]:
            query.pop("release", None)
        _ordered(query, "from_date", "to_date", strictly=True)
        _ordered(query, "since", "until", strictly=False)
        # A period's start after its end is a 400 naming it: a rule between
        # two parameters, which the schema states in words only.
        for first, last in PERIODS:
            _ordered(query, first, last, strictly=False)
    if path.endswith("/summary/") and case.path_parameters:
        case.path_parameters["slug"] = _pick("sides", case.path_parameters["slug"])
    bodies = case.body if isinstance(case.body, list) else [case.body]
    for body in bodies:
        if isinstance(body, dict):
            _ground_body(case, body)
