import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from positions.models import Article, Position, normalize_article_url
from tests.factories import ArticleFactory

HERALD = "https://www.koreaherald.com/view.php?ud=20190328000716"


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        # Scheme and host are case-insensitive; the path is not.
        (
            "HTTPS://WWW.KoreaHerald.com/view.php?ud=20190328000716",
            HERALD,
        ),
        (
            "https://example.org/News/Story-One",
            "https://example.org/News/Story-One",
        ),
        # A fragment is a place in the page, not another page.
        (HERALD + "#comments", HERALD),
        # Tracking parameters go; the others stay in their order.
        (
            "https://www.koreaherald.com/view.php?utm_source=twitter&ud=20190328000716"
            "&utm_medium=social&utm_campaign=nk",
            HERALD,
        ),
        (
            "https://example.org/story?b=2&utm_content=x&a=1&fbclid=abc",
            "https://example.org/story?b=2&a=1",
        ),
        # A trailing slash is dropped, except for the root.
        (
            "https://example.org/2019/03/28/story/",
            "https://example.org/2019/03/28/story",
        ),
        ("https://example.org/", "https://example.org/"),
        ("https://example.org", "https://example.org/"),
        # Default ports and surrounding blanks.
        ("  https://Example.org:443/story/#top ", "https://example.org/story"),
        ("http://example.org:80/story", "http://example.org/story"),
        ("http://example.org:8080/story", "http://example.org:8080/story"),
    ],
)
def test_it_normalises_the_url(given, stored):
    assert normalize_article_url(given) == stored


def test_it_stores_the_address_as_given_and_keys_it_normalised(db):
    given = "HTTPS://WWW.KOREAHERALD.COM/view.php?ud=20190328000716&utm_source=x#top"
    article = ArticleFactory(url=f"  {given} ")

    stored = Article.objects.get(pk=article.pk)
    assert (stored.url, stored.url_key) == (given, HERALD)
    assert Article.objects.by_url(HERALD).get() == stored


def test_it_leaves_a_normalised_url_as_it_is():
    once = normalize_article_url("https://Example.org/story/?utm_source=x&id=7#top")

    assert once == "https://example.org/story?id=7"
    assert normalize_article_url(once) == once


@pytest.mark.parametrize(
    "variant",
    [
        "https://WWW.KOREAHERALD.COM/view.php?ud=20190328000716",
        HERALD + "#comments",
        HERALD + "&utm_source=newsletter",
    ],
)
def test_it_refuses_the_same_article_under_another_spelling_in_the_database(
    korea_case, variant
):
    copy = Article(
        url=variant,
        title="Copy",
        outlet="The Korea Herald",
        published_on=datetime.date(2019, 3, 28),
    )

    with pytest.raises(IntegrityError), transaction.atomic():
        copy.save()

    assert list(Article.objects.values_list("url", "title")) == [
        (HERALD, korea_case.herald.title)
    ]


def test_it_refuses_the_same_path_with_a_trailing_slash(db):
    ArticleFactory(url="https://example.org/2019/03/28/story", title="First")

    with pytest.raises(IntegrityError), transaction.atomic():
        ArticleFactory(url="https://EXAMPLE.org/2019/03/28/story/", title="Second")

    assert list(Article.objects.values_list("title", flat=True)) == ["First"]


def test_it_refuses_the_same_article_under_another_spelling_in_full_clean(korea_case):
    copy = Article(
        url=HERALD.replace("www.koreaherald", "WWW.KoreaHerald") + "#top",
        title="Copy",
        outlet="The Korea Herald",
        published_on=datetime.date(2019, 3, 28),
    )

    with pytest.raises(ValidationError) as excinfo:
        copy.full_clean()

    [message] = excinfo.value.message_dict["url"]
    herald = korea_case.herald
    assert message.startswith(
        f"This article is already recorded, as “{herald.title}” (The Korea Herald, "
        f"2019-03-28) at /articles/{herald.pk}/:"
    )
    assert Article.objects.count() == 1


def test_it_finds_an_article_by_any_spelling_of_its_url(korea_case):
    spelling = "HTTPS://www.KoreaHerald.com/view.php?ud=20190328000716&utm_medium=x#c"

    assert list(Article.objects.by_url(spelling)) == [korea_case.herald]
    assert list(Article.objects.by_url(HERALD)) == [korea_case.herald]


def test_it_finds_no_article_at_another_address(korea_case):
    assert not Article.objects.by_url(HERALD.replace("716", "717")).exists()


def test_it_cannot_be_deleted_while_positions_cite_it(korea_case):
    with pytest.raises(ProtectedError) as excinfo:
        korea_case.herald.delete()

    assert set(excinfo.value.protected_objects) == {
        korea_case.us_big_deal,
        korea_case.dprk_phased,
        korea_case.rok_road_map,
        korea_case.dprk_big_deal,
    }
    assert Article.objects.filter(pk=korea_case.herald.pk).exists()
    assert Position.objects.filter(article=korea_case.herald).count() == 4


def test_it_cannot_be_deleted_through_a_queryset_either(korea_case):
    with pytest.raises(ProtectedError):
        Article.objects.filter(pk=korea_case.herald.pk).delete()

    assert Article.objects.count() == 1
    assert Position.objects.count() == 4


def test_it_can_be_deleted_once_nothing_cites_it(db):
    article = ArticleFactory()

    article.delete()

    assert not Article.objects.exists()
