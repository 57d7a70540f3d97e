import datetime

import pytest

from positions.models import Event, ProposalLink
from tests.factories import EventFactory

D = datetime.date.fromisoformat


@pytest.fixture
def hanoi(korea_case):
    korea_case.hanoi = EventFactory(
        negotiation=korea_case.talks,
        title="Hanoi summit",
        slug="hanoi-summit",
        kind="summit",
        starts_on=D("2019-02-27"),
        place="Hanoi",
        articles=[korea_case.herald],
    )
    return korea_case


def _event_form(case, **changes):
    return {
        "title": "Stockholm talks",
        "slug": "stockholm-talks",
        "negotiation": str(case.talks.pk),
        "kind": "talks",
        "starts_on": "2019-10-05",
        "ends_on": "",
        "place": "Stockholm",
        "description": "",
        "articles": [str(case.herald.pk)],
    } | changes


def test_it_lists_events_filtered_by_kind(superuser_client, hanoi):
    EventFactory(negotiation=hanoi.talks, title="Missile test", kind="test")

    summits = superuser_client.get("/admin/positions/event/?kind=summit")
    searched = superuser_client.get("/admin/positions/event/?q=hanoi")

    assert [e.title for e in summits.context["cl"].result_list] == ["Hanoi summit"]
    assert [e.title for e in searched.context["cl"].result_list] == ["Hanoi summit"]


def test_it_picks_the_negotiation_and_articles_by_autocomplete(superuser_client, hanoi):
    page = superuser_client.get(f"/admin/positions/event/{hanoi.hanoi.pk}/change/")
    found = superuser_client.get(
        "/admin/autocomplete/",
        {
            "app_label": "positions",
            "model_name": "event",
            "field_name": "articles",
            "term": "phased",
        },
    )

    assert page.status_code == 200
    assert 'data-ajax--url="/admin/autocomplete/"' in page.text
    assert [result["id"] for result in found.json()["results"]] == [
        str(hanoi.herald.pk)
    ]


def test_it_lets_an_analyst_record_an_event_with_its_history(
    staff_analyst_client, korea_case
):
    response = staff_analyst_client.post(
        "/admin/positions/event/add/", _event_form(korea_case)
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    event = Event.objects.get(slug="stockholm-talks")
    assert (event.negotiation, event.place) == (korea_case.talks, "Stockholm")
    assert list(event.articles.all()) == [korea_case.herald]
    assert event.history.filter(history_type="+").exists()


def test_it_refuses_an_event_ending_before_it_starts(staff_analyst_client, korea_case):
    response = staff_analyst_client.post(
        "/admin/positions/event/add/", _event_form(korea_case, ends_on="2019-10-01")
    )

    assert response.status_code == 200
    assert "An event cannot end before it starts." in response.text
    assert not Event.objects.exists()


def test_it_does_not_let_an_analyst_delete_an_event(staff_analyst_client, hanoi):
    response = staff_analyst_client.post(
        f"/admin/positions/event/{hanoi.hanoi.pk}/delete/", {"post": "yes"}
    )

    assert response.status_code == 403
    assert Event.objects.filter(pk=hanoi.hanoi.pk).exists()


def test_it_shows_the_history_of_an_event(superuser_client, hanoi):
    response = superuser_client.get(f"/admin/positions/event/{hanoi.hanoi.pk}/history/")

    assert response.status_code == 200
    assert "Hanoi summit" in response.text


def _proposal_form(case, proposal, links):
    data = {
        "title": proposal.title,
        "slug": proposal.slug,
        "negotiation": str(case.talks.pk),
        "summary": "",
        "originated_by": "",
        "first_put_forward_on": "",
        "outgoing_links-TOTAL_FORMS": str(len(links)),
        "outgoing_links-INITIAL_FORMS": "0",
        "outgoing_links-MIN_NUM_FORMS": "0",
        "outgoing_links-MAX_NUM_FORMS": "1000",
    }
    for index, link in enumerate(links):
        data |= {f"outgoing_links-{index}-{name}": v for name, v in link.items()}
    return data


def test_it_links_a_proposal_to_another_from_its_admin_page(
    superuser_client, korea_case
):
    phased = korea_case.phased
    page = superuser_client.get(f"/admin/positions/proposal/{phased.pk}/change/")
    response = superuser_client.post(
        f"/admin/positions/proposal/{phased.pk}/change/",
        _proposal_form(
            korea_case,
            phased,
            [
                {
                    "kind": "variant_of",
                    "target": str(korea_case.road_map.pk),
                    "since": "2019-03-28",
                    "article": str(korea_case.herald.pk),
                }
            ],
        ),
    )

    assert "links to other proposals" in page.text.lower()
    assert response.status_code == 302
    [link] = ProposalLink.objects.all()
    assert (link.source, link.kind, link.target, link.article) == (
        phased,
        "variant_of",
        korea_case.road_map,
        korea_case.herald,
    )


def test_it_refuses_a_link_of_a_proposal_to_itself(superuser_client, korea_case):
    phased = korea_case.phased

    response = superuser_client.post(
        f"/admin/positions/proposal/{phased.pk}/change/",
        _proposal_form(
            korea_case,
            phased,
            [{"kind": "derived_from", "target": str(phased.pk)}],
        ),
    )

    assert response.status_code == 200
    assert "A proposal cannot be linked to itself." in response.text
    assert not ProposalLink.objects.exists()
