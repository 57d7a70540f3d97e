"""The lean reads of positions (positions/api/lean.py) answer exactly as
Django does, byte for byte and header for header, or leave the request to
Django: through the WSGI application the servers run, on PostgreSQL."""

import datetime
import json

import pytest
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection

from config.lib.throttling import AnonymousRateThrottle
from positions.api.lean import LeanPositionReads
from positions.models import Attribution, EventKind
from positions.services import position_create
from tests.factories import EventFactory
from tests.wsgi import call, connection_kept

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the lean reads: PostgreSQL only"
    ),
]

LIST = "/api/v1/positions/"
# Written afresh for each request: the rate left, and the seconds until the
# window ends (one fewer when a second turns between the two requests).
PER_REQUEST = {"RateLimit-Remaining", "RateLimit-Reset"}
# Everything a string can hold that JSON escapes, or writes as it is.
AWKWARD = 'He said "no" \\ then\nleft\ttoday\x01, 北朝鮮 🙂 </script> 100%'


class Servers:
    """Django's handler, and the lean reads in front of it, noting which
    requests reached Django."""

    def __init__(self):
        self.django = WSGIHandler()
        self.reached_django = False

        def django(environ, start_response):
            self.reached_django = True
            return self.django(environ, start_response)

        self.lean = LeanPositionReads(django)

    def get(self, app, path, **headers):
        self.reached_django = False
        return call(app, path, **headers)

    def both(self, path, **headers):
        """(lean's answer, whether it reached Django, Django's answer)."""
        lean = self.get(self.lean, path, **headers)
        reached = self.reached_django
        return lean, reached, self.get(self.django, path, **headers)


@pytest.fixture
def servers():
    with connection_kept():
        yield Servers()


@pytest.fixture
def awkward_position(korea_case):
    """A position with every optional field set, and text JSON must escape."""
    summit = EventFactory(
        negotiation=korea_case.big_deal.negotiation,
        title="Hanoi summit",
        slug="hanoi-summit",
        kind=EventKind.SUMMIT,
        starts_on=datetime.date(2019, 2, 27),
    )
    korea_case.herald.body = f"{korea_case.herald.body} {AWKWARD}"
    korea_case.herald.save()
    return position_create(
        actor=korea_case.us,
        proposal=korea_case.phased,
        article=korea_case.herald,
        stance=2,
        stated_on=datetime.date(2019, 2, 28),
        quote=AWKWARD,
        note=AWKWARD,
        speaker=korea_case.pompeo,
        event=summit,
        attribution=Attribution.REPORTED,
        condition=f"if {AWKWARD}",
        condition_proposal=korea_case.big_deal,
        condition_event=summit,
        quote_original=AWKWARD,
        quote_language="ko",
    )


def same(lean, django) -> bool:
    def comparable(answer):
        status, headers, body = answer
        kept = {
            name: value for name, value in headers.items() if name not in PER_REQUEST
        }
        return status, kept, body

    return comparable(lean) == comparable(django)


LEAN_LISTS = [
    "",
    "?actor=us",
    "?proposal=big-deal",
    "?actor=us&proposal=phased-deal",
    "?ordering=-stated_on",
    "?ordering=stated_on&page_size=1",
    "?page_size=2&actor=north-korea",
    "?stated_after=2019-01-01&stated_before=2019-03-01",
    "?stated_after=2019-03-15",
    "?stated_before=2019-03-15&ordering=-stated_on&page_size=1",
    "?stated_after=2030-01-01",
    "?stated_after=2019-03-28&stated_before=2019-03-28",
]


@pytest.mark.parametrize("query", LEAN_LISTS)
def test_a_first_page_is_answered_as_django_answers_it(
    servers, awkward_position, query
):
    lean, reached_django, django = servers.both(LIST + query)

    assert not reached_django
    assert lean[0] == "200 OK"
    assert same(lean, django)


def test_every_position_is_answered_as_django_answers_it(
    servers, awkward_position, korea_case
):
    for position in korea_case.herald.positions.all():
        lean, reached_django, django = servers.both(f"{LIST}{position.pk}/")

        assert not reached_django
        assert same(lean, django)
    (_, _, body), _, _ = servers.both(f"{LIST}{awkward_position.pk}/")
    document = json.loads(body)
    assert document["quote"] == document["note"] == AWKWARD
    assert document["event"] == document["condition_event"] == "hanoi-summit"
    assert document["speaker"] == "mike-pompeo"


@pytest.mark.parametrize(
    "query",
    [
        "?page_size=1",
        "?page_size=1&ordering=-stated_on",
        "?page_size=2&proposal=big-deal&ordering=-stated_on",
        "?page_size=1&stated_after=2019-03-01&stated_before=2019-03-28",
    ],
)
def test_following_next_links_reads_every_page_as_django_does(
    servers, awkward_position, query
):
    path, seen = LIST + query, []
    while path:
        lean, reached_django, django = servers.both(path)
        assert not reached_django
        assert same(lean, django)
        page = json.loads(lean[2])
        seen += [position["id"] for position in page["results"]]
        path = (page["next"] or "").removeprefix("http://testserver")
        assert len(seen) < 20

    assert len(seen) == len(set(seen)) > 1


def test_a_previous_link_is_followed_by_django(servers, awkward_position):
    (_, _, first), _, _ = servers.both(f"{LIST}?page_size=1&ordering=-stated_on")
    second = json.loads(first)["next"].removeprefix("http://testserver")
    (_, _, body), _, _ = servers.both(second)
    previous = json.loads(body)["previous"].removeprefix("http://testserver")

    lean, reached_django, django = servers.both(previous)

    assert reached_django
    assert same(lean, django)


DJANGO_ANSWERS = [
    # Refused by Django, each with its message.
    "?actor=nobody",
    "?proposal=nothing-of-the-kind",
    "?stated_after=2019-13-01",
    "?stated_after=01/03/2019",
    "?stated_after=2019-03-02&stated_before=2019-03-01",
    "?ordering=confidence",
    "?page_size=0",
    "?page_size=10000",
    "?actor=",
    "?actor=us&actor=north-korea",
    "?unknown=1",
    "?format=csv",
    "?known_at=2030-01-01T00:00:00Z",
    # Answered by Django: outside the lean reads.
    "?ordering=-updated_at",
    "?stance=2",
    "?count=true",
    # Cursors this list never writes.
    "?cursor=not-a-cursor",
    "?cursor=eyJkaXJlY3Rpb24iOiAibmV4dCIsICJrZXkiOiBbIjIwMTktMDMtMjgiXX0=",
    "?cursor=eyJkaXJlY3Rpb24iOiAibmV4dCIsICJrZXkiOiBbIjIwMTktMDMtMjhUMDA6MDAiLCAxXX0=",
]


@pytest.mark.parametrize("query", DJANGO_ANSWERS)
def test_anything_else_is_left_to_django(servers, awkward_position, query):
    lean, reached_django, django = servers.both(LIST + query)

    assert reached_django
    assert same(lean, django)


@pytest.mark.parametrize(
    "headers",
    [
        {"accept": "text/html"},
        {"accept": "text/csv"},
        {"cookie": "sessionid=abc"},
        {"authorization": "Token abc"},
        {"if_none_match": '"v1-r1-0"'},
    ],
    ids=["html", "csv", "cookie", "credentials", "conditional"],
)
def test_a_request_carrying_more_is_left_to_django(servers, korea_case, headers):
    lean, reached_django, django = servers.both(LIST, **headers)

    assert reached_django
    assert lean[0] == django[0]


def test_a_position_that_does_not_exist_is_left_to_django(servers, korea_case):
    lean, reached_django, _ = servers.both(f"{LIST}999999/")

    assert reached_django
    assert lean[0].startswith("404")


def test_switched_off_django_answers_everything(servers, korea_case, settings):
    settings.LEAN_READS = False

    _, reached_django, _ = servers.both(LIST)

    assert reached_django


@pytest.fixture
def three_a_minute(monkeypatch):
    # Counted from nothing: the tests before counted in the same window.
    cache.clear()
    monkeypatch.setattr(
        AnonymousRateThrottle,
        "THROTTLE_RATES",
        dict(AnonymousRateThrottle.THROTTLE_RATES, anon="3/minute"),
    )


def test_the_rate_counts_lean_answers_and_django_refuses_past_it(
    servers, korea_case, three_a_minute
):
    answers = []
    for _ in range(4):
        status, headers, _ = servers.get(servers.lean, LIST)
        answers.append(
            (status[:3], servers.reached_django, headers.get("RateLimit-Remaining"))
        )

    assert answers == [
        ("200", False, "2"),
        ("200", False, "1"),
        ("200", False, "0"),
        # Past the rate: Django refuses it, counted neither here nor there.
        ("429", True, "0"),
    ]
