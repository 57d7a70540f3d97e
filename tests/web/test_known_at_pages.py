"""Pages with ``?known_at=`` or ``?release=`` show the data as the database
held it then, say so at the top with a link to the current data, and keep the
parameter in their links; a bad value is a 400 with the error on the page.

These tests commit (``transactional_db``): each write is a data version.
"""

import datetime
import io
import re
from urllib.parse import quote

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.html import parse_html
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from positions.models import LinkKind, Negotiation, Position, Proposal, ProposalLink
from positions.services import position_delete, position_update
from tests.factories import (
    AffiliationFactory,
    ArticleFactory,
    EventFactory,
    NegotiationFactory,
    PersonFactory,
    PositionFactory,
    ProposalFactory,
    StateFactory,
)
from tests.html import elements, stance_matrix, text

D = datetime.date.fromisoformat

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world():
    us = StateFactory(name="United States", slug="us")
    dprk = StateFactory(name="North Korea", slug="north-korea")
    talks = NegotiationFactory(title="Talks", slug="talks")
    talks.participants.set([us, dprk])
    big = ProposalFactory(negotiation=talks, title="Big deal", slug="big-deal")
    phased = ProposalFactory(negotiation=talks, title="Phased deal", slug="phased")
    article = ArticleFactory(published_on=D("2019-03-05"))
    return {
        "us": us,
        "big": big,
        "us_big": PositionFactory(
            actor=us, proposal=big, article=article, stance=2, quote="A deal"
        ),
        "dprk_big": PositionFactory(
            actor=dprk, proposal=big, article=article, stance=-2, quote="Never"
        ),
        "dprk_phased": PositionFactory(
            actor=dprk, proposal=phased, article=article, stance=2, quote="Steps"
        ),
    }


def _rewrite_after_t(world):
    """An edit, a deletion and a back-dated position, each its own version."""
    with transaction.atomic():
        position = Position.objects.get(pk=world["us_big"].pk)
        position_update(
            position_id=position.pk,
            expected_version=position.version,
            changes={"stance": -1, "quote": "No deal"},
        )
    with transaction.atomic():
        position_delete(position_id=world["dprk_phased"].pk)
    PositionFactory(
        actor=world["us"],
        proposal=world["big"],
        article=ArticleFactory(published_on=D("2019-03-04")),
        stance=-2,
        quote="Back-dated",
    )


def _matrix(response) -> dict:
    return {key: text(cell) for key, cell in stance_matrix(response).items()}


def _at(url: str, t: datetime.datetime) -> str:
    joiner = "&" if "?" in url else "?"
    return f"{url}{joiner}known_at={quote(t.isoformat())}"


def _banner(response) -> str:
    [banner] = elements(parse_html(response.text), "div", "past")
    return text(banner)


def test_the_negotiation_matrix_shows_the_stances_recorded_at_t(world, client):
    page = reverse("positions:negotiation-detail", args=["talks"]) + "?as_of=2019-03-28"
    matrix_at_t = _matrix(client.get(page))
    t = timezone.now()
    _rewrite_after_t(world)

    then = client.get(_at(page, t))

    assert then.status_code == 200
    assert _matrix(then) == matrix_at_t
    assert _matrix(client.get(page)) != matrix_at_t
    assert f"As recorded at {t.astimezone(datetime.UTC):%Y-%m-%d %H:%M} UTC" in (
        _banner(then)
    )
    assert "As recorded" not in client.get(page).text


def test_its_links_keep_known_at_and_it_links_back_to_the_current_data(world, client):
    page = reverse("positions:negotiation-detail", args=["talks"])
    t = timezone.now()
    _rewrite_after_t(world)

    response = client.get(_at(page + "?as_of=2019-03-28", t))

    proposal = reverse("positions:proposal-detail", args=["big-deal"])
    hrefs = re.findall(r'href="([^"]*)"', response.text)
    assert f"{proposal}?known_at={quote(t.isoformat(), safe='')}" in [
        href.replace("&amp;", "&") for href in hrefs
    ]
    [back] = [
        dict(a.attributes)["href"]
        for a in elements(parse_html(response.text), "a")
        if text(a) == "See the current data"
    ]
    assert back == f"{page}?as_of=2019-03-28"


def test_the_proposal_and_actor_pages_show_the_positions_recorded_at_t(world, client):
    pages = [
        reverse("positions:proposal-detail", args=["big-deal"]),
        reverse("positions:actor-detail", args=["us"]),
    ]
    t = timezone.now()
    _rewrite_after_t(world)

    for page in pages:
        then = client.get(_at(page, t))
        now = client.get(page)
        assert then.status_code == 200, page
        assert "A deal" in then.text and "No deal" not in then.text, page
        assert "Back-dated" not in then.text, page
        assert "No deal" in now.text and "Back-dated" in now.text, page


def test_the_compare_page_compares_the_stances_recorded_at_t(world, client):
    page = (
        reverse("positions:negotiation-compare", args=["talks"])
        + "?from_date=2019-01-01&to_date=2019-03-28"
    )
    at_t = _matrix(client.get(page))
    t = timezone.now()
    _rewrite_after_t(world)

    then = client.get(_at(page, t))

    assert _matrix(then) == at_t
    assert _matrix(client.get(page)) != at_t


def test_a_release_shows_its_data_and_names_itself(world, client):
    page = reverse("positions:negotiation-detail", args=["talks"]) + "?as_of=2019-03-28"
    at_release = _matrix(client.get(page))
    call_command("make_release", "2026-12", "--notes", "First.", stdout=io.StringIO())
    _rewrite_after_t(world)

    response = client.get(page + "&release=2026-12")

    assert _matrix(response) == at_release
    assert "Release 2026-12" in _banner(response)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("known_at=yesterday", "not an ISO date-time"),
        ("known_at=2999-01-01T00:00:00Z", "in the future"),
        ("release=nope", "No release “nope”"),
    ],
)
def test_a_bad_value_is_a_400_saying_what_is_wrong(world, client, query, message):
    page = reverse("positions:negotiation-detail", args=["talks"])

    response = client.get(f"{page}?{query}")

    assert response.status_code == 400
    assert message in _banner(response)


def _h1(response) -> str:
    [heading] = elements(parse_html(response.text), "h1")
    return text(heading)


def test_the_negotiation_page_shows_its_title_proposals_and_participants_of_t(
    world, client
):
    page = reverse("positions:negotiation-detail", args=["talks"]) + "?as_of=2019-03-28"
    t = timezone.now()
    talks = Negotiation.objects.get(slug="talks")
    talks.title, talks.description = "Summit talks", "Renamed later."
    talks.save()
    big = Proposal.objects.get(slug="big-deal")
    big.title = "Grand bargain"
    big.save()
    ProposalFactory(negotiation=talks, title="Road map", slug="road-map")
    talks.participants.add(StateFactory(name="South Korea", slug="rok"))

    then, now = client.get(_at(page, t)), client.get(page)

    assert _h1(then) == "Talks" and "Renamed later." not in then.text
    assert {proposal for _, proposal in _matrix(then)} == {"Big deal", "Phased deal"}
    assert {actor for actor, _ in _matrix(then)} == {"North Korea", "United States"}
    assert _h1(now) == "Summit talks" and "Renamed later." in now.text
    assert {proposal for _, proposal in _matrix(now)} == {
        "Grand bargain",
        "Phased deal",
        "Road map",
    }
    assert "South Korea" in {actor for actor, _ in _matrix(now)}


def test_a_page_of_what_did_not_stand_at_t_is_a_404_at_t(world, client):
    t = timezone.now()
    later = NegotiationFactory(title="Later talks", slug="later")
    pages = [
        reverse("positions:negotiation-detail", args=["later"]),
        reverse("positions:negotiation-compare", args=["later"]),
        reverse("positions:proposal-detail", args=[ProposalFactory(slug="p2").slug]),
        reverse("positions:actor-detail", args=[StateFactory(slug="rok").slug]),
        reverse("positions:article-detail", args=[ArticleFactory().pk]),
    ]
    assert later.pk

    for page in pages:
        assert client.get(_at(page, t)).status_code == 404, page
        assert client.get(page).status_code == 200, page


def test_a_slug_changed_after_t_names_the_page_at_t_either_way(world, client):
    t = timezone.now()
    talks = Negotiation.objects.get(slug="talks")
    talks.slug = "korea-talks"
    talks.save()

    for slug in ("talks", "korea-talks"):
        page = reverse("positions:negotiation-detail", args=[slug])
        response = client.get(_at(page, t))
        assert response.status_code == 200, slug
        assert _h1(response) == "Talks", slug


def test_the_proposal_page_shows_its_title_summary_and_links_of_t(world, client):
    page = reverse("positions:proposal-detail", args=["big-deal"])
    t = timezone.now()
    big = Proposal.objects.get(slug="big-deal")
    big.title, big.summary = "Grand bargain", "Everything at once."
    big.save()
    ProposalLink.objects.create(
        source=big,
        kind=LinkKind.VARIANT_OF,
        target=Proposal.objects.get(slug="phased"),
    )

    then, now = client.get(_at(page, t)), client.get(page)

    assert _h1(then) == "Big deal" and "Everything at once." not in then.text
    assert not list(elements(parse_html(then.text), "ul", "lineage"))
    assert _h1(now) == "Grand bargain" and "Everything at once." in now.text
    [lineage] = elements(parse_html(now.text), "ul", "lineage")
    assert "Phased deal" in text(lineage)


def test_the_actor_page_shows_its_name_and_roles_of_t(world, client):
    person = PersonFactory(name="Mike Pompeo", slug="pompeo")
    AffiliationFactory(
        person=person,
        organization=world["us"],
        role="CIA Director",
        start_date=D("2017-01-23"),
        end_date=D("2018-04-25"),
    )
    page = reverse("positions:actor-detail", args=["pompeo"])
    state = reverse("positions:actor-detail", args=["us"])
    t = timezone.now()
    person.name = "Michael R. Pompeo"
    person.save()
    AffiliationFactory(
        person=person,
        organization=world["us"],
        role="Secretary of State",
        start_date=D("2018-04-26"),
    )

    then, now = client.get(_at(page, t)), client.get(page)

    assert _h1(then) == "Mike Pompeo"
    assert "CIA Director" in then.text and "Secretary of State" not in then.text
    assert _h1(now) == "Michael R. Pompeo" and "Secretary of State" in now.text
    members_then = client.get(_at(state, t)).text
    assert "Mike Pompeo" in members_then and "Michael R. Pompeo" not in members_then
    assert "Michael R. Pompeo" in client.get(state).text


def _gap_heading(response) -> str:
    [heading] = [
        h2
        for h2 in elements(parse_html(response.text), "h2")
        if dict(h2.attributes).get("id") == "gap-title"
    ]
    return text(heading)


def test_the_main_parties_are_counted_as_of_t(world, client):
    rok = StateFactory(name="South Korea", slug="rok")
    Negotiation.objects.get(slug="talks").participants.add(rok)
    page = reverse("positions:negotiation-detail", args=["talks"])
    t = timezone.now()
    for proposal in Proposal.objects.filter(negotiation__slug="talks"):
        PositionFactory(actor=rok, proposal=proposal, stance=1)

    then, now = client.get(_at(page, t)), client.get(page)

    assert _gap_heading(then) == "Gap between North Korea and United States"
    assert _gap_heading(now) == "Gap between North Korea and South Korea"


def test_the_search_finds_what_was_recorded_at_t(world, client):
    page = reverse("positions:search")
    t = timezone.now()
    big = Proposal.objects.get(slug="big-deal")
    big.title = "Grand bargain"
    big.save()
    StateFactory(name="South Korea", slug="rok")
    ArticleFactory(title="Korea talks resume")
    with transaction.atomic():
        position = Position.objects.get(pk=world["us_big"].pk)
        position_update(
            position_id=position.pk,
            expected_version=position.version,
            changes={"quote": "A deal with Korea"},
        )

    then = text(parse_html(client.get(_at(page + "?q=korea", t)).text))
    now = text(parse_html(client.get(page + "?q=korea").text))

    for found in ("South Korea", "Korea talks resume", "A deal with Korea"):
        assert found not in then and found in now, found
    then = text(parse_html(client.get(_at(page + "?q=bargain", t)).text))
    assert "Grand bargain" not in then
    assert "Grand bargain" in text(parse_html(client.get(page + "?q=bargain").text))
    then = text(parse_html(client.get(_at(page + "?q=big", t)).text))
    assert "Big deal" in then


def test_the_search_narrowed_to_a_side_cites_the_articles_of_t(world, client):
    page = reverse("positions:search") + "?q=headline&actor=us"
    cited_then = world["us_big"].article.title
    t = timezone.now()
    _rewrite_after_t(world)

    then = text(parse_html(client.get(_at(page, t)).text))
    now = text(parse_html(client.get(page).text))

    back_dated = Position.objects.get(quote="Back-dated").article.title
    assert cited_then in then and back_dated not in then
    assert back_dated in now


def _change_rows(response) -> list[str]:
    return [
        text(row)
        for body in elements(parse_html(response.text), "tbody")
        for row in elements(body, "tr")
    ]


def test_the_changes_page_lists_the_changes_recorded_at_t(world, client):
    PositionFactory(
        actor=world["us"],
        proposal=world["big"],
        article=ArticleFactory(published_on=D("2019-03-20")),
        stance=-2,
        quote="Walked away",
    )
    page = reverse("positions:change-list")
    at_t = _change_rows(client.get(page))
    t = timezone.now()
    _rewrite_after_t(world)

    then, now = client.get(_at(page, t)), client.get(page)

    assert then.status_code == 200
    assert _change_rows(then) == at_t and len(at_t) == 1
    assert len(_change_rows(now)) == 2
    assert "As recorded at" in _banner(then)
    hrefs = [
        href.replace("&amp;", "&") for href in re.findall(r'href="([^"]*)"', then.text)
    ]
    [csv] = [href for href in hrefs if "format=csv" in href]
    assert csv.count("known_at=") == 1
    feeds = [
        href for href in hrefs if href.startswith(reverse("positions:change-feed"))
    ]
    assert feeds and not [feed for feed in feeds if "known_at" in feed]


def test_the_article_pages_show_the_articles_recorded_at_t(world, client):
    article = world["us_big"].article
    title_then = article.title
    pages = [
        reverse("positions:article-list"),
        reverse("positions:article-detail", args=[article.pk]),
    ]
    t = timezone.now()
    article.title = "Renamed since"
    article.save()
    ArticleFactory(title="Published later")
    _rewrite_after_t(world)

    listed_then, listed_now = client.get(_at(pages[0], t)), client.get(pages[0])
    shown_then, shown_now = client.get(_at(pages[1], t)), client.get(pages[1])

    assert title_then in listed_then.text and "3 positions" in listed_then.text
    assert "Published later" not in listed_then.text
    assert "Renamed since" in listed_now.text and "Published later" in listed_now.text
    assert "2 positions" in listed_now.text
    assert _h1(shown_then) == title_then and _h1(shown_now) == "Renamed since"
    assert "A deal" in shown_then.text and "Steps" in shown_then.text
    assert "No deal" in shown_now.text and "Steps" not in shown_now.text
    assert "As recorded at" in _banner(shown_then)


@pytest.mark.parametrize(
    "page",
    [
        reverse("positions:change-list"),
        reverse("positions:article-list"),
        reverse("positions:search") + "?q=deal",
    ],
)
def test_a_bad_value_on_the_other_pages_is_a_400_saying_so(world, client, page):
    joiner = "&" if "?" in page else "?"

    response = client.get(f"{page}{joiner}known_at=yesterday")

    assert response.status_code == 400
    assert "not an ISO date-time" in _banner(response)


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200, url
    return len(queries)


def test_a_page_read_in_the_past_costs_the_same_queries_for_more_rows(world, client):
    talks = Negotiation.objects.get(slug="talks")
    article = world["us_big"].article
    # One of each to begin with: a read of none is skipped, not repeated.
    ProposalLink.objects.create(
        source=world["big"],
        kind=LinkKind.VARIANT_OF,
        target=Proposal.objects.get(slug="phased"),
        article=article,
    )
    AffiliationFactory(organization=world["us"], person=PersonFactory())
    pages = [
        reverse("positions:negotiation-detail", args=["talks"]),
        reverse("positions:proposal-detail", args=["big-deal"]),
        reverse("positions:actor-detail", args=["us"]),
        reverse("positions:article-detail", args=[article.pk]),
        reverse("positions:article-list"),
        reverse("positions:change-list"),
        reverse("positions:search") + "?q=deal",
    ]
    few = {page: _queries(client, _at(page, timezone.now())) for page in pages}
    for n in range(4):
        side = StateFactory(name=f"Side {n}")
        talks.participants.add(side)
        proposal = ProposalFactory(negotiation=talks, title=f"Deal {n}")
        ProposalLink.objects.create(
            source=world["big"],
            kind=LinkKind.DERIVED_FROM,
            target=proposal,
            article=ArticleFactory(),
        )
        AffiliationFactory(organization=world["us"], person=PersonFactory())
        for stance in (-2, 2):
            PositionFactory(
                actor=side,
                proposal=proposal,
                article=ArticleFactory(
                    published_on=D("2019-03-01") + datetime.timedelta(days=n)
                ),
                stance=stance,
                quote=f"deal {stance}",
            )
        PositionFactory(actor=side, proposal=world["big"], article=article, stance=1)
        PositionFactory(actor=world["us"], proposal=proposal, stance=-1)
    t = timezone.now()

    more = {page: _queries(client, _at(page, t)) for page in pages}

    assert more == few


@pytest.mark.parametrize(
    "chart",
    [
        reverse("positions:proposal-chart", args=["big-deal"]),
        reverse("positions:negotiation-gap-chart", args=["talks"])
        + "?a=us&b=north-korea",
    ],
)
def test_a_chart_downloaded_from_a_page_read_at_t_is_the_chart_of_t(
    world, client, chart
):
    at_t = client.get(chart).content
    t = timezone.now()
    _rewrite_after_t(world)

    then = client.get(_at(chart, t))

    assert then.status_code == 200
    assert then["Content-Type"].startswith("image/svg+xml")
    assert then.content == at_t
    assert client.get(chart).content != at_t


def test_the_events_marked_at_t_are_those_recorded_then(world, client):
    talks = Negotiation.objects.get(slug="talks")
    EventFactory(negotiation=talks, title="Hanoi summit", slug="hanoi")
    pages = [
        reverse("positions:negotiation-detail", args=["talks"]),
        reverse("positions:proposal-detail", args=["big-deal"]),
        reverse("positions:actor-detail", args=["us"]),
    ]
    t = timezone.now()
    EventFactory(negotiation=talks, title="Stockholm talks", slug="stockholm")

    for page in pages:
        then = client.get(_at(page, t)).text
        now = client.get(page).text
        assert "Hanoi summit" in then, page
        assert "Stockholm talks" not in then, page
        assert "Stockholm talks" in now, page


def test_a_position_row_read_at_t_names_its_side_and_proposal_as_they_were(
    world, client
):
    article = world["us_big"].article
    pages = [
        reverse("positions:article-detail", args=[article.pk]),
        reverse("positions:search") + "?q=deal",
    ]
    t = timezone.now()
    us = world["us"]
    us.name = "USA"
    us.save()
    big = world["big"]
    big.title = "Grand bargain"
    big.save()

    for page in pages:
        then = client.get(_at(page, t)).text
        now = client.get(page).text
        assert "United States" in then and "Big deal" in then, page
        assert "USA" not in then and "Grand bargain" not in then, page
        assert "USA" in now and "Grand bargain" in now, page
