"""A7/A8: who may do what, on every API operation and every editing page.

One registry lists each operation once; the matrix test runs it for every
role and derives the expected outcome from the permissions each group is
documented to hold (not from the code under test). Refused requests must
leave every row and every history row as it was; allowed writes must change
exactly the rows they are about.
"""

import datetime
import re
from dataclasses import dataclass, field
from types import SimpleNamespace
from urllib.parse import quote, urlsplit

import pytest
from django.apps import apps
from django.urls import resolve
from django.utils import timezone
from rest_framework.test import APIClient

from actors.models import Actor, Affiliation
from config.api import urlpatterns as api_urlpatterns
from positions.models import (
    Article,
    Event,
    Negotiation,
    Position,
    Proposal,
    Release,
)
from tests.conftest import build_korea_case
from tests.factories import (
    ArticleFactory,
    EventFactory,
    NegotiationFactory,
    ProposalFactory,
    StateFactory,
    UserFactory,
)
from tests.snapshot import Snapshot

TRACKED_APPS = ("actors", "positions")
ROLES = ["anonymous", "reader", "analyst", "curator", "superuser"]
EVERYTHING = None
# What each group may change, as the product documents it (tests/conftest.py).
ROLE_PERMISSIONS = {
    "anonymous": frozenset(),
    "reader": frozenset(),
    "analyst": frozenset(
        {
            "positions.add_article",
            "positions.change_article",
            "positions.add_event",
            "positions.change_event",
            "positions.add_position",
            "positions.change_position",
        }
    ),
    "curator": EVERYTHING,
    "superuser": EVERYTHING,
}


# --- the world the operations act on ------------------------------------------


def build_world() -> SimpleNamespace:
    korea_case = build_korea_case()
    return SimpleNamespace(
        case=korea_case,
        actor=StateFactory(name="Target state", slug="target-state"),
        negotiation=NegotiationFactory(title="Target talks", slug="target-talks"),
        proposal=ProposalFactory(
            negotiation=korea_case.talks, title="Target plan", slug="target-plan"
        ),
        article=ArticleFactory(
            url="https://news.example.org/target",
            title="Target article",
            published_on=datetime.date(2019, 3, 29),
        ),
        position=korea_case.rok_road_map,
        event=EventFactory(
            negotiation=korea_case.talks,
            title="Target summit",
            slug="target-summit",
            starts_on=datetime.date(2019, 2, 27),
        ),
        # A row only: its files are not what the matrix is about.
        release=Release.objects.create(
            name="Target release",
            slug="target-release",
            known_at=timezone.now(),
            data_version=0,
            rules_version="2026-12",
        ),
    )


@pytest.fixture(scope="module")
def world_snapshot(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        return Snapshot(build_world)


@pytest.fixture
def world(db, world_snapshot):
    """The seed case plus unreferenced targets, so that deletes can succeed
    (built once, copied into each test: see tests/snapshot.py)."""
    return world_snapshot.restore()


def _user(request, role):
    if role == "anonymous":
        return None
    if role == "reader":
        return UserFactory(username="reader")
    return request.getfixturevalue(role)


def _client(user) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_login(user)
    return client


# The data version's log and counter: every write advances them, once per
# transaction, so they count transactions, not the data a role may change.
VERSION_BOOKKEEPING = {"positions.DataVersion", "positions.DataVersionCounter"}


def db_state() -> dict:
    """Row counts of every tracked table (history and m2m included) and the
    values of every row of the main tables."""
    state = {}
    for label in TRACKED_APPS:
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            if model._meta.label in VERSION_BOOKKEEPING:
                continue
            state[model._meta.label] = model._default_manager.count()
    for model in (Actor, Affiliation, Negotiation, Proposal, Article, Event, Position):
        state[f"{model._meta.label} rows"] = list(
            model._default_manager.order_by("pk").values()
        )
    return state


def count_changes(before: dict, after: dict) -> dict:
    return {
        name: after[name] - before[name]
        for name in before
        if isinstance(before[name], int) and after[name] != before[name]
    }


# --- request bodies -----------------------------------------------------------


def _position_body(w, **extra):
    return {
        "actor": "south-korea",
        "proposal": "big-deal",
        "stance": 1,
        "stated_on": "2019-03-27",
        "article": w.case.herald.pk,
        "quote": "a comprehensive road map",
    } | extra


def _article_body(w, url="https://news.example.org/new"):
    return {
        "url": url,
        "title": "Envoy heads to Washington",
        "outlet": "Yonhap",
        "published_on": "2019-03-29",
    }


def _article_form(w, article=None):
    """What the article page posts: the article and one new inline position."""
    data = {
        "url": "https://news.example.org/web-new" if article is None else article.url,
        "title": "Talks resume" if article is None else "Talks resume (corrected)",
        "outlet": "Yonhap" if article is None else article.outlet,
        "authors": "",
        "published_on": "2019-03-29"
        if article is None
        else article.published_on.isoformat(),
        "language": "en",
        "summary": "",
        "body": "",
        "loaded_at": "" if article is None else article.updated_at.isoformat(),
        "positions-TOTAL_FORMS": "0",
        "positions-INITIAL_FORMS": "0",
        "positions-MIN_NUM_FORMS": "0",
        "positions-MAX_NUM_FORMS": "1000",
        "save": "1",
    }
    if article is None:
        data |= {
            "positions-TOTAL_FORMS": "1",
            "positions-0-id": "",
            "positions-0-version": "",
            "positions-0-speaker": "",
            "positions-0-actor": "south-korea",
            "positions-0-proposal": "road-map",
            "positions-0-stance": "1",
            "positions-0-stated_on": "2019-03-29",
            "positions-0-confidence": "2",
            "positions-0-quote": "a step-by-step approach",
            "positions-0-note": "",
        }
    return data


def _position_form(w):
    position = w.position
    return {
        "actor": position.actor.slug,
        "speaker": "",
        "proposal": position.proposal.slug,
        "stance": "-1",
        "stated_on": position.stated_on.isoformat(),
        "confidence": str(position.confidence),
        "quote": "now sceptical",
        "note": "",
        "version": str(position.version),
    }


# --- the registry ---------------------------------------------------------------


@dataclass(frozen=True)
class Operation:
    name: str
    method: str
    path: str  # formatted with the world's targets
    needs: tuple[str, ...] = ()  # permissions; none means a read
    body: object = None  # callable(world) -> request data
    ok: int = 200
    changes: dict = field(default_factory=dict)  # row counts an allowed call changes
    web: bool = False
    redirect: str | None = None  # web: where an allowed POST leads (regex)
    content_type: str = "application/json"

    def url(self, w) -> str:
        return self.path.format(
            actor=w.actor.slug,
            negotiation=w.negotiation.slug,
            proposal=w.proposal.slug,
            article=w.article.pk,
            position=w.position.pk,
            herald=w.case.herald.pk,
            event=w.event.slug,
            release=w.release.slug,
        )


def _resource(
    app,
    model,
    plural,
    key,
    *,
    create,
    replace,
    patch,
    history=None,
    created=None,
) -> list[Operation]:
    """The six operations of a ModelViewSet and what each changes when allowed."""
    label = f"{app}.{model.capitalize()}"
    history = history or f"{app}.Historical{model.capitalize()}"
    created = created or {label: 1, history: 1}
    detail = f"/api/v1/{plural}/{{{key}}}/"
    return [
        Operation(f"{plural}-list", "get", f"/api/v1/{plural}/"),
        Operation(f"{plural}-retrieve", "get", detail),
        Operation(
            f"{plural}-create",
            "post",
            f"/api/v1/{plural}/",
            (f"{app}.add_{model}",),
            create,
            201,
            created,
        ),
        Operation(
            f"{plural}-update",
            "put",
            detail,
            (f"{app}.change_{model}",),
            replace,
            200,
            {history: 1},
        ),
        Operation(
            f"{plural}-partial_update",
            "patch",
            detail,
            (f"{app}.change_{model}",),
            patch,
            200,
            {history: 1},
        ),
        Operation(
            f"{plural}-destroy",
            "delete",
            detail,
            (f"{app}.delete_{model}",),
            None,
            204,
            {label: -1, history: 1},
        ),
    ]


API_OPERATIONS = [
    *_resource(
        "actors",
        "actor",
        "actors",
        "actor",
        create=lambda w: {"name": "Atlantis", "kind": "state"},
        replace=lambda w: {"name": "Target state", "kind": "organization"},
        patch=lambda w: {"description": "An island state."},
    ),
    *_resource(
        "positions",
        "negotiation",
        "negotiations",
        "negotiation",
        create=lambda w: {"title": "Six-party talks"},
        replace=lambda w: {"title": "Target talks", "description": "Renamed."},
        patch=lambda w: {"description": "Still going."},
    ),
    *_resource(
        "positions",
        "proposal",
        "proposals",
        "proposal",
        create=lambda w: {"title": "Freeze for freeze", "negotiation": "talks"},
        replace=lambda w: {"title": "Target plan", "negotiation": "talks"},
        patch=lambda w: {"summary": "Sanctions relief first."},
    ),
    *_resource(
        "positions",
        "article",
        "articles",
        "article",
        create=_article_body,
        replace=lambda w: _article_body(w, url="https://news.example.org/target"),
        patch=lambda w: {"summary": "Short summary."},
    ),
    *_resource(
        "positions",
        "event",
        "events",
        "event",
        create=lambda w: {
            "title": "Hanoi summit",
            "kind": "summit",
            "negotiation": "talks",
            "starts_on": "2019-02-27",
            "ends_on": "2019-02-28",
        },
        replace=lambda w: {
            "title": "Target summit",
            "negotiation": "talks",
            "starts_on": "2019-02-28",
            "place": "Hanoi",
        },
        patch=lambda w: {"description": "Ended early."},
    ),
    *_resource(
        "positions",
        "position",
        "positions",
        "position",
        create=_position_body,
        replace=lambda w: _position_body(
            w, actor="south-korea", proposal="road-map", stance=-1
        ),
        patch=lambda w: {"stance": 0},
    ),
    Operation(
        "positions-bulk",
        "post",
        "/api/v1/positions/bulk/",
        ("positions.add_position",),
        lambda w: [
            _position_body(w),
            _position_body(w, actor="us", proposal="road-map", stance=-1),
        ],
        201,
        {"positions.Position": 2, "positions.HistoricalPosition": 2},
    ),
    Operation("positions-history", "get", "/api/v1/positions/{position}/history/"),
    Operation("releases-list", "get", "/api/v1/releases/"),
    Operation("deletions", "get", "/api/v1/deletions/"),
    Operation("releases-retrieve", "get", "/api/v1/releases/{release}/"),
    Operation(
        "releases-create",
        "post",
        "/api/v1/releases/",
        ("positions.add_release",),
        lambda w: {"name": "Matrix release", "notes": "For the matrix."},
        201,
        {"positions.Release": 1},
    ),
    Operation("stances", "get", "/api/v1/stances/?as_of=2019-03-28"),
    Operation("timeline", "get", "/api/v1/timeline/"),
    Operation("changes", "get", "/api/v1/changes/?kind=initial"),
    Operation("gap", "get", "/api/v1/gap/?a=us&b=north-korea"),
    Operation(
        "diff",
        "get",
        "/api/v1/diff/?negotiation=talks&from_date=2019-03-01&to_date=2019-03-30",
    ),
    Operation("actor-summary", "get", "/api/v1/actors/north-korea/summary/"),
    Operation(
        "positions-csv",
        "get",
        "/api/v1/positions/?format=csv",
        content_type="text/csv",
    ),
    Operation(
        "positions-xlsx",
        "get",
        "/api/v1/positions/?format=xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    Operation(
        "stances-csv", "get", "/api/v1/stances/?format=csv", content_type="text/csv"
    ),
    Operation(
        "changes-csv", "get", "/api/v1/changes/?format=csv", content_type="text/csv"
    ),
    Operation(
        "diff-csv",
        "get",
        "/api/v1/diff/?format=csv&from_date=2019-03-01&to_date=2019-03-30",
        content_type="text/csv",
    ),
]

ARTICLE_CREATE = ("positions.add_article", "positions.add_position")
WEB_OPERATIONS = [
    Operation("web-article-new-get", "get", "/articles/new/", ARTICLE_CREATE, web=True),
    Operation(
        "web-article-new-post",
        "post",
        "/articles/new/",
        ARTICLE_CREATE,
        _article_form,
        302,
        {
            "positions.Article": 1,
            "positions.HistoricalArticle": 1,
            "positions.Position": 1,
            "positions.HistoricalPosition": 1,
        },
        web=True,
        redirect=r"/articles/\d+/",
    ),
    Operation(
        "web-article-edit-get",
        "get",
        "/articles/{article}/edit/",
        ("positions.change_article",),
        web=True,
    ),
    Operation(
        "web-article-edit-post",
        "post",
        "/articles/{article}/edit/",
        ("positions.change_article",),
        lambda w: _article_form(w, w.article),
        302,
        {"positions.HistoricalArticle": 1},
        web=True,
        redirect=r"/articles/{article}/",
    ),
    Operation(
        "web-position-edit-get",
        "get",
        "/positions/{position}/edit/",
        ("positions.change_position",),
        web=True,
    ),
    Operation(
        "web-position-edit-post",
        "post",
        "/positions/{position}/edit/",
        ("positions.change_position",),
        _position_form,
        302,
        {"positions.HistoricalPosition": 1},
        web=True,
        redirect=r"/positions/{position}/",
    ),
    Operation(
        "web-position-delete-get",
        "get",
        "/positions/{position}/delete/",
        ("positions.delete_position",),
        web=True,
    ),
    Operation(
        "web-position-delete-post",
        "post",
        "/positions/{position}/delete/",
        ("positions.delete_position",),
        lambda w: {"version": str(w.position.version)},
        302,
        {"positions.Position": -1, "positions.HistoricalPosition": 1},
        web=True,
        redirect=r"/articles/{herald}/",
    ),
]

OPERATIONS = API_OPERATIONS + WEB_OPERATIONS
READS = [operation for operation in API_OPERATIONS if not operation.needs]
WEB_READ_PAGES = [
    "/",
    "/negotiations/talks/",
    "/negotiations/talks/compare/?from_date=2019-03-01&to_date=2019-03-30",
    "/proposals/big-deal/",
    "/actors/north-korea/",
    "/articles/",
    "/articles/{herald}/",
    "/positions/{position}/",
    "/changes/",
    "/changes/feed/",
    "/search/?q=deal",
    "/events/target-summit/",
]


def expected_outcome(operation: Operation, role: str) -> str:
    if not operation.needs:
        return "allowed"
    if role == "anonymous":
        return "no credentials"
    granted = ROLE_PERMISSIONS[role]
    if granted is EVERYTHING or set(operation.needs) <= granted:
        return "allowed"
    return "forbidden"


def send(client, operation: Operation, w):
    url = operation.url(w)
    data = operation.body(w) if operation.body else None
    if operation.web:
        # What a browser sends: an HTML form, not the API client's default JSON.
        return getattr(client, operation.method)(url, data, format="multipart")
    return getattr(client, operation.method)(url, data, format="json")


def _login_redirect(path: str) -> str:
    return f"/accounts/login/?next={quote(path, safe='/')}"


def assert_refused(response, operation, outcome, w):
    url = operation.url(w)
    if outcome == "no credentials" and operation.web:
        assert response.status_code == 302
        assert response["Location"] == _login_redirect(url)
    elif outcome == "no credentials":
        assert response.status_code == 401
        assert response["WWW-Authenticate"] == "Token"
    else:
        assert response.status_code == 403


def assert_allowed(response, operation, w):
    assert response.status_code == operation.ok, response.content[:500]
    if operation.redirect:
        pattern = operation.redirect.format(
            article=w.article.pk, position=w.position.pk, herald=w.case.herald.pk
        )
        assert re.fullmatch(pattern, response["Location"]), response["Location"]
    elif operation.ok != 204:
        expected_type = "text/html" if operation.web else operation.content_type
        assert response["Content-Type"].startswith(expected_type)


# --- the matrix -----------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: op.name)
def test_it_gives_each_role_exactly_its_outcome_on_every_operation(
    request, world, operation, role
):
    client = _client(_user(request, role))
    outcome = expected_outcome(operation, role)
    before = db_state()

    response = send(client, operation, world)
    if operation.content_type != "application/json" and response.streaming:
        response.getvalue()  # run the streamed export to the end
    after = db_state()

    if outcome == "allowed":
        assert_allowed(response, operation, world)
        assert count_changes(before, after) == operation.changes
        if not operation.changes:
            assert after == before
    else:
        assert_refused(response, operation, outcome, world)
        assert after == before


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("operation", READS, ids=lambda op: op.name)
def test_it_refuses_anonymous_api_reads_when_public_read_is_off(
    request, world, settings, operation, role
):
    settings.PUBLIC_READ = False
    client = _client(_user(request, role))

    response = send(client, operation, world)

    if role == "anonymous":
        assert response.status_code == 401
        # Not even a CSV header goes out.
        assert response["Content-Type"] == "application/json"
    else:
        assert_allowed(response, operation, world)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", WEB_READ_PAGES)
def test_it_sends_anonymous_readers_to_login_when_public_read_is_off(
    request, world, settings, path, role
):
    settings.PUBLIC_READ = False
    client = _client(_user(request, role))
    url = path.format(herald=world.case.herald.pk, position=world.position.pk)

    response = client.get(url)

    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"] == _login_redirect(url)
    else:
        assert response.status_code == 200
        expected = "application/atom+xml" if "feed" in url else "text/html"
        assert response["Content-Type"].startswith(expected)


# Not resources: the schema, its docs and the router's index.
UNGUARDED_ROUTES = {"schema", "docs", "api-root"}
HTTP_METHODS = ("get", "post", "put", "patch", "delete")


def _api_routes() -> set[tuple[str, str]]:
    """(route name, method) of every API operation the URLconf serves."""
    routes = set()
    for route in api_urlpatterns:
        for sub in getattr(route, "url_patterns", [route]):
            if sub.name in UNGUARDED_ROUTES:
                continue
            actions = getattr(sub.callback, "actions", None)
            methods = actions or [
                method for method in HTTP_METHODS if hasattr(sub.callback.cls, method)
            ]
            # DRF answers HEAD with the GET handler, and adds it to a viewset's
            # actions once the view has served a request.
            routes |= {(sub.name, method) for method in methods if method != "head"}
    return routes


def test_it_covers_every_method_of_every_api_route_in_the_matrix(world):
    """A new endpoint, method or @action must be added to the registry above."""
    covered = {
        (resolve(urlsplit(operation.url(world)).path).url_name, operation.method)
        for operation in API_OPERATIONS
    }

    assert covered == _api_routes()


# --- A8: mass assignment ----------------------------------------------------------

JUNK_FIELDS = {
    "id": 424242,
    "created_at": "2000-01-01T00:00:00Z",
    "updated_at": "2000-01-01T00:00:00Z",
    "negotiation": "target-talks",
    "stance_label": "rejects outright",
    "url": "https://evil.example/api/v1/positions/1/",
}


def _assert_recent(moment):
    assert abs(timezone.now() - moment) < datetime.timedelta(minutes=5)


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/api/v1/positions/", "recorded_by"),
        ("/api/v1/positions/", "history_user"),
        ("/api/v1/articles/", "added_by"),
    ],
)
def test_it_refuses_fields_the_api_does_not_have_that_name_who_recorded_it(
    world, analyst, curator, path, field
):
    body = (
        _position_body(world)
        if path.endswith("positions/")
        else {
            "url": "https://example.org/elsewhere",
            "title": "Elsewhere",
            "outlet": "Example",
            "published_on": "2019-03-28",
        }
    )
    before = (Position.objects.count(), Article.objects.count())

    response = _client(analyst).post(path, body | {field: curator.pk}, format="json")

    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert (Position.objects.count(), Article.objects.count()) == before


def test_it_ignores_read_only_fields_when_a_position_is_created(
    world, analyst, curator
):
    client = _client(analyst)
    body = _position_body(world) | JUNK_FIELDS
    body["version"] = 999
    before = Position.objects.count()

    response = client.post("/api/v1/positions/", body, format="json")

    assert response.status_code == 201, response.content
    assert Position.objects.count() == before + 1
    position = Position.objects.get(pk=response.json()["id"])
    assert position.pk != 424242
    assert not Position.objects.filter(pk=424242).exists()
    assert position.recorded_by == analyst
    assert position.version == 1
    assert position.proposal.negotiation.slug == "talks"
    _assert_recent(position.created_at)
    _assert_recent(position.updated_at)
    data = response.json()
    assert data["negotiation"] == "talks"
    assert data["stance_label"] == "supports / open to"
    assert data["url"] == f"http://testserver/api/v1/positions/{position.pk}/"
    assert [(h.version, h.history_user) for h in position.history.all()] == [
        (1, analyst)
    ]


@pytest.mark.parametrize("method", ["put", "patch"])
def test_it_ignores_read_only_fields_when_a_position_is_updated(
    world, analyst, curator, method
):
    client = _client(analyst)
    position = world.position
    stored = Position.objects.filter(pk=position.pk).values().get()
    body = (
        _position_body(
            world, actor="south-korea", proposal="road-map", quote="reworded"
        )
        | JUNK_FIELDS
    )

    response = getattr(client, method)(
        f"/api/v1/positions/{position.pk}/", body, format="json"
    )

    assert response.status_code == 200, response.content
    position.refresh_from_db()
    assert position.quote == "reworded"
    assert not Position.objects.filter(pk=424242).exists()
    assert position.version == stored["version"] + 1
    assert position.created_at == stored["created_at"]
    assert position.recorded_by_id == stored["recorded_by_id"]
    assert position.proposal.negotiation.slug == "talks"
    _assert_recent(position.updated_at)
    assert position.history.first().history_user == analyst
    assert response.json()["url"].endswith(f"/api/v1/positions/{position.pk}/")


def test_it_refuses_a_made_up_version_and_stores_nothing(world, analyst):
    client = _client(analyst)
    position = world.position
    before = db_state()

    response = client.patch(
        f"/api/v1/positions/{position.pk}/",
        {"version": 999, "quote": "overwritten"},
        format="json",
    )

    assert response.status_code == 409
    assert db_state() == before


def test_it_ignores_read_only_fields_when_an_article_is_created(
    world, analyst, curator
):
    client = _client(analyst)
    body = _article_body(world) | {
        "id": 424242,
        "created_at": "2000-01-01T00:00:00Z",
        "position_count": 99,
        "api_url": "https://evil.example/",
    }

    response = client.post("/api/v1/articles/", body, format="json")

    assert response.status_code == 201, response.content
    article = Article.objects.get(pk=response.json()["id"])
    assert article.pk != 424242
    assert article.added_by == analyst
    _assert_recent(article.created_at)
    assert response.json()["position_count"] == 0
    assert response.json()["api_url"].endswith(f"/api/v1/articles/{article.pk}/")
