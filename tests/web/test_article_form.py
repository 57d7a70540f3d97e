"""The analyst's main form: an article and, inline, the positions it reports.

Each test reads the rendered form first, as a browser would, and posts it
back with the analyst's entries.
"""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.html import parse_html
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actors.models import Actor
from positions.models import Article, Position, Proposal
from positions.services import position_update
from tests.factories import PositionFactory, UserFactory
from tests.html import elements, text

D = datetime.date.fromisoformat

CREATE_URL = reverse("positions:article-create")
NEW_ARTICLE = {
    "url": "https://www.state.gov/remarks-2019-03-29",
    "title": "Remarks on North Korea",
    "outlet": "State Department",
    "published_on": "2019-03-29",
}


def _edit_url(article):
    return reverse("positions:article-edit", args=[article.pk])


def _fields(node):
    """The controls a browser submits, outside the JavaScript row template."""
    for child in getattr(node, "children", []):
        if isinstance(child, str) or child.name == "template":
            continue
        if child.name in ("input", "select", "textarea"):
            yield child
        else:
            yield from _fields(child)


def _form_data(response) -> dict:
    """What submitting the article form unchanged would post."""
    assert response.status_code == 200
    [form] = elements(parse_html(response.text), "form", "article-form")
    data = {}
    for field in _fields(form):
        attributes = dict(field.attributes)
        name = attributes.get("name")
        if name is None:
            continue
        if field.name == "textarea":
            data[name] = text(field)
        elif field.name == "select":
            options = list(elements(field, "option"))
            chosen = [o for o in options if "selected" in dict(o.attributes)]
            data[name] = dict((chosen or options)[0].attributes)["value"]
        elif attributes.get("type") == "checkbox":
            if "checked" in attributes:
                data[name] = attributes.get("value", "on")
        else:
            data[name] = attributes.get("value") or ""
    return data


def _row(data, index, **values) -> dict:
    """Fill row ``index``, which has the same fields as row 0."""
    names = [key.removeprefix("positions-0-") for key in data if "positions-0-" in key]
    row = {f"positions-{index}-{name}": "" for name in names}
    row[f"positions-{index}-confidence"] = "2"
    row |= {f"positions-{index}-{name}": value for name, value in values.items()}
    return row


def _new_form(client, rows=1, **article) -> dict:
    data = _form_data(client.get(CREATE_URL))
    data |= NEW_ARTICLE | article
    data["positions-TOTAL_FORMS"] = str(rows)
    return data


def _field_errors(response, name) -> list[str]:
    """Error messages shown next to the input called ``name``."""
    for field in elements(parse_html(response.text), "div", "field"):
        if any(dict(c.attributes).get("name") == name for c in _fields(field)):
            return [text(p) for p in elements(field, "p", "error")]
    raise AssertionError(f"no field {name}")


def _row_errors(response, index) -> list[str]:
    """Errors about row ``index`` as a whole, shown at its top."""
    [row] = [
        fieldset
        for fieldset in elements(parse_html(response.text), "fieldset")
        if dict(fieldset.attributes).get("id") == f"positions-{index}-row"
    ]
    return [
        text(child)
        for child in row.children
        if not isinstance(child, str)
        and child.name == "p"
        and "error" in dict(child.attributes).get("class", "")
    ]


def _errors(response) -> list[str]:
    return [text(p) for p in elements(parse_html(response.text), "p", "error")]


def _counts():
    return Article.objects.count(), Position.objects.count()


def test_it_saves_an_article_with_two_positions_in_one_post(
    korea_case, analyst_client, analyst
):
    korea_case.rok.aliases = ["Republic of Korea"]
    korea_case.rok.save()
    data = _new_form(analyst_client, rows=2)
    data |= _row(
        data,
        0,
        speaker="mike-pompeo",
        proposal="Big deal",
        stance="2",
        stated_on="2019-03-29",
        quote="We want a big deal",
    )
    data |= _row(
        data,
        1,
        actor="Republic of Korea",
        proposal="road-map",
        stance="1",
        stated_on="2019-03-28",
        confidence="3",
    )
    articles, positions = _counts()

    response = analyst_client.post(CREATE_URL, data)

    article = Article.objects.get(title="Remarks on North Korea")
    assert response.status_code == 302
    assert response.url == reverse("positions:article-detail", args=[article.pk])
    assert _counts() == (articles + 1, positions + 2)
    assert (article.outlet, article.published_on) == (
        "State Department",
        D("2019-03-29"),
    )
    assert article.added_by == analyst
    pompeo, rok = article.positions.order_by("id")
    assert (pompeo.actor, pompeo.speaker, pompeo.proposal) == (
        korea_case.us,
        korea_case.pompeo,
        korea_case.big_deal,
    )
    assert (pompeo.stance, pompeo.stated_on, pompeo.quote) == (
        2,
        D("2019-03-29"),
        "We want a big deal",
    )
    assert (rok.actor, rok.proposal, rok.stance, rok.confidence) == (
        korea_case.rok,
        korea_case.road_map,
        1,
        3,
    )
    assert {pompeo.recorded_by, rok.recorded_by} == {analyst}
    follow = analyst_client.get(response.url)
    assert "Saved the article and its positions." in follow.text


@pytest.mark.parametrize("name", ["north-korea", "North Korea", "dprk", "Pyongyang"])
def test_it_takes_an_actor_by_slug_name_short_name_or_alias(
    korea_case, analyst_client, name
):
    korea_case.dprk.aliases = ["Pyongyang"]
    korea_case.dprk.save()
    data = _new_form(analyst_client)
    data |= _row(data, 0, actor=name, proposal="phased-deal", stance="2")
    data["positions-0-stated_on"] = "2019-03-29"

    response = analyst_client.post(CREATE_URL, data)

    assert response.status_code == 302
    [position] = Article.objects.get(title="Remarks on North Korea").positions.all()
    assert position.actor == korea_case.dprk


def test_it_refuses_a_position_stated_two_days_after_publication(
    korea_case, analyst_client
):
    data = _new_form(analyst_client, rows=2)
    data |= _row(data, 0, actor="us", proposal="big-deal", stance="2")
    data["positions-0-stated_on"] = "2019-03-30"  # one day after: allowed
    data |= _row(data, 1, actor="us", proposal="road-map", stance="1")
    data["positions-1-stated_on"] = "2019-03-31"  # two days after
    before = _counts()

    response = analyst_client.post(CREATE_URL, data)

    assert response.status_code == 200
    assert _counts() == before
    assert not Article.objects.filter(title="Remarks on North Korea").exists()
    [message] = _field_errors(response, "positions-1-stated_on")
    assert "at most one day after its source" in message
    assert "2019-03-31" in message
    assert _field_errors(response, "positions-0-stated_on") == []
    # What was typed is shown again.
    assert _form_data(response)["positions-1-proposal"] == "road-map"


def test_it_checks_a_stated_date_against_the_new_publication_date_on_edit(
    korea_case, analyst_client
):
    data = _form_data(analyst_client.get(_edit_url(korea_case.herald)))
    data["published_on"] = "2019-03-10"  # before the positions of 03-28
    before = _counts()

    response = analyst_client.post(_edit_url(korea_case.herald), data)

    assert response.status_code == 200
    assert _counts() == before
    korea_case.herald.refresh_from_db()
    assert korea_case.herald.published_on == D("2019-03-28")
    assert any("at most one day after" in e for e in _errors(response))


def test_it_refuses_a_person_as_the_side(korea_case, analyst_client):
    data = _new_form(analyst_client)
    data |= _row(
        data,
        0,
        actor="mike-pompeo",
        proposal="big-deal",
        stance="2",
        stated_on="2019-03-29",
    )
    before = _counts()

    response = analyst_client.post(CREATE_URL, data)

    assert response.status_code == 200
    assert _counts() == before
    [message] = _field_errors(response, "positions-0-actor")
    assert "is a person, and a person is never a side" in message


def test_it_refuses_a_speaker_without_an_affiliation_on_that_day(
    korea_case, analyst_client
):
    data = _new_form(analyst_client, published_on="2017-01-10")
    data |= _row(
        data,
        0,
        speaker="Mike Pompeo",
        proposal="big-deal",
        stance="2",
        stated_on="2017-01-10",
    )
    before = _counts()

    response = analyst_client.post(CREATE_URL, data)

    assert response.status_code == 200
    assert _counts() == before
    assert any("had no affiliation on 2017-01-10" in e for e in _errors(response))


def test_it_refuses_two_identical_rows(korea_case, analyst_client):
    data = _new_form(analyst_client, rows=2)
    for index in (0, 1):
        data |= _row(
            data,
            index,
            actor="us",
            proposal="big-deal",
            stance="2",
            stated_on="2019-03-29",
        )
    before = _counts()

    response = analyst_client.post(CREATE_URL, data)

    assert response.status_code == 200
    assert _counts() == before
    assert _row_errors(response, 1) == [
        "Two of these positions are the same (positions 1 and 2: same side, "
        "proposal, speaker and date). Keep one of them."
    ]
    assert _row_errors(response, 0) == []


def test_it_refuses_a_row_identical_to_a_saved_position(korea_case, analyst_client):
    data = _form_data(analyst_client.get(_edit_url(korea_case.herald)))
    last = int(data["positions-TOTAL_FORMS"]) - 1
    data |= _row(data, last, actor="us", proposal="big-deal", stance="1")
    data[f"positions-{last}-stated_on"] = "2019-03-28"
    before = _counts()

    response = analyst_client.post(_edit_url(korea_case.herald), data)

    assert response.status_code == 200
    assert _counts() == before
    assert any("already has this position" in e for e in _errors(response))


def test_it_names_an_unknown_actor(korea_case, analyst_client):
    data = _new_form(analyst_client)
    data |= _row(
        data,
        0,
        actor="Atlantis",
        proposal="big-deal",
        stance="2",
        stated_on="2019-03-29",
    )
    before = _counts()

    response = analyst_client.post(CREATE_URL, data)

    assert response.status_code == 200
    assert _counts() == before
    assert "No actor is called “Atlantis” (by name, short name or alias)." in (
        _field_errors(response, "positions-0-actor")
    )


def test_it_does_not_ask_for_a_side_when_an_unknown_one_was_typed(
    korea_case, analyst_client
):
    data = _new_form(analyst_client)
    data |= _row(
        data,
        0,
        actor="Atlantis",
        proposal="big-deal",
        stance="2",
        stated_on="2019-03-29",
    )

    response = analyst_client.post(CREATE_URL, data)

    assert _field_errors(response, "positions-0-actor") == [
        "No actor is called “Atlantis” (by name, short name or alias)."
    ]


def test_it_names_an_unknown_proposal(korea_case, analyst_client):
    data = _new_form(analyst_client)
    data |= _row(
        data,
        0,
        actor="us",
        proposal="Grand bargain",
        stance="2",
        stated_on="2019-03-29",
    )
    before = _counts()

    response = analyst_client.post(CREATE_URL, data)

    assert _counts() == before
    assert _field_errors(response, "positions-0-proposal") == [
        "No proposal is called “Grand bargain”."
    ]


def test_it_asks_which_actor_an_ambiguous_name_means(korea_case, analyst_client):
    korea_case.dprk.aliases = ["Korea"]
    korea_case.dprk.save()
    korea_case.rok.aliases = ["Korea"]
    korea_case.rok.save()
    data = _new_form(analyst_client)
    data |= _row(
        data, 0, actor="Korea", proposal="big-deal", stance="2", stated_on="2019-03-29"
    )
    before = _counts()

    response = analyst_client.post(CREATE_URL, data)

    assert _counts() == before
    assert any(
        "“Korea” names several actors (north-korea, south-korea)" in message
        for message in _field_errors(response, "positions-0-actor")
    )


def test_it_adds_a_row_without_javascript_and_saves_nothing(korea_case, analyst_client):
    data = _new_form(analyst_client)
    data |= _row(
        data, 0, actor="us", proposal="big-deal", stance="2", stated_on="2019-03-29"
    )
    data["add_row"] = "1"
    before = _counts()

    response = analyst_client.post(CREATE_URL, data)

    assert response.status_code == 200
    assert _counts() == before
    shown = _form_data(response)
    assert shown["positions-TOTAL_FORMS"] == "2"
    assert shown["positions-0-actor"] == "us"
    assert shown["positions-0-stated_on"] == "2019-03-29"
    assert shown["positions-1-actor"] == ""
    assert shown["title"] == "Remarks on North Korea"


def test_it_adds_a_blank_row_without_error_messages(korea_case, analyst_client):
    data = _new_form(analyst_client)
    data |= _row(
        data, 0, actor="us", proposal="big-deal", stance="2", stated_on="2019-03-29"
    )
    data["add_row"] = "1"

    response = analyst_client.post(CREATE_URL, data)

    assert _errors(response) == []


def test_it_saves_a_row_added_without_javascript(korea_case, analyst_client):
    data = _new_form(analyst_client)
    data |= _row(
        data, 0, actor="us", proposal="big-deal", stance="2", stated_on="2019-03-29"
    )
    data["add_row"] = "1"
    data = _form_data(analyst_client.post(CREATE_URL, data))
    data |= _row(
        data, 1, actor="dprk", proposal="big-deal", stance="-2", stated_on="2019-03-29"
    )
    articles, positions = _counts()

    response = analyst_client.post(CREATE_URL, data)

    assert response.status_code == 302
    assert _counts() == (articles + 1, positions + 2)


def test_it_sends_anonymous_visitors_to_the_login_page(korea_case, client):
    data = NEW_ARTICLE | {"positions-TOTAL_FORMS": "0", "positions-INITIAL_FORMS": "0"}
    before = _counts()

    get = client.get(CREATE_URL)
    post = client.post(CREATE_URL, data)
    edit = client.get(_edit_url(korea_case.herald))

    for response, path in ((get, CREATE_URL), (post, CREATE_URL)):
        assert response.status_code == 302
        assert response.url == f"/accounts/login/?next={path}"
    assert edit.status_code == 302
    assert edit.url.startswith("/accounts/login/")
    assert _counts() == before


def test_it_forbids_users_without_permission(korea_case, client):
    client.force_login(UserFactory(username="reader"))
    data = NEW_ARTICLE | {"positions-TOTAL_FORMS": "0", "positions-INITIAL_FORMS": "0"}
    before = _counts()

    assert client.get(CREATE_URL).status_code == 403
    assert client.post(CREATE_URL, data).status_code == 403
    assert client.get(_edit_url(korea_case.herald)).status_code == 403
    assert client.post(_edit_url(korea_case.herald), data).status_code == 403
    assert _counts() == before
    korea_case.herald.refresh_from_db()
    assert korea_case.herald.title.startswith("South Korean nuclear envoy")


def test_it_offers_removing_positions_to_curators_only(
    korea_case, client, analyst, curator
):
    client.force_login(analyst)
    as_analyst = client.get(_edit_url(korea_case.herald))
    client.force_login(curator)
    as_curator = client.get(_edit_url(korea_case.herald))

    assert "Remove this position" not in as_analyst.text
    assert not any(key.endswith("-DELETE") for key in _form_data(as_analyst))
    assert "Remove this position" in as_curator.text
    removable = [
        dict(field.attributes)["name"]
        for field in _fields(parse_html(as_curator.text))
        if dict(field.attributes).get("name", "").endswith("-DELETE")
    ]
    assert len(removable) == 5  # 4 saved positions and the extra row


def test_it_ignores_a_remove_box_posted_by_an_analyst(korea_case, analyst_client):
    data = _form_data(analyst_client.get(_edit_url(korea_case.herald)))
    data["positions-0-DELETE"] = "on"
    before = _counts()

    response = analyst_client.post(_edit_url(korea_case.herald), data)

    assert response.status_code == 302
    assert _counts() == before


def test_it_lets_a_curator_remove_a_position(korea_case, curator_client):
    data = _form_data(curator_client.get(_edit_url(korea_case.herald)))
    [row] = [
        key.removesuffix("-id")
        for key, value in data.items()
        if key.endswith("-id") and value == str(korea_case.dprk_big_deal.pk)
    ]
    data[f"{row}-DELETE"] = "on"
    articles, positions = _counts()

    response = curator_client.post(_edit_url(korea_case.herald), data)

    assert response.status_code == 302
    assert _counts() == (articles, positions - 1)
    assert not Position.objects.filter(pk=korea_case.dprk_big_deal.pk).exists()
    assert Position.history.filter(
        id=korea_case.dprk_big_deal.pk, history_type="-"
    ).exists()


def test_it_saves_an_edited_position_with_a_new_version(
    korea_case, analyst_client, analyst
):
    data = _form_data(analyst_client.get(_edit_url(korea_case.herald)))
    [row] = [
        key.removesuffix("-id")
        for key, value in data.items()
        if key.endswith("-id") and value == str(korea_case.us_big_deal.pk)
    ]
    data[f"{row}-stance"] = "1"
    data["summary"] = "Seoul's envoy"

    response = analyst_client.post(_edit_url(korea_case.herald), data)

    assert response.status_code == 302
    position = Position.objects.get(pk=korea_case.us_big_deal.pk)
    assert (position.stance, position.version) == (1, 2)
    korea_case.herald.refresh_from_db()
    assert korea_case.herald.summary == "Seoul's envoy"
    assert position.history.latest().history_user == analyst


def test_it_leaves_untouched_positions_alone(korea_case, analyst_client):
    data = _form_data(analyst_client.get(_edit_url(korea_case.herald)))
    data["summary"] = "Seoul's envoy"
    versions = dict(Position.objects.values_list("pk", "version"))
    history = Position.history.count()

    response = analyst_client.post(_edit_url(korea_case.herald), data)

    assert response.status_code == 302
    assert dict(Position.objects.values_list("pk", "version")) == versions
    assert Position.history.count() == history


def _changed_meanwhile(response) -> list[str]:
    """The lines of the panel saying what someone else saved meanwhile."""
    panels = list(elements(parse_html(response.text), "div", "conflict"))
    if not panels:
        return []
    [panel] = panels
    assert dict(panel.attributes)["role"] == "alert"
    return [
        text(item) for item in elements(panel, "li") if not list(elements(item, "ul"))
    ]


def _position_row(data, position) -> str:
    [row] = [
        key.removesuffix("-id")
        for key, value in data.items()
        if key.endswith("-id") and value == str(position.pk)
    ]
    return row


def test_it_keeps_what_was_typed_when_someone_else_saved_the_article_meanwhile(
    korea_case, analyst_client
):
    data = _form_data(analyst_client.get(_edit_url(korea_case.herald)))
    loaded_title = data["title"]
    # Someone else saves the article after this form was loaded.
    herald = Article.objects.get(pk=korea_case.herald.pk)
    herald.title = "Envoy to propose phased approach (corrected)"
    herald.summary = "Their summary"
    herald.save()
    data["title"] = "My title"
    row = _position_row(data, korea_case.dprk_big_deal)
    data[f"{row}-stance"] = "0"
    versions = dict(Position.objects.values_list("pk", "version"))
    stances = dict(Position.objects.values_list("pk", "stance"))
    before = _counts()

    response = analyst_client.post(_edit_url(korea_case.herald), data)

    assert response.status_code == 200
    # Nothing saved.
    herald.refresh_from_db()
    assert herald.title == "Envoy to propose phased approach (corrected)"
    assert _counts() == before
    assert dict(Position.objects.values_list("pk", "version")) == versions
    assert dict(Position.objects.values_list("pk", "stance")) == stances
    # What was typed is kept; what only they changed is taken into the form.
    shown = _form_data(response)
    assert shown["title"] == "My title"
    assert shown[f"{row}-stance"] == "0"
    assert shown["summary"] == "Their summary"
    assert _changed_meanwhile(response) == [
        f"Title: was “{loaded_title}”, now “Envoy to propose phased approach "
        "(corrected)”; your “My title” is kept",
        f"Summary: was “{korea_case.herald.summary or '—'}”, now “Their summary”, "
        "now in the form",
    ]
    # The form shown now is based on the other person's save: it can be saved.
    assert shown["loaded_at"] == herald.updated_at.isoformat()
    saved = analyst_client.post(_edit_url(korea_case.herald), shown)
    assert saved.status_code == 302
    herald.refresh_from_db()
    assert (herald.title, herald.summary) == ("My title", "Their summary")
    assert Position.objects.get(pk=korea_case.dprk_big_deal.pk).stance == 0


def test_it_keeps_what_was_typed_when_someone_else_saved_a_position_meanwhile(
    korea_case, analyst_client, curator
):
    position = korea_case.us_big_deal
    data = _form_data(analyst_client.get(_edit_url(korea_case.herald)))
    row = _position_row(data, position)
    number = int(row.removeprefix("positions-")) + 1
    position_update(
        position_id=position.pk,
        expected_version=position.version,
        changes={"stance": 1},
        by=curator,
    )
    data[f"{row}-quote"] = "my reading"
    before = _counts()

    response = analyst_client.post(_edit_url(korea_case.herald), data)

    assert response.status_code == 200
    assert _counts() == before
    position.refresh_from_db()
    assert (position.stance, position.quote, position.version) == (
        1,
        korea_case.us_big_deal.quote,
        2,
    )
    shown = _form_data(response)
    assert (shown[f"{row}-quote"], shown[f"{row}-stance"]) == ("my reading", "1")
    assert shown[f"{row}-version"] == "2"
    assert _changed_meanwhile(response) == [
        "Stance: was “demands / strongly supports”, now “supports / open to”, "
        "now in the form"
    ]
    assert f"Position {number}" in text(
        next(elements(parse_html(response.text), "div", "conflict"))
    )
    saved = analyst_client.post(_edit_url(korea_case.herald), shown)
    assert saved.status_code == 302
    position.refresh_from_db()
    assert (position.stance, position.quote, position.version) == (1, "my reading", 3)


def test_it_answers_404_when_editing_an_unknown_article(db, analyst_client):
    assert (
        analyst_client.get(reverse("positions:article-edit", args=[999])).status_code
        == 404
    )


def _edit_form_queries(client, article) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(_edit_url(article))
    assert response.status_code == 200
    return len(queries)


def test_it_renders_the_edit_form_in_a_fixed_number_of_queries(
    korea_case, analyst_client
):
    with_four = _edit_form_queries(analyst_client, korea_case.herald)
    for day in range(1, 21):
        PositionFactory(
            actor=korea_case.us,
            proposal=korea_case.phased,
            article=korea_case.herald,
            stated_on=D("2019-03-01") + datetime.timedelta(days=day),
        )

    with_twenty_four = _edit_form_queries(analyst_client, korea_case.herald)

    assert with_twenty_four == with_four


@pytest.mark.parametrize("typed", ["Pompeo", "pompeo", "Mike Pompeo", "mike-pompeo"])
def test_it_accepts_the_speaker_it_suggests_for_part_of_a_name(
    korea_case, analyst_client, typed
):
    # What the speaker input suggests: the API's search among persons.
    suggested = analyst_client.get(
        "/api/v1/actors/", {"kind": "person", "search": typed.replace("-", " ")}
    ).json()["results"]
    data = _new_form(analyst_client)
    data |= _row(
        data, 0, speaker=typed, proposal="big-deal", stance="2", stated_on="2019-03-29"
    )

    response = analyst_client.post(CREATE_URL, data)

    assert response.status_code == 302, _errors(response)
    [position] = Article.objects.get(title="Remarks on North Korea").positions.all()
    assert position.speaker == korea_case.pompeo
    assert [actor["slug"] for actor in suggested] == [korea_case.pompeo.slug]


def test_it_accepts_the_proposal_it_suggests_for_part_of_a_title(
    korea_case, analyst_client
):
    data = _new_form(analyst_client)
    data |= _row(
        data, 0, actor="US", proposal="big", stance="2", stated_on="2019-03-29"
    )

    response = analyst_client.post(CREATE_URL, data)

    assert response.status_code == 302, _errors(response)
    [position] = Article.objects.get(title="Remarks on North Korea").positions.all()
    assert position.proposal == korea_case.big_deal


def test_it_names_the_suggestions_when_part_of_a_name_fits_several(
    korea_case, analyst_client
):
    data = _new_form(analyst_client)
    # "Korea" is in both Koreas' names: the page suggests both, takes neither.
    data |= _row(
        data, 0, actor="korea", proposal="big-deal", stance="2", stated_on="2019-03-29"
    )
    before = _counts()

    response = analyst_client.post(CREATE_URL, data)

    assert response.status_code == 200
    assert _counts() == before
    assert _field_errors(response, "positions-0-actor") == [
        "“korea” names several actors (north-korea, south-korea); type one of these."
    ]


def _legends(response) -> list[str]:
    """The headings of the position rows shown, outside the row template."""
    [form] = elements(parse_html(response.text), "form", "article-form")
    rows = [
        child
        for child in form.children
        if not isinstance(child, str)
        and dict(child.attributes).get("id") == "position-rows"
    ]
    return [text(legend) for row in rows for legend in elements(row, "legend")]


def _summary(response) -> list[tuple[str, str | None]]:
    """The error summary's entries: their text and where each links to."""
    summaries = list(elements(parse_html(response.text), "div", "error-summary"))
    if not summaries:
        return []
    [summary] = summaries
    assert dict(summary.attributes)["role"] == "alert"
    assert dict(summary.attributes)["tabindex"] == "-1"
    entries = []
    for item in elements(summary, "li"):
        links = list(elements(item, "a"))
        entries.append(
            (text(item), dict(links[0].attributes)["href"] if links else None)
        )
    return entries


def test_it_numbers_the_rows(korea_case, analyst_client):
    response = analyst_client.get(_edit_url(korea_case.herald))

    # Four saved positions and the extra row.
    assert _legends(response) == [f"Position {n}" for n in range(1, 6)]


def test_it_lists_every_error_at_the_top_with_a_link_to_its_field(
    korea_case, analyst_client
):
    data = _new_form(analyst_client, rows=2, title="")
    data |= _row(data, 0, actor="us", proposal="big-deal", stance="2")
    data |= _row(data, 1, actor="Atlantis", proposal="Grand bargain", stance="1")

    response = analyst_client.post(CREATE_URL, data)

    assert response.status_code == 200
    assert _summary(response) == [
        ("Title: This field is required.", "#id_title"),
        (
            "Position 2, Side: No actor is called “Atlantis” (by name, short name "
            "or alias).",
            "#id_positions-1-actor",
        ),
        (
            "Position 2, Proposal: No proposal is called “Grand bargain”.",
            "#id_positions-1-proposal",
        ),
    ]
    # Each link leads to an input of the page.
    ids = {
        dict(field.attributes).get("id") for field in _fields(parse_html(response.text))
    }
    assert {"id_title", "id_positions-1-actor", "id_positions-1-proposal"} <= ids


def test_it_links_a_row_error_to_its_row(korea_case, analyst_client):
    data = _new_form(analyst_client, rows=2)
    for index in (0, 1):
        data |= _row(data, index, actor="us", proposal="big-deal", stance="2")

    response = analyst_client.post(CREATE_URL, data)

    assert _summary(response) == [
        (
            "Position 2: Two of these positions are the same (positions 1 and 2: "
            "same side, proposal, speaker and date). Keep one of them.",
            "#positions-1-row",
        )
    ]


def test_it_shows_no_error_summary_before_a_save(korea_case, analyst_client):
    data = _new_form(analyst_client)
    data["add_row"] = "1"

    assert _summary(analyst_client.get(CREATE_URL)) == []
    assert _summary(analyst_client.post(CREATE_URL, data)) == []


def test_it_takes_the_articles_date_when_stated_on_is_left_empty(
    korea_case, analyst_client
):
    data = _new_form(analyst_client)
    data |= _row(data, 0, actor="us", proposal="big-deal", stance="2")

    response = analyst_client.post(CREATE_URL, data)

    assert response.status_code == 302, _summary(response)
    [position] = Article.objects.get(title="Remarks on North Korea").positions.all()
    assert position.stated_on == D("2019-03-29")


def test_it_asks_for_a_date_when_the_article_has_none(korea_case, analyst_client):
    data = _new_form(analyst_client, published_on="")
    data |= _row(data, 0, actor="us", proposal="big-deal", stance="2")
    before = _counts()

    response = analyst_client.post(CREATE_URL, data)

    assert _counts() == before
    assert _field_errors(response, "positions-0-stated_on") == [
        "Enter the date, or the article's publication date to use it here."
    ]


def test_it_carries_the_speaker_and_date_into_an_added_row(korea_case, analyst_client):
    data = _new_form(analyst_client)
    data |= _row(
        data,
        0,
        speaker="Mike Pompeo",
        proposal="big-deal",
        stance="2",
        stated_on="2019-03-28",
        quote="a big deal",
    )
    data["add_row"] = "1"

    shown = _form_data(analyst_client.post(CREATE_URL, data))

    assert (shown["positions-1-speaker"], shown["positions-1-stated_on"]) == (
        "Mike Pompeo",
        "2019-03-28",
    )
    assert (shown["positions-1-proposal"], shown["positions-1-quote"]) == ("", "")


def test_it_leaves_out_a_new_row_holding_only_what_it_carried(
    korea_case, analyst_client
):
    data = _new_form(analyst_client)
    data |= _row(
        data, 0, speaker="Mike Pompeo", proposal="big-deal", stance="2", quote="x"
    )
    data["add_row"] = "1"
    data = _form_data(analyst_client.post(CREATE_URL, data))
    articles, positions = _counts()

    response = analyst_client.post(CREATE_URL, data)

    assert response.status_code == 302, _summary(response)
    assert _counts() == (articles + 1, positions + 1)


def test_it_duplicates_a_row_without_javascript(korea_case, analyst_client):
    data = _new_form(analyst_client, rows=2)
    data |= _row(
        data,
        0,
        speaker="Mike Pompeo",
        proposal="big-deal",
        stance="2",
        stated_on="2019-03-28",
        quote="a big deal",
    )
    data |= _row(data, 1, actor="dprk", proposal="road-map", stance="-1")
    data["duplicate_row"] = "0"

    response = analyst_client.post(CREATE_URL, data)

    shown = _form_data(response)
    assert _legends(response) == ["Position 1", "Position 2", "Position 3"]
    assert {
        name: shown[f"positions-2-{name}"]
        for name in ("speaker", "proposal", "stance", "stated_on", "quote")
    } == {
        "speaker": "Mike Pompeo",
        "proposal": "big-deal",
        "stance": "2",
        "stated_on": "2019-03-28",
        "quote": "a big deal",
    }
    assert shown["positions-1-actor"] == "dprk"


def test_it_does_not_copy_which_saved_position_a_duplicate_came_from(
    korea_case, analyst_client
):
    data = _form_data(analyst_client.get(_edit_url(korea_case.herald)))
    data["duplicate_row"] = "0"

    shown = _form_data(analyst_client.post(_edit_url(korea_case.herald), data))

    last = int(shown["positions-TOTAL_FORMS"]) - 1
    assert shown[f"positions-{last}-proposal"] == shown["positions-0-proposal"] != ""
    assert (shown[f"positions-{last}-id"], shown[f"positions-{last}-version"]) == (
        "",
        "",
    )


def _buttons(response) -> dict[str, str]:
    """The submit buttons of the page by their text, with the value each posts."""
    return {
        text(button): dict(button.attributes).get("value", "")
        for button in elements(parse_html(response.text), "button")
        if dict(button.attributes).get("name") == "add_missing"
    }


def _with_unknown_speaker_and_proposal(client):
    data = _new_form(client)
    data |= _row(
        data,
        0,
        speaker="Choe Son-hui",
        actor="DPRK",
        proposal="Freeze for freeze",
        stance="-1",
        quote="we have no intention to yield",
    )
    return data


def test_it_offers_a_curator_to_add_a_missing_speaker_and_proposal(
    korea_case, curator_client
):
    response = curator_client.post(
        CREATE_URL, _with_unknown_speaker_and_proposal(curator_client)
    )

    assert _buttons(response) == {
        "Add “Choe Son-hui” as a new person": "positions-0-speaker",
        "Add “Freeze for freeze” as a new proposal": "positions-0-proposal",
    }


def test_it_offers_an_analyst_nothing_to_add(korea_case, analyst_client):
    response = analyst_client.post(
        CREATE_URL, _with_unknown_speaker_and_proposal(analyst_client)
    )

    assert _buttons(response) == {}


def test_it_ignores_an_add_request_from_an_analyst(korea_case, analyst_client):
    data = _with_unknown_speaker_and_proposal(analyst_client)
    data["add_missing"] = "positions-0-speaker"
    actors = Actor.objects.count()

    response = analyst_client.post(CREATE_URL, data)

    assert response.status_code == 200
    assert Actor.objects.count() == actors


def test_it_offers_an_analyst_whose_group_may_add_actors(
    korea_case, analyst_client, analysts
):
    analysts.permissions.add(Permission.objects.get(codename="add_actor"))

    response = analyst_client.post(
        CREATE_URL, _with_unknown_speaker_and_proposal(analyst_client)
    )

    assert list(_buttons(response)) == ["Add “Choe Son-hui” as a new person"]


def test_it_adds_the_missing_speaker_and_proposal_and_keeps_the_form(
    korea_case, curator_client
):
    data = _with_unknown_speaker_and_proposal(curator_client)
    data["add_missing"] = "positions-0-speaker"
    before = _counts()

    response = curator_client.post(CREATE_URL, data)

    choe = Actor.objects.get(name="Choe Son-hui")
    assert choe.kind == Actor.Kind.PERSON
    assert "Added “Choe Son-hui” as a new person." in response.text
    assert _counts() == before  # the article waits for Save
    shown = _form_data(response)
    assert (shown["title"], shown["positions-0-quote"]) == (
        "Remarks on North Korea",
        "we have no intention to yield",
    )
    assert _field_errors(response, "positions-0-speaker") == []

    shown["add_missing"] = "positions-0-proposal"
    shown["positions-0-new-proposal-negotiation"] = str(korea_case.talks.pk)
    response = curator_client.post(CREATE_URL, shown)

    proposal = Proposal.objects.get(title="Freeze for freeze")
    assert proposal.negotiation == korea_case.talks
    assert "Added “Freeze for freeze” as a new proposal." in response.text
    saved = curator_client.post(CREATE_URL, _form_data(response))
    assert saved.status_code == 302, _summary(saved)
    [position] = Article.objects.get(title="Remarks on North Korea").positions.all()
    assert (position.speaker, position.proposal, position.actor) == (
        choe,
        proposal,
        korea_case.dprk,
    )


def test_a_duplicate_address_names_and_links_the_article_recorded(
    korea_case, analyst_client
):
    herald = korea_case.herald
    data = _new_form(
        analyst_client,
        rows=0,
        url=herald.url.replace("https://www.", "https://WWW.") + "#top",
    )
    before = _counts()

    response = analyst_client.post(CREATE_URL, data)

    [error] = _field_errors(response, "url")
    assert f"as “{herald.title}” (The Korea Herald, 2019-03-28)" in error
    page = parse_html(response.text)
    [link] = [
        a for a in elements(page, "a") if text(a) == "Open the article already recorded"
    ]
    assert dict(link.attributes)["href"] == reverse(
        "positions:article-detail", args=[herald.pk]
    )
    assert _counts() == before
