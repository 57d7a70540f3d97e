"""The position admin and the record of a statement: the quote check shown
read-only, filters by attribution and check, and the fields of attribution,
condition and original language in its form."""

import datetime

from positions.models import Event, Position
from tests.positions.test_position_admin import change_url, form_data

CHANGELIST = "/admin/positions/position/"


def _with_body(korea_case, body):
    korea_case.herald.body = body
    korea_case.herald.save()


def test_the_change_page_shows_the_check_read_only(superuser_client, korea_case):
    _with_body(korea_case, "Pyongyang threatened to pull out of nuclear negotiations.")
    position = Position.objects.get(pk=korea_case.dprk_big_deal.pk)

    response = superuser_client.get(change_url(position))

    assert response.status_code == 200
    form = response.context["adminform"].form
    for editable in (
        "attribution",
        "event",
        "condition",
        "condition_proposal",
        "condition_event",
        "quote_original",
        "quote_language",
        "version",
    ):
        assert editable in form.fields, editable
    assert not {"quote_check", "quote_check_score"} & set(form.fields)
    page = response.content.decode()
    assert "found verbatim" in page
    assert "characters 10–56: “threatened to pull out of nuclear negotiations”" in page


def test_the_list_filters_by_check_and_by_attribution(superuser_client, korea_case):
    _with_body(korea_case, "Pyongyang threatened to pull out of nuclear negotiations.")

    verbatim = superuser_client.get(CHANGELIST, {"quote_check__exact": "verbatim"})
    reported = superuser_client.get(CHANGELIST, {"attribution__exact": "reported"})
    stated = superuser_client.get(CHANGELIST, {"attribution__exact": "stated"})

    assert [p.pk for p in verbatim.context["cl"].result_list] == [
        korea_case.dprk_big_deal.pk
    ]
    assert len(reported.context["cl"].result_list) == 4
    assert list(stated.context["cl"].result_list) == []


def test_a_condition_and_an_original_quote_are_saved_from_the_form(
    superuser_client, korea_case
):
    position = korea_case.dprk_phased
    hanoi = Event.objects.create(
        negotiation=korea_case.talks,
        title="Hanoi summit",
        starts_on=datetime.date(2019, 2, 27),
    )

    response = superuser_client.post(
        change_url(position),
        form_data(
            position,
            attribution="other_side",
            condition="if the US takes corresponding measures",
            condition_proposal=korea_case.road_map.pk,
            condition_event=hanoi.pk,
            quote_original="상응 조치",
            quote_language="ko",
        ),
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    saved = Position.objects.get(pk=position.pk)
    assert (
        saved.attribution,
        saved.condition,
        saved.condition_proposal,
        saved.condition_event,
        saved.quote_original,
        saved.quote_language,
        saved.version,
    ) == (
        "other_side",
        "if the US takes corresponding measures",
        korea_case.road_map,
        hanoi,
        "상응 조치",
        "ko",
        2,
    )
