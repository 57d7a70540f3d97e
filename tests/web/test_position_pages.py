import datetime

import time_machine
from django.test.html import parse_html
from django.urls import reverse

from positions import services
from positions.models import Position
from positions.services import position_update
from tests.factories import UserFactory
from tests.html import elements, text

D = datetime.date.fromisoformat

POSITION_PAGE_QUERY_COUNT = 2


def _url(position, name="position-detail"):
    return reverse(f"positions:{name}", args=[position.pk])


def _history(response) -> list[list[str]]:
    [table] = elements(parse_html(response.text), "table", "compact")
    rows = [[text(td) for td in elements(tr, "td")] for tr in elements(table, "tr")]
    return [row for row in rows if row]


def _edit_data(position, **changes) -> dict:
    """The edit form of ``position`` as rendered, with ``changes``."""
    data = {
        "version": str(position.version),
        "speaker": position.speaker.slug if position.speaker_id else "",
        "actor": position.actor.slug,
        "proposal": position.proposal.slug,
        "stance": str(position.stance),
        "stated_on": position.stated_on.isoformat(),
        "confidence": str(position.confidence),
        "quote": position.quote,
        "note": position.note,
    }
    return data | changes


def _stored(position):
    row = Position.objects.get(pk=position.pk)
    return row.version, row.stance, row.quote, row.note


def _message(response) -> str:
    [message] = elements(parse_html(response.text), "li", "message")
    return text(message)


def test_it_shows_how_to_cite_the_position(korea_case, client):
    position = korea_case.dprk_big_deal

    with time_machine.travel(
        datetime.datetime(2026, 12, 4, 21, 30, tzinfo=datetime.UTC), tick=False
    ):
        response = client.get(_url(position))

    assert response.status_code == 200
    page = parse_html(response.text)
    [citation] = elements(page, "textarea", "citation")
    [apa] = elements(page, "textarea", "citation-apa")
    [bibtex] = elements(page, "textarea", "citation-bibtex")
    assert text(citation) == (
        "North Korea: rejects outright on “Big deal” (2019-03-15). Source: "
        "“South Korean nuclear envoy to propose ‘phased denuke approach’”, "
        "The Korea Herald, 2019-03-28, "
        "https://www.koreaherald.com/view.php?ud=20190328000716. "
        f"Stance tracker, position {position.pk} (version 1), "
        f"http://testserver/positions/{position.pk}/ Retrieved 2026-12-04 21:30 UTC."
    )
    assert text(apa).startswith(
        f"Stance tracker contributors. (2026). Position {position.pk}: North Korea"
    )
    assert "[Data set record]" in text(apa)
    assert text(bibtex).startswith(f"@misc{{stance_tracker_position_{position.pk},")
    assert "“threatened to pull out of nuclear negotiations”" in response.text


def test_it_names_the_speaker_and_authors_in_the_citation(korea_case, client):
    korea_case.herald.authors = "Ahn Sung-mi"
    korea_case.herald.save()
    position = Position.objects.create(
        actor=korea_case.us,
        speaker=korea_case.pompeo,
        proposal=korea_case.big_deal,
        article=korea_case.herald,
        stance=2,
        stated_on=D("2019-03-27"),
    )

    response = client.get(_url(position))

    assert (
        "United States: demands / strongly supports on “Big deal” (2019-03-27, "
        "as stated by Mike Pompeo). Source: Ahn Sung-mi, “South Korean" in response.text
    )


def test_it_shows_the_history_of_edits(korea_case, analyst_client):
    position = korea_case.dprk_big_deal
    analyst_client.post(
        _url(position, "position-edit"), _edit_data(position, stance="-1")
    )

    response = analyst_client.get(_url(position))

    history = _history(response)
    # Each edit says what it changed, field by field.
    assert [(row[0], row[2], row[3], row[4]) for row in history] == [
        ("1", "—", "Created", "Stance rejects outright"),
        ("2", "analyst", "Changed", "Stance: rejects outright → opposes / sceptical"),
    ]


def test_it_saves_an_edit_with_a_new_version(korea_case, analyst_client, analyst):
    position = korea_case.dprk_big_deal
    form = analyst_client.get(_url(position, "position-edit"))
    assert form.status_code == 200
    assert 'name="version" value="1"' in form.text

    response = analyst_client.post(
        _url(position, "position-edit"),
        _edit_data(position, stance="-1", note="softer tone"),
    )

    assert response.status_code == 302
    assert response.url == _url(position)
    assert _stored(position) == (2, -1, position.quote, "softer tone")
    assert Position.history.filter(id=position.pk).latest().history_user == analyst


def test_it_shows_a_rule_broken_by_an_edit_and_changes_nothing(
    korea_case, analyst_client
):
    position = korea_case.dprk_big_deal
    before = _stored(position)

    response = analyst_client.post(
        _url(position, "position-edit"), _edit_data(position, stated_on="2019-04-01")
    )

    assert response.status_code == 200
    assert "at most one day after its source" in response.text
    assert _stored(position) == before


def _field(page, tag, name):
    [field] = [
        field for field in elements(page, tag) if dict(field.attributes)["name"] == name
    ]
    return field


def _selected(page, name) -> str:
    [selected] = [
        dict(option.attributes)["value"]
        for option in elements(_field(page, "select", name), "option")
        if "selected" in dict(option.attributes)
    ]
    return selected


def test_it_refuses_an_edit_based_on_a_stale_version(
    korea_case, analyst_client, curator
):
    position = korea_case.dprk_big_deal
    stale = _edit_data(position, stance="0", note="mine", reason="my reading")
    # Someone else saves first.
    position_update(
        position_id=position.pk,
        expected_version=1,
        changes={"stance": -1, "note": "theirs", "quote": "their quote"},
        by=curator,
    )

    response = analyst_client.post(_url(position, "position-edit"), stale)

    # Nothing of the editor's is saved over the other edit.
    assert response.status_code == 409
    assert _stored(position) == (2, -1, "their quote", "theirs")
    page = parse_html(response.text)
    [panel] = elements(page, "div", "conflict")
    assert dict(panel.attributes)["role"] == "alert"
    assert "someone else saved this position while you were editing it" in text(panel)
    assert [
        text(item) for item in elements(panel, "li") if not list(elements(item, "ul"))
    ] == [
        "Stance: was “rejects outright”, now “opposes / sceptical”; your "
        "“+0 neutral / ambiguous” is kept",
        f"Quote: was “{position.quote}”, now “their quote”, now in the form",
        "Note: was “—”, now “theirs”; your “mine” is kept",
    ]
    # What was typed stays in the form; what only they changed is taken in.
    assert text(_field(page, "textarea", "note")) == "mine"
    assert _selected(page, "stance") == "0"
    assert text(_field(page, "textarea", "quote")) == "their quote"
    assert dict(_field(page, "input", "reason").attributes)["value"] == "my reading"
    # The form is now based on their version: saving it again stores it.
    assert dict(_field(page, "input", "version").attributes)["value"] == "2"
    again = analyst_client.post(
        _url(position, "position-edit"),
        _edit_data(position, version="2", stance="0", note="mine", quote="their quote"),
    )
    assert again.status_code == 302
    assert _stored(position) == (3, 0, "their quote", "mine")


def test_it_forbids_analysts_to_delete(korea_case, analyst_client):
    position = korea_case.dprk_big_deal

    get = analyst_client.get(_url(position, "position-delete"))
    post = analyst_client.post(_url(position, "position-delete"), {"version": "1"})

    assert (get.status_code, post.status_code) == (403, 403)
    assert Position.objects.filter(pk=position.pk).exists()


def test_it_forbids_readers_to_edit(korea_case, client):
    client.force_login(UserFactory(username="reader"))
    position = korea_case.dprk_big_deal

    response = client.post(
        _url(position, "position-edit"), _edit_data(position, stance="0")
    )

    assert response.status_code == 403
    assert _stored(position) == (1, -2, position.quote, "")


def test_it_sends_anonymous_editors_to_the_login_page(korea_case, client):
    position = korea_case.dprk_big_deal

    for name in ("position-edit", "position-delete"):
        response = client.post(_url(position, name), _edit_data(position, stance="0"))
        assert response.status_code == 302
        assert response.url == f"/accounts/login/?next={_url(position, name)}"
    assert _stored(position) == (1, -2, position.quote, "")


def test_it_lets_a_curator_confirm_and_delete(korea_case, curator_client, curator):
    position = korea_case.dprk_big_deal

    confirm = curator_client.get(_url(position, "position-delete"))
    response = curator_client.post(_url(position, "position-delete"), {"version": "1"})

    assert confirm.status_code == 200
    assert f"Delete position {position.pk}?" in confirm.text
    assert response.status_code == 302
    assert response.url == reverse(
        "positions:article-detail", args=[korea_case.herald.pk]
    )
    assert not Position.objects.filter(pk=position.pk).exists()
    deletion = Position.history.get(id=position.pk, history_type="-")
    assert deletion.history_user == curator
    assert deletion.stance == -2
    assert _message(curator_client.get(response.url)) == (
        f"Deleted position {position.pk}. Curators can restore it from the admin."
    )
    # Its address, perhaps cited, says it was deleted and shows its history.
    gone = curator_client.get(_url(position))
    assert gone.status_code == 410
    assert "This position was deleted" in gone.text
    assert [row[3] for row in _history(gone)] == ["Created", "Deleted"]


def test_it_refuses_to_delete_a_position_changed_meanwhile(korea_case, curator_client):
    position = korea_case.dprk_big_deal
    position_update(position_id=position.pk, expected_version=1, changes={"stance": 0})

    response = curator_client.post(_url(position, "position-delete"), {"version": "1"})

    assert response.status_code == 302
    assert response.url == _url(position)
    assert Position.objects.filter(pk=position.pk).exists()
    assert "changed by someone else (version 2)" in _message(
        curator_client.get(response.url)
    )


def _actions(response) -> list[str]:
    return [
        text(a)
        for paragraph in elements(parse_html(response.text), "p", "actions")
        for a in elements(paragraph, "a")
    ]


def test_it_shows_no_edit_or_delete_links_to_anonymous_visitors(korea_case, client):
    response = client.get(_url(korea_case.dprk_big_deal))

    assert _actions(response) == []
    assert _url(korea_case.dprk_big_deal, "position-edit") not in response.text


def test_it_shows_analysts_edit_but_not_delete(korea_case, analyst_client):
    response = analyst_client.get(_url(korea_case.dprk_big_deal))

    assert _actions(response) == ["Edit"]
    assert _url(korea_case.dprk_big_deal, "position-delete") not in response.text


def test_it_shows_curators_edit_and_delete(korea_case, curator_client):
    response = curator_client.get(_url(korea_case.dprk_big_deal))

    assert _actions(response) == ["Edit", "Delete"]


def test_it_answers_404_for_an_unknown_position(db, client):
    response = client.get(reverse("positions:position-detail", args=[999]))

    assert response.status_code == 404


def test_it_shows_a_position_in_a_fixed_number_of_queries(
    korea_case, analyst_client, django_assert_max_num_queries
):
    position = korea_case.dprk_big_deal
    for stance in (-1, 0, 1):
        current = Position.objects.get(pk=position.pk)
        analyst_client.post(
            _url(position, "position-edit"), _edit_data(current, stance=str(stance))
        )
    analyst_client.logout()

    with django_assert_max_num_queries(POSITION_PAGE_QUERY_COUNT):
        response = analyst_client.get(_url(position))

    assert len(_history(response)) == 4


def test_it_offers_only_save_on_the_edit_page(korea_case, analyst_client):
    # The article form's row buttons (duplicate) belong to that form only.
    response = analyst_client.get(_url(korea_case.us_big_deal, "position-edit"))

    buttons = [text(b) for b in elements(parse_html(response.text), "button")]
    assert buttons[-1] == "Save"
    assert not any("Duplicate" in button for button in buttons)


def test_a_restore_is_recorded_as_a_restore_with_its_version_kept(
    korea_case, curator_client
):
    position = korea_case.dprk_big_deal
    services.position_delete(position_id=position.pk)
    services.position_restore(position_id=position.pk)

    response = curator_client.get(_url(position))

    assert response.status_code == 200
    assert [(row[0], row[3]) for row in _history(response)] == [
        ("1", "Created"),
        ("1", "Deleted"),
        ("2", "Restored"),
    ]


def test_an_edit_keeps_its_reason_in_the_history(korea_case, analyst_client):
    position = korea_case.dprk_big_deal
    analyst_client.post(
        _url(position, "position-edit"),
        _edit_data(position, stance="-1") | {"reason": "misread the headline"},
    )

    [_, edit] = _history(analyst_client.get(_url(position)))

    assert edit[4] == (
        "Stance: rejects outright → opposes / sceptical Reason: misread the headline"
    )
