"""A9/A13/A14: hostile text, hostile addresses, hostile parameters and bodies.

Hostile text is stored verbatim through every write path and must come out
escaped on every page, chart, feed and admin list that shows it. Parameters
and bodies that are malformed or oversized get a 400 naming what is wrong,
never a 500, and never change the database.
"""

import csv
import datetime
import io
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from html.parser import HTMLParser
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.db import connection
from django.test import override_settings
from rest_framework.test import APIClient

from actors.filters import ActorFilter
from actors.models import Actor, Affiliation
from positions.api.deletions import DeletionsParameters
from positions.filters import (
    ArticleFilter,
    EventFilter,
    NegotiationFilter,
    PositionFilter,
    ProposalFilter,
)
from positions.models import Article, Negotiation, Position, Proposal
from positions.parameters import (
    ChangesParameters,
    DiffParameters,
    GapParameters,
    StancesParameters,
    SummaryParameters,
    TimelineParameters,
)
from tests.factories import PositionFactory, UserFactory
from tests.snapshot import Snapshot

TRACKED_APPS = ("actors", "positions")
SUMMARY = "/api/v1/actors/north-korea/summary/"


def _client(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_login(user)
    return client


def db_state() -> dict:
    """Row counts of every tracked table (history and m2m included) and the
    values of every row of the main tables."""
    state = {}
    for label in TRACKED_APPS:
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            state[model._meta.label] = model._default_manager.count()
    for model in (Actor, Affiliation, Negotiation, Proposal, Article, Position):
        state[f"{model._meta.label} rows"] = list(
            model._default_manager.order_by("pk").values()
        )
    return state


def _positions_table_rows() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM positions_position")
        return cursor.fetchone()[0]


# --- A13: hostile text in, escaped text out ---------------------------------------


@dataclass(frozen=True)
class Payload:
    text: str
    raw: tuple[str, ...]  # must never appear in a response as markup
    escaped: str  # how the text reads once escaped, in HTML and in XML alike

    def value(self, code: str) -> str:
        """The text stored in one field; the code tells which field shows up."""
        return f"{self.text} [{code}]"

    def shown(self, code: str) -> str:
        return f"{self.escaped} [{code}]"


PAYLOADS = {
    "script": Payload(
        "<script>alert(1)</script>",
        ("<script>alert(1)",),
        "&lt;script&gt;alert(1)&lt;/script&gt;",
    ),
    "img": Payload(
        '"><img src=x onerror=alert(1)>',
        ("<img src=x onerror=alert(1)>", '"><img src=x'),
        # XML leaves the quote as it is in text; HTML writes &quot;.
        "&gt;&lt;img src=x onerror=alert(1)&gt;",
    ),
    "svg": Payload(
        "</title><svg onload=alert(1)>",
        ("</title><svg", "<svg onload=alert(1)>"),
        "&lt;/title&gt;&lt;svg onload=alert(1)&gt;",
    ),
}
# Article.language holds 20 characters: too few for the payloads above.
LANGUAGE = "<svg onload=1>"
LANGUAGE_SHOWN = "&lt;svg onload=1&gt;"


class ActiveMarkup(HTMLParser):
    """What a browser would run, and the text of each SVG <title>."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.active: list[str] = []
        self.svg_titles: list[str] = []
        self._script = False
        self._svg = 0
        self._title: list[str] | None = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name.startswith("on") and "alert" in (value or ""):
                self.active.append(f"<{tag} {name}={value}>")
        if tag == "img" and dict(attrs).get("src") == "x":
            self.active.append("<img src=x>")
        if tag == "script":
            self._script = True
        if tag == "svg":
            self._svg += 1
        if tag == "title" and self._svg:
            self._title = []

    def handle_endtag(self, tag):
        if tag == "script":
            self._script = False
        if tag == "svg":
            self._svg -= 1
        if tag == "title" and self._title is not None:
            self.svg_titles.append("".join(self._title))
            self._title = None

    def handle_data(self, data):
        if self._script and "alert" in data:
            self.active.append(f"<script>{data}")
        if self._title is not None:
            self._title.append(data)


def _text_fields(payload: Payload, prefix: str, *names: str) -> dict:
    return {name: payload.value(f"{prefix}-{name}") for name in names}


def build_hostile_world(payload: Payload, curator, analyst):
    """Every text field of every write path, filled with ``payload``."""
    api = _client(curator)

    def created(path, body, status=201):
        response = api.post(path, body, format="json")
        assert response.status_code == status, response.content
        return response.json()

    state = created(
        "/api/v1/actors/",
        {
            "kind": "state",
            "name": payload.value("a-name"),
            "short_name": payload.value("a-short"),
            "description": payload.value("a-desc"),
            "aliases": [payload.value("a-alias")],
        },
    )
    person = created(
        "/api/v1/actors/",
        {
            "kind": "person",
            "name": payload.value("p-name"),
            "affiliations": [
                {
                    "organization": state["slug"],
                    "role": payload.value("p-role"),
                    "start_date": "2019-01-01",
                }
            ],
        },
    )
    negotiation = created(
        "/api/v1/negotiations/",
        {
            "title": payload.value("n-title"),
            "description": payload.value("n-desc"),
            "participants": [state["slug"]],
        },
    )
    proposal = created(
        "/api/v1/proposals/",
        {
            "title": payload.value("pr-title"),
            "summary": payload.value("pr-sum"),
            "negotiation": negotiation["slug"],
            "originated_by": state["slug"],
        },
    )
    article = created(
        "/api/v1/articles/",
        {
            "url": "https://news.example.org/hostile",
            "published_on": "2019-03-28",
            "language": LANGUAGE,
            **_text_fields(payload, "ar", "title", "outlet", "authors"),
            **_text_fields(payload, "ar", "summary", "body"),
        },
    )
    first = created(
        "/api/v1/positions/",
        {
            "actor": state["slug"],
            "proposal": proposal["slug"],
            "stance": 2,
            "stated_on": "2019-03-20",
            "article": article["id"],
            "quote": payload.value("q1-quote"),
            "note": payload.value("q1-note"),
        },
    )
    [second] = created(
        "/api/v1/positions/bulk/",
        [
            {
                "actor": state["slug"],
                "proposal": proposal["slug"],
                "speaker": person["slug"],
                "stance": -2,
                "stated_on": "2019-03-27",
                "article": article["id"],
                "quote": payload.value("q2-quote"),
            }
        ],
    )
    patched = api.patch(
        f"/api/v1/positions/{second['id']}/",
        {"note": payload.value("q2-note")},
        format="json",
    )
    assert patched.status_code == 200, patched.content

    web = _client(analyst)
    posted = web.post(
        "/articles/new/",
        {
            "url": "https://news.example.org/hostile-web",
            "published_on": "2019-03-29",
            "language": LANGUAGE,
            **_text_fields(payload, "w", "title", "outlet", "authors"),
            **_text_fields(payload, "w", "summary", "body"),
            "loaded_at": "",
            "positions-TOTAL_FORMS": "1",
            "positions-INITIAL_FORMS": "0",
            "positions-MIN_NUM_FORMS": "0",
            "positions-MAX_NUM_FORMS": "1000",
            "positions-0-id": "",
            "positions-0-version": "",
            "positions-0-speaker": "",
            "positions-0-actor": state["slug"],
            "positions-0-proposal": proposal["slug"],
            "positions-0-stance": "1",
            "positions-0-stated_on": "2019-03-29",
            "positions-0-confidence": "2",
            "positions-0-quote": payload.value("wq-quote"),
            "positions-0-note": payload.value("wq-note"),
            "save": "1",
        },
        format="multipart",
    )
    assert posted.status_code == 302, posted.content
    web_article = Article.objects.get(url="https://news.example.org/hostile-web")

    return {
        "state": state["slug"],
        "person": person["slug"],
        "negotiation": negotiation["slug"],
        "proposal": proposal["slug"],
        "article": article["id"],
        "web_article": web_article.pk,
        "first": first["id"],
        "second": second["id"],
    }


def _build_hostile_snapshot(payload: Payload) -> SimpleNamespace:
    # The users of the user fixtures of tests/conftest.py, made the same way
    # (the fixtures then find them by username).
    analysts, curators = (Group.objects.get(name=n) for n in ("analysts", "curators"))
    analyst = UserFactory(username="analyst", groups=[analysts])
    curator = UserFactory(username="curator", groups=[curators], is_staff=True)
    UserFactory(username="root", is_staff=True, is_superuser=True)
    return SimpleNamespace(world=build_hostile_world(payload, curator, analyst))


@pytest.fixture(scope="module")
def hostile_snapshots(django_db_setup, django_db_blocker):
    """{payload: the hostile world and its users, built once (as the world
    takes nine requests to build) and copied into each test: tests/snapshot.py}"""
    snapshots = {}
    fast_hashing = override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]
    )
    with django_db_blocker.unblock(), fast_hashing:
        for name, payload in PAYLOADS.items():
            snapshots[name] = Snapshot(
                lambda payload=payload: _build_hostile_snapshot(payload)
            )
    return snapshots


@pytest.fixture(params=list(PAYLOADS))
def hostile(request, db, hostile_snapshots):
    payload = PAYLOADS[request.param]
    world = hostile_snapshots[request.param].restore().world
    for user in ("analyst", "curator", "superuser"):
        request.getfixturevalue(user)
    return payload, world


def test_it_stores_hostile_text_verbatim_from_every_write_path(hostile):
    payload, world = hostile
    state = Actor.objects.get(slug=world["state"])
    person = Actor.objects.get(slug=world["person"])
    proposal = Proposal.objects.get(slug=world["proposal"])
    article = Article.objects.get(pk=world["article"])
    web_article = Article.objects.get(pk=world["web_article"])
    [web_position] = web_article.positions.all()
    v = payload.value

    assert (state.name, state.short_name, state.description, state.aliases) == (
        v("a-name"),
        v("a-short"),
        v("a-desc"),
        [v("a-alias")],
    )
    assert (person.name, person.affiliations.get().role) == (v("p-name"), v("p-role"))
    assert (proposal.title, proposal.summary) == (v("pr-title"), v("pr-sum"))
    assert (proposal.negotiation.title, proposal.negotiation.description) == (
        v("n-title"),
        v("n-desc"),
    )
    for prefix, stored in (("ar", article), ("w", web_article)):
        assert [
            getattr(stored, name)
            for name in ("title", "outlet", "authors", "summary", "body", "language")
        ] == [
            v(f"{prefix}-{name}")
            for name in ("title", "outlet", "authors", "summary", "body")
        ] + [LANGUAGE]
    positions = Position.objects.in_bulk([world["first"], world["second"]])
    assert [(p.quote, p.note) for p in positions.values()] == [
        (v("q1-quote"), v("q1-note")),
        (v("q2-quote"), v("q2-note")),
    ]
    assert (web_position.quote, web_position.note) == (v("wq-quote"), v("wq-note"))


@dataclass(frozen=True)
class Page:
    name: str
    path: str  # formatted with the hostile world
    shows: tuple[str, ...]  # field codes the page must show, escaped
    as_user: str | None = None
    in_svg_titles: tuple[str, ...] = ()  # codes shown as chart tooltips
    kind: str = "html"
    # The page marks the words searched (<mark>, between escaped pieces).
    marks_words: bool = False


PAGES = [
    Page(
        "home",
        "/",
        ("n-title", "n-desc", "pr-title", "a-name", "ar-title", "ar-outlet"),
    ),
    Page(
        "negotiation",
        "/negotiations/{negotiation}/",
        ("n-title", "n-desc", "pr-title", "a-name"),
    ),
    Page(
        "proposal",
        "/proposals/{proposal}/",
        ("pr-title", "pr-sum", "n-title", "a-name", "p-name"),
        in_svg_titles=("pr-title", "a-name", "q1-quote", "q2-quote", "ar-outlet"),
    ),
    Page(
        "proposal-positions",
        "/proposals/{proposal}/",
        ("q1-quote", "q1-note", "q2-quote", "q2-note", "ar-outlet"),
    ),
    Page(
        "actor",
        "/actors/{state}/",
        ("a-name", "a-short", "a-desc", "a-alias", "p-name", "p-role", "pr-title"),
        in_svg_titles=("a-name", "pr-title", "a-short", "q1-quote"),
    ),
    Page(
        "actor-person",
        "/actors/{person}/",
        ("p-name", "p-role", "a-name", "pr-title", "q2-quote", "q2-note"),
    ),
    Page(
        "article-list",
        "/articles/",
        ("ar-title", "ar-outlet", "ar-authors", "w-title", "w-outlet", "w-authors"),
    ),
    Page(
        "article",
        "/articles/{article}/",
        ("ar-title", "ar-outlet", "ar-authors", "ar-summary", "ar-body")
        + ("q1-quote", "q1-note", "q2-quote", "q2-note", "a-name", "pr-title"),
    ),
    Page(
        "article-from-web-form",
        "/articles/{web_article}/",
        ("w-title", "w-outlet", "w-authors", "w-summary", "w-body")
        + ("wq-quote", "wq-note"),
    ),
    Page(
        "position",
        "/positions/{second}/",
        ("a-name", "pr-title", "p-name", "q2-quote", "q2-note")
        + ("ar-title", "ar-outlet", "ar-authors"),
    ),
    Page("changes", "/changes/", ("a-name", "pr-title")),
    # Actors and proposals match by substring on both databases.
    Page(
        "search",
        "/search/?q=alert",
        ("a-name", "a-alias", "p-name", "pr-title"),
        marks_words=True,
    ),
    Page("feed", "/changes/feed/", ("a-name", "pr-title"), kind="atom"),
    Page(
        "article-edit-form",
        "/articles/{article}/edit/",
        ("ar-title", "ar-outlet", "ar-authors", "ar-summary", "ar-body", "language")
        + ("q1-quote", "q1-note", "q2-quote", "q2-note"),
        as_user="analyst",
    ),
    Page(
        "position-edit-form",
        "/positions/{second}/edit/",
        ("q2-quote", "q2-note"),
        as_user="analyst",
    ),
    Page(
        "admin-actors",
        "/admin/actors/actor/",
        ("a-name", "a-short", "p-name"),
        as_user="superuser",
    ),
    Page(
        "admin-affiliations",
        "/admin/actors/affiliation/",
        ("p-name", "p-role", "a-name"),
        as_user="superuser",
    ),
    Page(
        "admin-negotiations",
        "/admin/positions/negotiation/",
        ("n-title",),
        as_user="superuser",
    ),
    Page(
        "admin-proposals",
        "/admin/positions/proposal/",
        ("pr-title", "n-title", "a-name"),
        as_user="superuser",
    ),
    Page(
        "admin-articles",
        "/admin/positions/article/",
        ("ar-title", "ar-outlet", "w-title", "w-outlet", "language"),
        as_user="superuser",
    ),
    Page(
        "admin-positions",
        "/admin/positions/position/",
        ("a-name", "pr-title", "p-name", "ar-title"),
        as_user="superuser",
    ),
    Page(
        "browsable-api",
        "/api/v1/actors/{state}/?format=api",
        ("a-name", "a-short", "a-desc", "a-alias"),
    ),
]


def assert_inert(body: str, payload: Payload):
    for raw in (*payload.raw, LANGUAGE):
        assert raw not in body, raw


@pytest.mark.parametrize("shown_on", PAGES, ids=lambda page: page.name)
def test_it_escapes_hostile_text_on_every_page_that_shows_it(
    request, hostile, shown_on
):
    payload, world = hostile
    page = shown_on
    client = _client(request.getfixturevalue(page.as_user) if page.as_user else None)

    response = client.get(page.path.format(**world))

    assert response.status_code == 200
    body = response.content.decode()
    assert_inert(body, payload)
    # The text as shown, the search's marks aside (they are checked inert below).
    text = re.sub("</?mark>", "", body) if page.marks_words else body
    if page.marks_words:
        assert "<mark>alert</mark>(1)" in body
    for code in page.shows:
        expected = LANGUAGE_SHOWN if code == "language" else payload.shown(code)
        assert expected in text, code
    if page.kind == "atom":
        feed = ET.fromstring(response.content)
        titles = [e.text for e in feed.iter("{http://www.w3.org/2005/Atom}title")]
        for code in page.shows:
            assert any(payload.value(code) in title for title in titles), code
        return
    markup = ActiveMarkup(body)
    assert markup.active == []
    for code in page.in_svg_titles:
        assert any(payload.value(code) in title for title in markup.svg_titles), code


# (page, whether it shows the value back, the status it answers): pages show a
# bad value as a message (200); the feed has no page for it (404); the API
# refuses an unknown actor or a date that is not one (400).
REFLECTED = [
    ("/search/?q={p}", True, 200),
    ("/changes/?actor={p}", True, 200),
    ("/changes/?since={p}", True, 200),
    ("/changes/feed/?actor={p}", False, 404),
    ("/articles/?search={p}", True, 200),
    ("/articles/?outlet={p}", True, 200),
    ("/articles/?actor={p}", True, 200),
    ("/articles/?cursor={p}", False, 200),
    ("/negotiations/talks/?as_of={p}", False, 200),
    ("/negotiations/talks/?a={p}", False, 200),
    ("/api/v1/positions/?search={p}&format=api", True, 200),
    ("/api/v1/positions/?actor={p}&format=api", True, 400),
    ("/api/v1/stances/?as_of={p}&format=api", False, 400),
]


@pytest.mark.parametrize("payload", list(PAYLOADS))
@pytest.mark.parametrize(("path", "echoed", "status"), REFLECTED)
def test_it_escapes_hostile_query_parameters_echoed_back(
    korea_case, client, path, echoed, status, payload
):
    payload = PAYLOADS[payload]
    client.raise_request_exception = False

    response = client.get(path.format(p=payload.text))

    assert response.status_code == status
    body = response.content.decode()
    assert_inert(body, payload)
    assert ActiveMarkup(body).active == []
    if echoed:
        assert payload.escaped in body


def test_it_escapes_an_article_address_that_tries_to_leave_its_attribute(
    korea_case, analyst, client
):
    url = 'https://news.example.org/a"onmouseover="alert(1)'
    response = _client(analyst).post(
        "/api/v1/articles/",
        {"url": url, "title": "T", "outlet": "O", "published_on": "2019-03-28"},
        format="json",
    )
    assert response.status_code == 201, response.content
    article = Article.objects.get(pk=response.json()["id"])
    position = PositionFactory(article=article, actor=korea_case.us)

    for page in (f"/articles/{article.pk}/", f"/positions/{position.pk}/"):
        body = client.get(page).content.decode()

        assert '"onmouseover="' not in body
        assert 'href="https://news.example.org/a&quot;onmouseover=&quot;alert(1)"' in (
            body
        )
        assert ActiveMarkup(body).active == []


# --- A13: only web addresses become links --------------------------------------------

BAD_URLS = [
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    " javascript:alert(1)",
    "javascript://news.example.org/%0Aalert(1)",
    "data:text/html,<script>alert(1)</script>",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript:msgbox(1)",
]


@pytest.mark.parametrize("url", BAD_URLS)
def test_it_refuses_a_non_web_article_address_in_the_api(korea_case, analyst, url):
    api = _client(analyst)
    herald = korea_case.herald
    before = db_state()

    created = api.post(
        "/api/v1/articles/",
        {"url": url, "title": "T", "outlet": "O", "published_on": "2019-03-28"},
        format="json",
    )
    patched = api.patch(f"/api/v1/articles/{herald.pk}/", {"url": url}, format="json")

    assert (created.status_code, patched.status_code) == (400, 400)
    assert "url" in created.json()
    assert "url" in patched.json()
    assert db_state() == before


@pytest.mark.parametrize("url", BAD_URLS)
def test_it_refuses_a_non_web_article_address_in_the_article_form(
    korea_case, analyst, url
):
    web = _client(analyst)
    herald = korea_case.herald
    form = {
        "title": "T",
        "outlet": "O",
        "published_on": "2019-03-28",
        "language": "en",
        "positions-TOTAL_FORMS": "0",
        "positions-INITIAL_FORMS": "0",
        "positions-MIN_NUM_FORMS": "0",
        "positions-MAX_NUM_FORMS": "1000",
        "save": "1",
    }
    before = db_state()

    created = web.post(
        "/articles/new/", form | {"url": url, "loaded_at": ""}, format="multipart"
    )
    edited = web.post(
        f"/articles/{herald.pk}/edit/",
        form | {"url": url, "loaded_at": herald.updated_at.isoformat()},
        format="multipart",
    )

    for response in (created, edited):
        assert response.status_code == 200
        assert "url" in response.context["form"].errors
    assert db_state() == before


# --- A14: formula-like text in the CSV exports -----------------------------------------


def _csv_rows(response) -> list[dict]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_it_exports_formula_like_text_as_stored_and_keeps_numbers(korea_case, analyst):
    api = _client(analyst)
    article = api.post(
        "/api/v1/articles/",
        {
            "url": "https://news.example.org/csv",
            "title": "@SUM(1+1)",
            "outlet": "-2+3",
            "published_on": "2019-03-28",
        },
        format="json",
    ).json()
    common = {"actor": "us", "proposal": "road-map", "article": article["id"]}
    first = api.post(
        "/api/v1/positions/",
        common
        | {
            "stance": 1,
            "stated_on": "2019-03-20",
            "quote": '=HYPERLINK("https://evil.example","click")',
            "note": "+1+1",
        },
        format="json",
    ).json()
    second = api.post(
        "/api/v1/positions/",
        common
        | {
            "stance": -2,
            "stated_on": "2019-03-27",
            "quote": "-2+3 said the envoy",
            "note": "@everyone",
        },
        format="json",
    ).json()
    # The API trims leading whitespace; an import or the admin may not.
    third = PositionFactory(
        actor=korea_case.rok,
        proposal=korea_case.big_deal,
        article=Article.objects.get(pk=article["id"]),
        stance=0,
        stated_on=datetime.date(2019, 3, 27),
        quote="\t=1+1",
        note="\r-1",
    )
    anonymous = _client()

    positions = {
        int(row["id"]): row
        for row in _csv_rows(anonymous.get("/api/v1/positions/?format=csv"))
    }
    [stance] = _csv_rows(
        anonymous.get(
            "/api/v1/stances/?format=csv&as_of=2019-03-28&actor=us&proposal=road-map"
        )
    )
    [change] = _csv_rows(
        anonymous.get("/api/v1/changes/?format=csv&actor=us&proposal=road-map")
    )

    # The CSV is for programs: text exactly as stored (XLSX is for spreadsheets).
    row = positions[first["id"]]
    assert (row["quote"], row["note"]) == (
        '=HYPERLINK("https://evil.example","click")',
        "+1+1",
    )
    assert (row["article_title"], row["article_outlet"]) == ("@SUM(1+1)", "-2+3")
    row = positions[second["id"]]
    assert (row["quote"], row["note"], row["stance"]) == (
        "-2+3 said the envoy",
        "@everyone",
        "-2",
    )
    row = positions[third.pk]
    assert (row["quote"], row["note"]) == ("\t=1+1", "\r-1")
    for row in positions.values():
        assert row["stance"] in {"-2", "-1", "0", "1", "2"}
        assert row["id"].isdigit() and row["article"].isdigit()
        assert row["version"].isdigit()
    assert (stance["stance"], stance["position"]) == ("-2", str(second["id"]))
    assert (change["kind"], change["from_stance"], change["to_stance"]) == (
        "reversal",
        "1",
        "-2",
    )


# --- A9: hostile query parameters ----------------------------------------------------

SQL_PAYLOADS = ["' OR 1=1 --", "1; DROP TABLE positions_position"]
# Crafted values that once gave 500s (the security issue's finding 7): a NUL,
# which PostgreSQL refuses in any text, "%" (a format directive in a message),
# numbers JSON and floats accept but no column holds, and a huge one.
CRAFTED_VALUES = ["a\x00b", "%", "%s%(x)s", "Infinity", "NaN", "9" * 40]
# The filters that take any text; every other one takes a slug, number, date,
# choice, cursor or format.
FREE_TEXT_FILTERS = {"search", "outlet"}
PAGING = ("cursor", "page_size", "format")
# Every resource list offers these for mirroring.
SYNC = ("updated_since", "ordering")
API_FILTERS = {
    "/api/v1/actors/": (ActorFilter, ("kind", "search", "negotiation") + SYNC),
    "/api/v1/negotiations/": (NegotiationFilter, ("participant", "search") + SYNC),
    "/api/v1/proposals/": (
        ProposalFilter,
        ("negotiation", "originated_by", "search") + SYNC,
    ),
    "/api/v1/articles/": (
        ArticleFilter,
        ("outlet", "published_after", "published_before", "actor", "proposal")
        + ("search",)
        + SYNC,
    ),
    "/api/v1/events/": (
        EventFilter,
        ("negotiation", "kind", "starts_after", "starts_before", "search") + SYNC,
    ),
    "/api/v1/positions/": (
        PositionFilter,
        ("actor", "proposal", "negotiation", "speaker", "article", "outlet")
        + ("stance", "stance_min", "stance_max", "stated_after", "stated_before")
        + ("confidence", "search")
        + ("event", "attribution", "conditional", "quote_check")
        + SYNC,
    ),
    "/api/v1/deletions/": (DeletionsParameters, ("since", "model")),
    "/api/v1/stances/": (
        StancesParameters,
        ("actor", "proposal", "negotiation", "attribution", "as_of"),
    ),
    "/api/v1/timeline/": (
        TimelineParameters,
        ("actor", "proposal", "negotiation", "attribution")
        + ("stated_after", "stated_before", "by"),
    ),
    "/api/v1/changes/": (
        ChangesParameters,
        ("actor", "proposal", "negotiation", "attribution")
        + ("since", "until", "kind", "contested"),
    ),
    "/api/v1/gap/": (
        GapParameters,
        ("a", "b", "negotiation", "proposal", "since", "until", "terms")
        + ("attribution",),
    ),
    "/api/v1/diff/": (
        DiffParameters,
        ("actor", "proposal", "negotiation", "attribution", "from_date", "to_date"),
    ),
    SUMMARY: (SummaryParameters, ("since", "until", "attribution")),
}
PAGINATED = [
    "/api/v1/actors/",
    "/api/v1/negotiations/",
    "/api/v1/proposals/",
    "/api/v1/articles/",
    "/api/v1/events/",
    "/api/v1/positions/",
    "/api/v1/stances/",
    "/api/v1/changes/",
    "/api/v1/diff/",
    "/api/v1/deletions/",
]


def _declared(parameters) -> set[str]:
    return set(getattr(parameters, "base_filters", None) or parameters.base_fields)


def test_it_lists_every_filter_of_every_list_for_the_hostile_tests():
    for path, (parameters, names) in API_FILTERS.items():
        assert _declared(parameters) == set(names), path


def _api_cases():
    for path, (_, names) in API_FILTERS.items():
        extra = PAGING if path in PAGINATED else ("format",)
        for name in (*names, *extra):
            yield path, name


# The parameters each analysis needs besides the one under test.
REQUIRED = {
    "/api/v1/gap/": {"a": "us", "b": "north-korea"},
    "/api/v1/diff/": {"from_date": "2019-03-01", "to_date": "2019-03-30"},
}


def _query(path: str, name: str, value: str) -> dict:
    return REQUIRED.get(path, {}) | {name: value}


@pytest.mark.parametrize("value", SQL_PAYLOADS + CRAFTED_VALUES)
@pytest.mark.parametrize(("path", "name"), list(_api_cases()))
def test_it_answers_sql_in_any_filter_with_400_or_no_rows(
    korea_case, path, name, value
):
    client = _client()
    client.raise_request_exception = False
    rows = _positions_table_rows()

    response = client.get(path, _query(path, name, value))

    # Free text matches nothing; any other filter refuses what is not a value,
    # and no text may hold a NUL.
    expected = 200 if name in FREE_TEXT_FILTERS and "\x00" not in value else 400
    assert response.status_code == expected, response.content[:300]
    data = response.json()
    if response.status_code == 400:
        assert name in data
    else:
        assert (
            data.get("results", data.get("series", data.get("points")))
            if path != SUMMARY
            else data["proposals"]
        ) == []
    assert _positions_table_rows() == rows == Position.objects.count()


WEB_FILTERS = [
    ("/articles/", name)
    for name in (*API_FILTERS["/api/v1/articles/"][1], "cursor", "page")
] + [
    (page, name)
    for page in ("/changes/", "/changes/feed/")
    for name in (*API_FILTERS["/api/v1/changes/"][1], "cursor")
]
WEB_FILTERS += [
    ("/search/", "q"),
    ("/negotiations/talks/", "as_of"),
    ("/negotiations/talks/", "a"),
    ("/negotiations/talks/", "b"),
    ("/actors/us/", "page"),
    ("/proposals/big-deal/", "page"),
]


@pytest.mark.parametrize("value", SQL_PAYLOADS)
@pytest.mark.parametrize(("path", "name"), WEB_FILTERS)
def test_it_never_fails_on_sql_in_a_page_parameter(
    korea_case, client, path, name, value
):
    client.raise_request_exception = False
    rows = _positions_table_rows()

    response = client.get(path, {name: value})

    # The feed has no page to show errors on: a bad filter is "no such feed";
    # it has no pages either, so it ignores a cursor.
    expected = 404 if path.endswith("feed/") and name != "cursor" else 200
    assert response.status_code == expected
    assert _positions_table_rows() == rows == Position.objects.count()


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/actors/' OR 1=1 --/",
        "/api/v1/negotiations/1; DROP TABLE positions_position/",
        "/api/v1/positions/1 OR 1=1/",
        "/api/v1/positions/1 OR 1=1/history/",
        "/api/v1/events/' OR 1=1 --/",
        "/actors/' OR 1=1 --/",
        "/events/1; DROP TABLE positions_event/",
        "/positions/1 OR 1=1/",
    ],
)
def test_it_answers_sql_in_an_address_with_404(korea_case, client, path):
    client.raise_request_exception = False
    rows = _positions_table_rows()

    response = client.get(path)

    assert response.status_code == 404
    assert _positions_table_rows() == rows == Position.objects.count()


BAD_DATES = ["0000-00-00", "9999-99-99", "2019-02-30"]
DATE_PARAMETERS = [
    (path, name)
    for path, (_, names) in API_FILTERS.items()
    for name in names
    # The deletions' since is a data version or a date-time: its own tests.
    if path != "/api/v1/deletions/"
    and name
    in {
        "published_after",
        "published_before",
        "starts_after",
        "starts_before",
        "stated_after",
        "stated_before",
        "as_of",
        "since",
        "until",
        "from_date",
        "to_date",
    }
]


def test_it_finds_a_date_parameter_on_every_analysis_and_dated_list():
    assert {path for path, _ in DATE_PARAMETERS} == {
        "/api/v1/articles/",
        "/api/v1/events/",
        "/api/v1/positions/",
        "/api/v1/stances/",
        "/api/v1/timeline/",
        "/api/v1/changes/",
        "/api/v1/gap/",
        "/api/v1/diff/",
        SUMMARY,
    }


@pytest.mark.parametrize("value", BAD_DATES)
@pytest.mark.parametrize(("path", "name"), DATE_PARAMETERS)
def test_it_answers_an_impossible_date_parameter_with_400_naming_it(
    korea_case, path, name, value
):
    response = _client().get(path, _query(path, name, value))

    assert response.status_code == 400
    assert list(response.json()) == [name]


DATED_BODIES = [
    ("/api/v1/positions/", "stated_on"),
    ("/api/v1/articles/", "published_on"),
    ("/api/v1/negotiations/", "started_on"),
    ("/api/v1/negotiations/", "ended_on"),
    ("/api/v1/proposals/", "first_put_forward_on"),
    ("/api/v1/events/", "starts_on"),
    ("/api/v1/events/", "ends_on"),
    ("/api/v1/actors/", "affiliations"),
]


def _dated_body(korea_case, path, name, value):
    bodies = {
        "/api/v1/positions/": {
            "actor": "south-korea",
            "proposal": "big-deal",
            "stance": 1,
            "stated_on": "2019-03-27",
            "article": korea_case.herald.pk,
        },
        "/api/v1/articles/": {
            "url": "https://news.example.org/dated",
            "title": "T",
            "outlet": "O",
            "published_on": "2019-03-28",
        },
        "/api/v1/negotiations/": {"title": "Dated talks"},
        "/api/v1/proposals/": {"title": "Dated plan", "negotiation": "talks"},
        "/api/v1/events/": {
            "title": "Dated summit",
            "negotiation": "talks",
            "starts_on": "2019-02-27",
        },
        "/api/v1/actors/": {
            "name": "Jane Envoy",
            "kind": "person",
            "affiliations": [{"organization": "us", "start_date": value}],
        },
    }
    body = bodies[path]
    if name != "affiliations":
        body[name] = value
    return body


@pytest.mark.parametrize("value", BAD_DATES)
@pytest.mark.parametrize(("path", "name"), DATED_BODIES)
def test_it_answers_an_impossible_date_in_a_body_with_400_naming_it(
    korea_case, curator, path, name, value
):
    before = db_state()

    response = _client(curator).post(
        path, _dated_body(korea_case, path, name, value), format="json"
    )

    assert response.status_code == 400
    assert list(response.json()) == [name]
    assert db_state() == before


@pytest.mark.parametrize("size", ["-1", "0", "501", str(10**20), "ten"])
@pytest.mark.parametrize("path", PAGINATED)
def test_it_answers_a_page_size_out_of_range_with_400(korea_case, path, size):
    response = _client().get(path, _query(path, "page_size", size))

    assert response.status_code == 400
    assert list(response.json()) == ["page_size"]


# --- A9: hostile bodies ------------------------------------------------------------

WRITES = [
    ("post", "/api/v1/actors/"),
    ("post", "/api/v1/negotiations/"),
    ("post", "/api/v1/proposals/"),
    ("post", "/api/v1/events/"),
    ("post", "/api/v1/articles/"),
    ("post", "/api/v1/positions/"),
    ("post", "/api/v1/positions/bulk/"),
    ("patch", "/api/v1/actors/us/"),
    ("put", "/api/v1/articles/{herald}/"),
    ("patch", "/api/v1/positions/{position}/"),
]


def _write_path(korea_case, path):
    return path.format(herald=korea_case.herald.pk, position=korea_case.us_big_deal.pk)


@pytest.mark.parametrize(("method", "path"), WRITES)
def test_it_answers_invalid_utf8_json_with_400_and_stores_nothing(
    korea_case, superuser, method, path
):
    client = _client(superuser)
    client.raise_request_exception = False
    before = db_state()

    response = client.generic(
        method.upper(),
        _write_path(korea_case, path),
        b'{"quote": "\xff"}',
        content_type="application/json",
    )

    assert response.status_code == 400
    body = response.json()
    # Bulk answers every 400 in its documented {"errors": …} shape.
    assert "detail" in body or "request" in body.get("errors", {})
    assert db_state() == before


def _oversized_json(settings) -> bytes:
    return b'{"quote": "' + b"x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1) + b'"}'


@pytest.mark.parametrize(("method", "path"), WRITES)
def test_it_refuses_a_body_over_the_upload_limit_and_stores_nothing(
    korea_case, superuser, settings, method, path
):
    client = _client(superuser)
    client.raise_request_exception = False
    before = db_state()

    response = client.generic(
        method.upper(),
        _write_path(korea_case, path),
        _oversized_json(settings),
        content_type="application/json",
    )

    assert response.status_code == 413
    assert db_state() == before


def test_it_answers_an_oversized_api_body_in_json(korea_case, superuser, settings):
    client = _client(superuser)
    client.raise_request_exception = False

    response = client.generic(
        "POST",
        "/api/v1/positions/",
        _oversized_json(settings),
        content_type="application/json",
    )

    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert "too large" in response.json()["detail"]


def test_it_refuses_an_oversized_article_form_and_stores_nothing(
    korea_case, analyst, settings
):
    client = _client(analyst)
    client.raise_request_exception = False
    before = db_state()

    response = client.post(
        "/articles/new/",
        {
            "url": "https://news.example.org/huge",
            "title": "Huge",
            "outlet": "O",
            "published_on": "2019-03-28",
            "language": "en",
            "body": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1),
            "positions-TOTAL_FORMS": "0",
            "positions-INITIAL_FORMS": "0",
            "save": "1",
        },
        format="multipart",
    )

    # Django's own answer to a form over DATA_UPLOAD_MAX_MEMORY_SIZE; the API
    # answers 413 (test_it_answers_an_oversized_api_body_in_json).
    assert response.status_code == 400
    assert db_state() == before


def test_it_refuses_a_nul_character_in_text_with_400(korea_case, analyst):
    before = db_state()

    response = _client(analyst).post(
        "/api/v1/positions/",
        {
            "actor": "south-korea",
            "proposal": "big-deal",
            "stance": 1,
            "stated_on": "2019-03-27",
            "article": korea_case.herald.pk,
            "quote": "before\x00after",
        },
        format="json",
    )

    assert response.status_code == 400
    assert list(response.json()) == ["quote"]
    assert db_state() == before
