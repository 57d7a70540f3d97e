import datetime

import pytest
from django.urls import reverse

from positions.selectors import RESOLUTION_RULE
from tests.factories import ArticleFactory, PositionFactory

HOME_QUERY_COUNT = 6


@pytest.fixture
def reversal(korea_case):
    """North Korea turns to supporting the big deal on 2019-04-10."""
    return PositionFactory(
        actor=korea_case.dprk,
        proposal=korea_case.big_deal,
        article=ArticleFactory(
            title="Pyongyang softens", published_on=datetime.date(2019, 4, 10)
        ),
        stance=1,
        stated_on=datetime.date(2019, 4, 10),
    )


def test_it_shows_the_negotiation_and_the_latest_changes(korea_case, reversal, client):
    response = client.get(reverse("positions:home"))

    assert response.status_code == 200
    assert "Denuclearization talks" in response.text
    for slug in ("big-deal", "phased-deal", "road-map"):
        assert reverse("positions:proposal-detail", args=[slug]) in response.text
    # North Korea on the big deal: from rejects outright to supports.
    assert "rejects outright" in response.text
    assert reverse("positions:position-detail", args=[reversal.pk]) in response.text


def test_it_shows_the_latest_articles_and_a_search_box(korea_case, reversal, client):
    response = client.get(reverse("positions:home"))

    assert response.text.index("Pyongyang softens") < response.text.index(
        "South Korean nuclear envoy"
    )
    assert "4 positions" in response.text
    assert f'action="{reverse("positions:search")}"' in response.text


def test_it_prints_the_resolution_rule_next_to_the_changes(
    korea_case, reversal, client
):
    response = client.get(reverse("positions:home"))

    assert "How this was computed" in response.text
    assert RESOLUTION_RULE in response.text


def test_it_runs_a_fixed_number_of_queries(
    korea_case, client, django_assert_max_num_queries
):
    with django_assert_max_num_queries(HOME_QUERY_COUNT):
        client.get(reverse("positions:home"))
