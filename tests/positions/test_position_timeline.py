import datetime

from positions.selectors import position_timeline
from tests.factories import ArticleFactory, PositionFactory

D = datetime.date.fromisoformat


def test_it_orders_each_pair_by_date_then_id(korea_case):
    article = ArticleFactory(published_on=D("2019-04-30"))
    later = PositionFactory(
        actor=korea_case.dprk,
        proposal=korea_case.big_deal,
        article=article,
        stance=-2,
        stated_on=D("2019-04-12"),
    )

    timeline = list(position_timeline(actors=[korea_case.dprk]))

    assert [p.pk for p in timeline] == [
        korea_case.dprk_big_deal.pk,
        later.pk,
        korea_case.dprk_phased.pk,
    ]


def test_it_bounds_dates_inclusively(korea_case):
    timeline = position_timeline(
        negotiation=korea_case.talks,
        stated_after=D("2019-03-15"),
        stated_before=D("2019-03-15"),
    )

    assert [p.pk for p in timeline] == [korea_case.dprk_big_deal.pk]


def test_it_runs_one_query_whatever_the_number_of_points(
    korea_case, django_assert_num_queries
):
    with django_assert_num_queries(1):
        rows = [(p.actor.slug, p.proposal.slug) for p in position_timeline()]
    assert len(rows) == 4
