"""Index pages: every negotiation, proposal and actor, one click from the header."""

import pytest
from django.test.html import parse_html
from django.urls import reverse

from tests.factories import NegotiationFactory, ProposalFactory, StateFactory
from tests.html import elements, text


def _links(response) -> dict[str, str]:
    main = next(elements(parse_html(response.content.decode()), "main"))
    return {text(a): dict(a.attributes)["href"] for a in elements(main, "a")}


def test_the_header_links_to_each_index(korea_case, client):
    header = next(elements(parse_html(client.get("/").content.decode()), "header"))
    hrefs = {dict(a.attributes)["href"] for a in elements(header, "a")}

    assert {"/negotiations/", "/proposals/", "/actors/"} <= hrefs


def test_the_negotiations_index_lists_each_with_its_sides(korea_case, client):
    response = client.get(reverse("positions:negotiation-list"))

    links = _links(response)
    assert links["Denuclearization talks"] == "/negotiations/talks/"
    assert links["North Korea"] == "/actors/north-korea/"
    assert "3 proposals" in text(parse_html(response.content.decode()))


def test_the_proposals_index_groups_them_by_negotiation(korea_case, client):
    other = NegotiationFactory(title="Another round", slug="another-round")
    ProposalFactory(negotiation=other, title="Freeze for freeze", slug="freeze")

    response = client.get(reverse("positions:proposal-list"))

    page = parse_html(response.content.decode())
    sections = {
        text(next(elements(section, "h2"))): [
            text(li) for li in elements(section, "li")
        ]
        for section in elements(page, "section")
    }
    assert sections == {
        "Another round": ["Freeze for freeze"],
        "Denuclearization talks": ["Big deal", "Phased deal", "Road map"],
    }
    assert _links(response)["Big deal"] == "/proposals/big-deal/"


def test_the_actors_index_puts_sides_apart_from_persons(korea_case, client):
    StateFactory(name="China", slug="china")

    response = client.get(reverse("positions:actor-list"))

    page = parse_html(response.content.decode())
    sides, persons = elements(page, "section")
    assert [text(a) for a in elements(sides, "a")] == [
        "China",
        "North Korea",
        "South Korea",
        "United States",
    ]
    assert [text(a) for a in elements(persons, "a")] == ["John Bolton", "Mike Pompeo"]
    assert "Secretary of State, United States" in text(persons)


@pytest.mark.parametrize("name", ["negotiation-list", "proposal-list", "actor-list"])
def test_an_index_runs_a_fixed_number_of_queries(
    korea_case, client, django_assert_max_num_queries, name
):
    for _ in range(5):
        negotiation = NegotiationFactory()
        negotiation.participants.set([StateFactory()])
        ProposalFactory(negotiation=negotiation)
    with django_assert_max_num_queries(6):
        assert client.get(reverse(f"positions:{name}")).status_code == 200
