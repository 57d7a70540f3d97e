import datetime

import pytest

from positions.models import Article, Position
from positions.services import position_create
from tests.factories import ArticleFactory

D = datetime.date

# One query: the page with its position counts.
# The data version the response answers from is one of them.
ARTICLES_LIST_QUERIES = 2


@pytest.fixture
def press(korea_case):
    """The Herald article plus two more outlets around the Hanoi summit."""
    yonhap = ArticleFactory(
        url="https://en.yna.co.kr/view/AEN20190228009700315",
        title="Trump, Kim end summit without agreement",
        outlet="Yonhap",
        published_on=D(2019, 2, 28),
        summary="No deal in Hanoi.",
    )
    nk_news = ArticleFactory(
        url="https://www.nknews.org/2019/03/01/ri-yong-ho-press-conference",
        title="Ri Yong Ho holds midnight press conference",
        outlet="NK News",
        published_on=D(2019, 3, 1),
        body="North Korea asked for partial sanctions relief only.",
    )
    position_create(
        actor=korea_case.dprk,
        proposal=korea_case.phased,
        article=nk_news,
        stance=2,
        stated_on=D(2019, 3, 1),
    )
    return yonhap, nk_news


def ids(response):
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def table():
    return list(Article.objects.order_by("id").values())


def test_it_lists_articles_newest_first(api_client, korea_case, press):
    yonhap, nk_news = press

    response = api_client.get("/api/v1/articles/")

    assert ids(response) == [korea_case.herald.pk, nk_news.pk, yonhap.pk]


def test_it_shows_the_web_address_as_url_and_the_api_address_as_api_url(
    api_client, korea_case
):
    herald = korea_case.herald

    response = api_client.get(f"/api/v1/articles/{herald.pk}/")

    assert response.status_code == 200
    data = response.json()
    assert data["url"] == "https://www.koreaherald.com/view.php?ud=20190328000716"
    assert data["api_url"] == f"http://testserver/api/v1/articles/{herald.pk}/"
    assert set(data) == {
        "id",
        "url",
        "api_url",
        "title",
        "outlet",
        "authors",
        "published_on",
        "language",
        "summary",
        "body",
        "position_count",
        "created_at",
    }
    assert (data["outlet"], data["published_on"]) == ("The Korea Herald", "2019-03-28")
    assert response["ETag"]


def test_it_counts_the_positions_citing_each_article(api_client, korea_case, press):
    yonhap, nk_news = press

    response = api_client.get("/api/v1/articles/")

    counts = {row["id"]: row["position_count"] for row in response.json()["results"]}
    assert counts == {korea_case.herald.pk: 4, nk_news.pk: 1, yonhap.pk: 0}
    one = api_client.get(f"/api/v1/articles/{korea_case.herald.pk}/")
    assert one.json()["position_count"] == 4


def test_it_counts_all_positions_also_when_filtered_by_actor(api_client, korea_case):
    response = api_client.get("/api/v1/articles/?actor=north-korea")

    assert [row["position_count"] for row in response.json()["results"]] == [4]


def test_it_counts_all_positions_also_when_filtered_by_proposal(api_client, korea_case):
    response = api_client.get("/api/v1/articles/?proposal=big-deal")

    assert [row["position_count"] for row in response.json()["results"]] == [4]


def test_it_filters_by_outlet_with_repeats_meaning_or(api_client, korea_case, press):
    yonhap, nk_news = press

    one = api_client.get("/api/v1/articles/?outlet=Yonhap")
    two = api_client.get("/api/v1/articles/?outlet=Yonhap&outlet=NK+News")

    assert ids(one) == [yonhap.pk]
    assert ids(two) == [nk_news.pk, yonhap.pk]


def test_it_filters_by_publication_dates_inclusively(api_client, korea_case, press):
    yonhap, nk_news = press

    after = api_client.get("/api/v1/articles/?published_after=2019-03-01")
    before = api_client.get("/api/v1/articles/?published_before=2019-03-01")
    day = api_client.get(
        "/api/v1/articles/?published_after=2019-03-01&published_before=2019-03-01"
    )

    assert ids(after) == [korea_case.herald.pk, nk_news.pk]
    assert ids(before) == [nk_news.pk, yonhap.pk]
    assert ids(day) == [nk_news.pk]


def test_it_refuses_published_after_later_than_published_before(api_client, press):
    response = api_client.get(
        "/api/v1/articles/?published_after=2019-03-02&published_before=2019-03-01"
    )

    assert response.status_code == 400
    assert list(response.json()) == ["published_after"]


def test_it_filters_by_an_actor_having_a_position(api_client, korea_case, press):
    yonhap, nk_news = press

    dprk = api_client.get("/api/v1/articles/?actor=north-korea")
    us = api_client.get("/api/v1/articles/?actor=us")

    # Listed once each, although the Herald has two positions of North Korea.
    assert ids(dprk) == [korea_case.herald.pk, nk_news.pk]
    assert ids(us) == [korea_case.herald.pk]


def test_it_filters_by_a_proposal_having_a_position(api_client, korea_case, press):
    yonhap, nk_news = press

    phased = api_client.get("/api/v1/articles/?proposal=phased-deal")
    road_map = api_client.get("/api/v1/articles/?proposal=road-map")

    assert ids(phased) == [korea_case.herald.pk, nk_news.pk]
    assert ids(road_map) == [korea_case.herald.pk]


def test_it_searches_title_summary_and_body(api_client, korea_case, press):
    yonhap, nk_news = press

    title = api_client.get("/api/v1/articles/?search=DENUKE")
    summary = api_client.get("/api/v1/articles/?search=no+deal+in")
    body = api_client.get("/api/v1/articles/?search=sanctions+relief")

    assert ids(title) == [korea_case.herald.pk]
    assert ids(summary) == [yonhap.pk]
    assert ids(body) == [nk_news.pk]


@pytest.mark.parametrize(
    "query, parameter",
    [
        ("outlt=Yonhap", "outlt"),
        ("published_after=2019-02-30", "published_after"),
        ("published_before=March", "published_before"),
        ("actor=atlantis", "actor"),
        ("proposal=small-deal", "proposal"),
        ("page_size=501", "page_size"),
    ],
)
def test_it_rejects_a_bad_parameter_naming_it(api_client, korea_case, query, parameter):
    response = api_client.get(f"/api/v1/articles/?{query}")

    assert response.status_code == 400
    assert list(response.json()) == [parameter]


def test_it_creates_an_article_under_its_address_as_given(
    analyst_api, analyst, korea_case
):
    response = analyst_api.post(
        "/api/v1/articles/",
        {
            "url": "HTTPS://WWW.NKNews.org:443/2019/03/hanoi/?utm_source=twitter&id=7#top",
            "title": "After Hanoi",
            "outlet": "NK News",
            "published_on": "2019-03-02",
        },
    )

    assert response.status_code == 201, response.content
    given = "HTTPS://WWW.NKNews.org:443/2019/03/hanoi/?utm_source=twitter&id=7#top"
    assert response.json()["url"] == given
    saved = Article.objects.get(pk=response.json()["id"])
    assert saved.url == given
    assert saved.url_key == "https://www.nknews.org/2019/03/hanoi?id=7"
    assert (saved.title, saved.language, saved.added_by) == (
        "After Hanoi",
        "en",
        analyst,
    )
    assert response.json()["position_count"] == 0


def test_it_refuses_an_article_whose_url_is_a_duplicate_after_normalisation(
    analyst_api, korea_case
):
    before = table()

    response = analyst_api.post(
        "/api/v1/articles/",
        {
            "url": "https://WWW.KoreaHerald.com/view.php?ud=20190328000716"
            "&utm_medium=social#comments",
            "title": "Same article, shared link",
            "outlet": "The Korea Herald",
            "published_on": "2019-03-28",
        },
    )

    assert response.status_code == 400
    assert list(response.json()) == ["url"]
    assert table() == before


def test_it_refuses_an_update_to_a_duplicate_url(analyst_api, korea_case, press):
    yonhap, _ = press
    before = table()

    response = analyst_api.patch(
        f"/api/v1/articles/{yonhap.pk}/",
        {"url": "https://www.koreaherald.com/view.php?ud=20190328000716#top"},
    )

    assert response.status_code == 400
    assert list(response.json()) == ["url"]
    assert table() == before


def test_it_updates_an_article(analyst_api, korea_case, press):
    yonhap, _ = press

    response = analyst_api.patch(
        f"/api/v1/articles/{yonhap.pk}/", {"authors": "Kim Eun-jung"}
    )

    assert response.status_code == 200
    yonhap.refresh_from_db()
    assert yonhap.authors == "Kim Eun-jung"
    assert yonhap.title == "Trump, Kim end summit without agreement"


def test_it_refuses_to_delete_a_cited_article_with_409_saying_how_many(
    curator_api, korea_case
):
    herald = korea_case.herald
    articles, positions = table(), list(Position.objects.values())

    response = curator_api.delete(f"/api/v1/articles/{herald.pk}/")

    assert response.status_code == 409
    assert "4 positions" in response.json()["detail"]
    assert table() == articles
    assert list(Position.objects.values()) == positions


def test_it_deletes_an_article_nobody_cites(curator_api, korea_case, press):
    yonhap, _ = press

    response = curator_api.delete(f"/api/v1/articles/{yonhap.pk}/")

    assert response.status_code == 204
    assert not Article.objects.filter(pk=yonhap.pk).exists()
    assert Article.objects.count() == 2


def test_it_refuses_deletion_to_an_analyst(analyst_api, korea_case, press):
    yonhap, _ = press
    before = table()

    response = analyst_api.delete(f"/api/v1/articles/{yonhap.pk}/")

    assert response.status_code == 403
    assert table() == before


def test_it_refuses_writes_to_a_reader(reader_api, korea_case, press):
    yonhap, _ = press
    before = table()

    created = reader_api.post(
        "/api/v1/articles/",
        {
            "url": "https://example.org/a",
            "title": "A",
            "outlet": "B",
            "published_on": "2019-03-02",
        },
    )
    changed = reader_api.patch(f"/api/v1/articles/{yonhap.pk}/", {"title": "X"})

    assert (created.status_code, changed.status_code) == (403, 403)
    assert table() == before


def test_it_refuses_an_update_with_a_stale_if_match(analyst_api, korea_case, press):
    yonhap, _ = press
    stale = analyst_api.get(f"/api/v1/articles/{yonhap.pk}/")["ETag"]
    assert (
        analyst_api.patch(
            f"/api/v1/articles/{yonhap.pk}/", {"authors": "First"}
        ).status_code
        == 200
    )
    before = table()

    response = analyst_api.patch(
        f"/api/v1/articles/{yonhap.pk}/", {"authors": "Second"}, HTTP_IF_MATCH=stale
    )

    assert response.status_code == 412
    assert table() == before


def test_it_stays_within_its_query_budget(
    api_client, korea_case, django_assert_max_num_queries
):
    for number in range(12):
        ArticleFactory(title=f"Report {number}")

    with django_assert_max_num_queries(ARTICLES_LIST_QUERIES):
        response = api_client.get("/api/v1/articles/?page_size=100")

    assert len(response.json()["results"]) == 13


def test_it_refuses_an_article_published_after_tomorrow(analyst_api, db):
    today = datetime.date.today()
    article = {
        "url": "https://www.example.org/2031/typo",
        "title": "A typo in the year",
        "outlet": "The Example Times",
        "language": "en",
    }

    future = analyst_api.post(
        "/api/v1/articles/",
        article | {"published_on": str(today + datetime.timedelta(days=2))},
        format="json",
    )
    tomorrow = analyst_api.post(
        "/api/v1/articles/",
        article | {"published_on": str(today + datetime.timedelta(days=1))},
        format="json",
    )

    assert future.status_code == 400
    assert "check the year" in future.json()["published_on"][0]
    # A day ahead is an outlet in a later time zone.
    assert tomorrow.status_code == 201
    assert Article.objects.count() == 1
