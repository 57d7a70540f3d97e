import datetime

from positions.models import Article, Position
from tests.factories import ArticleFactory, PositionFactory

ADD_URL = "/admin/positions/article/add/"
NEW_URL = "https://www.example.org/news/2019/03/29/pompeo-seoul"


def article_data(**overrides):
    return {
        "url": NEW_URL,
        "title": "Pompeo says the big deal stands",
        "outlet": "The Example Times",
        "authors": "",
        "published_on": "2019-03-28",
        "language": "en",
        "summary": "",
        "body": "",
    } | overrides


def inline_data(*rows, initial=0):
    """The POST data of the positions inline; autocomplete widgets post plain ids."""
    data = {
        "positions-TOTAL_FORMS": str(len(rows)),
        "positions-INITIAL_FORMS": str(initial),
        "positions-MIN_NUM_FORMS": "0",
        "positions-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        fields = {
            "id": "",
            "article": "",
            "actor": "",
            "speaker": "",
            "proposal": "",
            "stance": "0",
            "confidence": "2",
            "stated_on": "",
            "quote": "",
            "note": "",
            "version": "",
        } | row
        for name, value in fields.items():
            data[f"positions-{index}-{name}"] = "" if value is None else str(value)
    return data


def position_row(position, **overrides):
    return {
        "id": position.pk,
        "article": position.article_id,
        "actor": position.actor_id,
        "speaker": position.speaker_id,
        "proposal": position.proposal_id,
        "stance": position.stance,
        "confidence": position.confidence,
        "stated_on": position.stated_on.isoformat(),
        "quote": position.quote,
        "note": position.note,
        "version": position.version,
    } | overrides


def counts():
    return Article.objects.count(), Position.objects.count()


def test_it_names_the_inline_forms_with_the_positions_prefix(superuser_client, db):
    response = superuser_client.get(ADD_URL)

    assert response.status_code == 200
    for name in ("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS"):
        assert f'name="positions-{name}"' in response.text
    for field in ("actor", "speaker", "proposal", "stance", "stated_on", "version"):
        assert f'name="positions-__prefix__-{field}"' in response.text


def test_it_saves_an_article_with_two_inline_positions_in_one_post(
    superuser_client, korea_case, superuser
):
    k = korea_case
    data = article_data() | inline_data(
        {
            "actor": k.us.pk,
            "proposal": k.big_deal.pk,
            "stance": 2,
            "stated_on": "2019-03-28",
            "quote": "a big deal",
        },
        {
            "actor": k.dprk.pk,
            "proposal": k.phased.pk,
            "stance": 1,
            "confidence": 3,
            "stated_on": "2019-03-27",
        },
    )

    response = superuser_client.post(ADD_URL, data)

    assert response.status_code == 302
    article = Article.objects.get(url=NEW_URL)
    assert article.added_by == superuser
    saved = list(
        article.positions.order_by("stated_on").values_list(
            "actor", "proposal", "stance", "confidence", "stated_on", "quote"
        )
    )
    assert saved == [
        (k.dprk.pk, k.phased.pk, 1, 3, datetime.date(2019, 3, 27), ""),
        (k.us.pk, k.big_deal.pk, 2, 2, datetime.date(2019, 3, 28), "a big deal"),
    ]
    assert set(article.positions.values_list("recorded_by", flat=True)) == {
        superuser.pk
    }


def test_it_takes_an_empty_side_from_the_speakers_affiliation_on_that_date(
    superuser_client, korea_case
):
    k = korea_case
    data = article_data() | inline_data(
        {
            "speaker": k.pompeo.pk,
            "proposal": k.big_deal.pk,
            "stance": 2,
            "stated_on": "2019-03-29",
        }
    )

    response = superuser_client.post(ADD_URL, data)

    assert response.status_code == 302
    position = Position.objects.get(article__url=NEW_URL)
    assert position.actor == k.us
    assert position.speaker == k.pompeo
    assert position.stated_on == datetime.date(2019, 3, 29)


def test_it_shows_an_error_and_saves_nothing_when_the_speaker_has_no_side(
    superuser_client, korea_case
):
    k = korea_case
    before = counts()
    data = article_data(published_on="2019-12-01") | inline_data(
        {
            "speaker": k.bolton.pk,
            "proposal": k.big_deal.pk,
            "stance": 2,
            # Bolton left office on 2019-09-10.
            "stated_on": "2019-11-30",
        }
    )

    response = superuser_client.post(ADD_URL, data)

    assert response.status_code == 200
    assert "John Bolton had no affiliation on 2019-11-30" in response.text
    assert counts() == before


def test_it_shows_the_error_and_saves_nothing_when_stated_two_days_after_publication(
    superuser_client, korea_case
):
    k = korea_case
    before = counts()
    data = article_data(published_on="2019-03-28") | inline_data(
        {
            "actor": k.us.pk,
            "proposal": k.big_deal.pk,
            "stance": 2,
            "stated_on": "2019-03-28",
        },
        {
            "actor": k.dprk.pk,
            "proposal": k.phased.pk,
            "stance": 1,
            "stated_on": "2019-03-30",
        },
    )

    response = superuser_client.post(ADD_URL, data)

    assert response.status_code == 200
    assert (
        "Stated on 2019-03-30 is after the article was published (2019-03-28)"
        in response.text
    )
    assert counts() == before
    assert not Article.objects.filter(url=NEW_URL).exists()


def test_it_accepts_a_position_stated_one_day_after_publication(
    superuser_client, korea_case
):
    k = korea_case
    data = article_data(published_on="2019-02-28") | inline_data(
        {
            "actor": k.dprk.pk,
            "proposal": k.phased.pk,
            "stance": 2,
            "stated_on": "2019-03-01",
        }
    )

    response = superuser_client.post(ADD_URL, data)

    assert response.status_code == 302
    position = Position.objects.get(article__url=NEW_URL)
    assert position.stated_on == datetime.date(2019, 3, 1)
    assert position.article.published_on == datetime.date(2019, 2, 28)


def test_it_refuses_a_person_as_side_with_a_message_and_saves_nothing(
    superuser_client, korea_case
):
    k = korea_case
    before = counts()
    data = article_data() | inline_data(
        {
            "actor": k.pompeo.pk,
            "proposal": k.big_deal.pk,
            "stance": 2,
            "stated_on": "2019-03-28",
        }
    )

    response = superuser_client.post(ADD_URL, data)

    assert response.status_code == 200
    assert "Mike Pompeo is a person, and a person is never a side" in response.text
    assert counts() == before


def test_it_refuses_two_identical_positions_in_one_post_and_saves_nothing(
    superuser_client, korea_case
):
    k = korea_case
    before = counts()
    row = {
        "actor": k.us.pk,
        "proposal": k.big_deal.pk,
        "stance": 2,
        "stated_on": "2019-03-28",
    }
    data = article_data() | inline_data(row, row | {"stance": 1})

    response = superuser_client.post(ADD_URL, data)

    assert response.status_code == 200
    assert "Two of these positions are the same" in response.text
    assert counts() == before


def test_it_refuses_a_new_position_identical_to_one_the_article_has(
    superuser_client, korea_case
):
    k = korea_case
    article = ArticleFactory()
    existing = PositionFactory(article=article, actor=k.us, proposal=k.big_deal)
    before = counts()
    data = article_data(
        url=article.url,
        title=article.title,
        outlet=article.outlet,
        published_on=article.published_on.isoformat(),
    ) | inline_data(
        position_row(existing),
        {
            "article": article.pk,
            "actor": k.us.pk,
            "proposal": k.big_deal.pk,
            "stance": -1,
            "stated_on": existing.stated_on.isoformat(),
        },
        initial=1,
    )

    response = superuser_client.post(
        f"/admin/positions/article/{article.pk}/change/", data
    )

    assert response.status_code == 200
    assert "This article already has this position" in response.text
    assert counts() == before


def test_it_edits_an_inline_position_and_raises_its_version(
    superuser_client, korea_case, superuser
):
    article = ArticleFactory()
    position = PositionFactory(article=article, actor=korea_case.us, stance=0)
    data = article_data(
        url=article.url,
        title=article.title,
        outlet=article.outlet,
        published_on=article.published_on.isoformat(),
    ) | inline_data(position_row(position, stance=-1), initial=1)

    response = superuser_client.post(
        f"/admin/positions/article/{article.pk}/change/", data
    )

    assert response.status_code == 302
    position.refresh_from_db()
    assert (position.stance, position.version) == (-1, 2)
    assert position.history.latest().history_user == superuser


def test_it_refuses_an_inline_edit_based_on_a_stale_version(
    superuser_client, korea_case
):
    article = ArticleFactory(title="Old headline")
    position = PositionFactory(article=article, actor=korea_case.us, stance=0)
    Position.objects.filter(pk=position.pk).update(version=2)
    data = article_data(
        url=article.url,
        title="New headline",
        outlet=article.outlet,
        published_on=article.published_on.isoformat(),
    ) | inline_data(position_row(position, stance=-1, version=1), initial=1)

    response = superuser_client.post(
        f"/admin/positions/article/{article.pk}/change/", data
    )

    assert response.status_code == 200
    assert "Someone else saved this position while you were editing it" in (
        response.text
    )
    position.refresh_from_db()
    article.refresh_from_db()
    assert (position.stance, position.version) == (0, 2)
    assert article.title == "Old headline"


def test_it_refuses_an_inline_edit_posted_without_a_version(
    superuser_client, korea_case
):
    article = ArticleFactory()
    position = PositionFactory(article=article, actor=korea_case.us, stance=0)
    data = article_data(
        url=article.url,
        title=article.title,
        outlet=article.outlet,
        published_on=article.published_on.isoformat(),
    ) | inline_data(position_row(position, stance=1, version=""), initial=1)

    response = superuser_client.post(
        f"/admin/positions/article/{article.pk}/change/", data
    )

    # Without the version it was based on, the edit could overwrite another's.
    assert response.status_code == 200
    position.refresh_from_db()
    assert (position.stance, position.version) == (0, 1)


def test_it_deletes_an_inline_position_marked_for_deletion(
    superuser_client, korea_case, superuser
):
    article = ArticleFactory()
    position = PositionFactory(article=article, actor=korea_case.us)
    data = article_data(
        url=article.url,
        title=article.title,
        outlet=article.outlet,
        published_on=article.published_on.isoformat(),
    ) | inline_data(position_row(position, DELETE="on"), initial=1)

    response = superuser_client.post(
        f"/admin/positions/article/{article.pk}/change/", data
    )

    assert response.status_code == 302
    assert not Position.objects.filter(pk=position.pk).exists()
    deletion = Position.history.get(id=position.pk, history_type="-")
    assert deletion.history_user == superuser


def test_it_refuses_to_delete_an_article_that_positions_cite(
    superuser_client, korea_case
):
    herald = korea_case.herald
    before = counts()

    response = superuser_client.post(
        f"/admin/positions/article/{herald.pk}/delete/", {"post": "yes"}
    )

    assert response.status_code == 200
    assert "Cannot delete article" in response.text
    assert "4 positions cite this article, so it cannot be deleted" in response.text
    assert str(korea_case.dprk_big_deal) in response.text
    assert counts() == before
    assert Article.objects.filter(pk=herald.pk).exists()


def test_it_names_a_single_citing_position_in_the_singular(superuser_client, db):
    position = PositionFactory()

    response = superuser_client.get(
        f"/admin/positions/article/{position.article_id}/delete/"
    )

    assert response.status_code == 200
    assert "1 position cites this article, so it cannot be deleted" in response.text
    assert Article.objects.filter(pk=position.article_id).exists()


def test_it_refuses_to_delete_cited_articles_from_the_changelist(
    superuser_client, korea_case
):
    uncited = ArticleFactory()
    before = counts()

    response = superuser_client.post(
        "/admin/positions/article/",
        {
            "action": "delete_selected",
            "_selected_action": [korea_case.herald.pk, uncited.pk],
            "post": "yes",
        },
    )

    assert response.status_code == 200
    assert "Cannot delete article" in response.text
    assert counts() == before


def test_it_deletes_an_article_that_no_position_cites(superuser_client, db):
    article = ArticleFactory()

    response = superuser_client.post(
        f"/admin/positions/article/{article.pk}/delete/", {"post": "yes"}
    )

    assert response.status_code == 302
    assert not Article.objects.filter(pk=article.pk).exists()
