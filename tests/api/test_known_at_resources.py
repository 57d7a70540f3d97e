"""``known_at`` and ``release`` on the actor, negotiation, proposal and event
lists: each answers as the database held it then, from the recorded history,
after renames, deletions, new rows and back-dated positions recorded later.

These tests commit (``transactional_db``): each write is a data version.
"""

import datetime
import io

import pytest
import yaml
from django.core.management import call_command
from django.utils import timezone
from rest_framework.test import APIClient

from positions.models import Release
from tests.factories import (
    AffiliationFactory,
    ArticleFactory,
    EventFactory,
    NegotiationFactory,
    PersonFactory,
    PositionFactory,
    ProposalFactory,
    StateFactory,
    UserFactory,
)

D = datetime.date.fromisoformat

pytestmark = pytest.mark.django_db(transaction=True)

LISTS = [
    "/api/v1/actors/",
    "/api/v1/actors/?negotiation=korea",
    "/api/v1/actors/?kind=person",
    "/api/v1/actors/?search=united",
    "/api/v1/negotiations/",
    "/api/v1/negotiations/?participant=north-korea",
    "/api/v1/proposals/",
    "/api/v1/proposals/?negotiation=korea&search=deal",
    "/api/v1/events/",
    "/api/v1/events/?negotiation=korea&kind=summit",
]


@pytest.fixture
def world():
    us = StateFactory(name="United States", slug="us")
    dprk = StateFactory(name="North Korea", slug="north-korea")
    rok = StateFactory(name="South Korea", slug="rok")
    pompeo = PersonFactory(name="Mike Pompeo", slug="pompeo")
    AffiliationFactory(person=pompeo, organization=us, role="Secretary of State")
    negotiation = NegotiationFactory(title="Korea", slug="korea")
    negotiation.participants.set([us, dprk, rok])
    big = ProposalFactory(
        negotiation=negotiation, title="Big deal", slug="big-deal", originated_by=us
    )
    ProposalFactory(negotiation=negotiation, title="Phased deal", slug="phased-deal")
    ProposalFactory(negotiation=negotiation, title="Road map", slug="road-map")
    article = ArticleFactory(published_on=D("2019-03-05"))
    EventFactory(
        negotiation=negotiation,
        title="Hanoi summit",
        slug="hanoi",
        kind="summit",
        articles=[article],
    )
    EventFactory(negotiation=negotiation, title="Talks", slug="talks", kind="talks")
    PositionFactory(actor=us, proposal=big, article=article, stance=2)
    return {"us": us, "big": big}


def _rewrite_after_t(world):
    """Renames, changed relations, deletions, new rows and a back-dated
    position, through the API as a curator would make them."""
    curator = APIClient()
    curator.force_authenticate(UserFactory(is_superuser=True, is_staff=True))

    def ok(response):
        assert response.status_code in (200, 201, 204), response.content

    ok(curator.patch("/api/v1/actors/us/", {"name": "USA"}, format="json"))
    ok(curator.patch("/api/v1/actors/pompeo/", {"affiliations": []}, format="json"))
    ok(
        curator.patch(
            "/api/v1/negotiations/korea/",
            {"title": "Korean peninsula", "participants": ["us", "north-korea"]},
            format="json",
        )
    )
    ok(
        curator.patch(
            "/api/v1/proposals/phased-deal/",
            {
                "summary": "Step by step",
                "links": [{"kind": "variant_of", "proposal": "big-deal"}],
            },
            format="json",
        )
    )
    ok(curator.delete("/api/v1/proposals/road-map/"))
    ok(curator.patch("/api/v1/events/hanoi/", {"articles": []}, format="json"))
    ok(curator.delete("/api/v1/events/talks/"))
    ok(curator.delete("/api/v1/actors/rok/"))
    ok(
        curator.post(
            "/api/v1/actors/", {"name": "Japan", "kind": "state"}, format="json"
        )
    )
    PositionFactory(
        actor=world["us"],
        proposal=world["big"],
        article=ArticleFactory(published_on=D("2019-01-02")),
        stance=-2,
    )


def _known_at(path: str, instant: datetime.datetime) -> str:
    joiner = "&" if "?" in path else "?"
    return f"{path}{joiner}known_at={instant.isoformat().replace('+', '%2B')}"


def _json(response):
    assert response.status_code == 200, response.content
    return response.json()


def test_each_list_answers_as_at_t_after_later_edits_and_deletions(world):
    client = APIClient()
    at_t = {path: _json(client.get(path)) for path in LISTS}
    t = timezone.now()

    _rewrite_after_t(world)

    for path in LISTS:
        assert _json(client.get(_known_at(path, t))) == at_t[path], path
        assert _json(client.get(path)) != at_t[path], path


def test_it_shows_the_relations_recorded_at_t(world):
    client = APIClient()
    t = timezone.now()
    _rewrite_after_t(world)

    actors = _json(client.get(_known_at("/api/v1/actors/", t)))["results"]
    negotiations = _json(client.get(_known_at("/api/v1/negotiations/", t)))
    proposals = _json(client.get(_known_at("/api/v1/proposals/", t)))["results"]
    events = _json(client.get(_known_at("/api/v1/events/", t)))["results"]

    by_slug = {actor["slug"]: actor for actor in actors}
    assert by_slug["us"]["name"] == "United States"
    assert by_slug["pompeo"]["affiliations"][0]["organization"] == "us"
    assert "rok" in by_slug and "japan" not in by_slug
    assert negotiations["results"][0]["participants"] == [
        "north-korea",
        "rok",
        "us",
    ]
    assert [p["slug"] for p in proposals] == ["big-deal", "phased-deal", "road-map"]
    assert all(p["links"] == [] for p in proposals)
    assert proposals[0]["originated_by"] == "us"
    assert [e["slug"] for e in events] == ["hanoi", "talks"]
    assert len(events[0]["articles"]) == 1


def test_it_says_what_it_answered_as_of(world):
    client = APIClient()
    version_at_t = client.get("/api/v1/actors/")["X-Data-Version"]
    t = timezone.now()
    _rewrite_after_t(world)

    response = client.get(_known_at("/api/v1/negotiations/", t))

    assert response["X-Known-At"] == t.isoformat()
    assert response["X-Data-Version"] == version_at_t
    assert response["ETag"].startswith(f'"v{version_at_t}-')
    assert int(client.get("/api/v1/negotiations/")["X-Data-Version"]) > int(
        version_at_t
    )


def test_its_next_links_keep_known_at(world):
    client = APIClient()
    t = timezone.now()
    _rewrite_after_t(world)

    slugs, url = [], _known_at("/api/v1/actors/?page_size=1", t)
    while url:
        page = _json(client.get(url))
        slugs += [row["slug"] for row in page["results"]]
        url = page["next"]

    assert slugs == ["north-korea", "pompeo", "rok", "us"]


def test_a_release_answers_as_of_its_version_immutably(world):
    client = APIClient()
    at_release = {path: _json(client.get(path)) for path in LISTS}
    call_command("make_release", "2026-12", "--notes", "First.", stdout=io.StringIO())
    release = Release.objects.get(slug="2026-12")
    _rewrite_after_t(world)

    for path in LISTS:
        joiner = "&" if "?" in path else "?"
        response = client.get(f"{path}{joiner}release=2026-12")
        assert _json(response) == at_release[path], path
        assert response["X-Release"] == "2026-12"
        assert "immutable" in response["Cache-Control"]
        assert response["X-Data-Version"] == str(release.data_version)


def test_it_refuses_a_bad_known_at_or_release_with_400(world):
    client = APIClient()

    future = client.get("/api/v1/proposals/?known_at=2999-01-01T00:00:00Z")
    bare_date = client.get("/api/v1/events/?known_at=2019-06-01")
    unknown = client.get("/api/v1/negotiations/?release=nope")

    assert future.status_code == 400
    assert "in the future" in future.json()["known_at"][0]
    assert bare_date.status_code == 400
    assert unknown.status_code == 400
    assert "nope" in unknown.json()["release"][0]


def test_one_object_reads_as_it_stood_at_t_also_when_deleted_or_renamed_since(world):
    client = APIClient()
    then = {
        path: _json(client.get(path))
        for path in (
            "/api/v1/actors/us/",
            "/api/v1/proposals/road-map/",
            "/api/v1/events/talks/",
            "/api/v1/negotiations/korea/",
        )
    }
    t = timezone.now()
    _rewrite_after_t(world)
    client.force_authenticate(UserFactory(is_superuser=True, is_staff=True))
    renamed = client.patch("/api/v1/actors/us/", {"slug": "usa"}, format="json")
    assert renamed.status_code == 200
    client.force_authenticate(None)

    for path, body in then.items():
        response = client.get(_known_at(path, t))
        assert _json(response) == body, path
        assert response["X-Known-At"] == t.isoformat()
    assert (
        _json(client.get(_known_at("/api/v1/actors/usa/", t)))
        == then["/api/v1/actors/us/"]
    )
    assert client.get("/api/v1/proposals/road-map/").status_code == 404
    japan = client.get(_known_at("/api/v1/actors/japan/", t))
    assert japan.status_code == 404
    assert client.get(_known_at("/api/v1/actors/us/?x=1", t)).status_code == 400


@pytest.mark.parametrize(
    ("path", "key"),
    [
        ("/api/v1/actors/", "slug"),
        ("/api/v1/negotiations/", "slug"),
        ("/api/v1/proposals/", "slug"),
        ("/api/v1/events/", "slug"),
    ],
)
def test_the_schema_documents_known_at_and_release_on_the_list_and_detail(path, key):
    schema = yaml.safe_load(APIClient().get("/api/v1/schema/").content)

    for operation in (
        schema["paths"][path]["get"],
        schema["paths"][f"{path}{{{key}}}/"]["get"],
    ):
        names = {parameter["name"] for parameter in operation["parameters"]}
        assert {"known_at", "release"} <= names
        assert "X-Known-At" in operation["responses"]["200"]["headers"]


def test_a_row_made_after_t_names_nothing_at_t_rather_than_an_error(world):
    t = timezone.now()
    _rewrite_after_t(world)  # adds Japan

    positions = APIClient().get(_known_at("/api/v1/positions/?actor=japan", t))
    negotiations = APIClient().get(
        _known_at("/api/v1/negotiations/?participant=japan", t)
    )
    misspelt = APIClient().get(_known_at("/api/v1/positions/?actor=japn", t))

    assert _json(positions)["results"] == []
    assert _json(negotiations)["results"] == []
    assert misspelt.status_code == 400


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/stances/?negotiation=korea&as_of=2019-12-31",
        "/api/v1/changes/?negotiation=korea",
        "/api/v1/timeline/?proposal=big-deal",
        "/api/v1/stances/?negotiation=korea&as_of=2019-12-31&format=csv",
        "/api/v1/changes/?negotiation=korea&format=csv",
    ],
)
def test_an_analysis_at_t_names_sides_and_proposals_as_they_were_named_then(
    world, path
):
    # A pinned analysis reproduces whole: a side renamed since keeps its old
    # name and slug in the rows read at T.
    PositionFactory(
        actor=world["us"],
        proposal=world["big"],
        article=ArticleFactory(published_on=D("2019-06-01")),
        stance=-1,
    )
    client = APIClient()
    at_t = _body(client.get(path))
    t = timezone.now()
    _rewrite_after_t(world)  # renames the United States "USA"
    curator = APIClient()
    curator.force_authenticate(UserFactory(is_superuser=True, is_staff=True))
    renamed = curator.patch("/api/v1/actors/us/", {"slug": "usa"}, format="json")

    then = client.get(_known_at(path, t))

    assert renamed.status_code == 200, renamed.content
    assert b'"us"' in at_t or b"us," in at_t
    assert then.status_code == 200
    assert _body(then) == at_t


def _body(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content
