import datetime

import pytest
from django.contrib.messages import get_messages

from actors.models import Actor, Affiliation
from positions.models import Position
from tests.factories import AffiliationFactory, PersonFactory, StateFactory

CHANGELIST = "/admin/actors/actor/"


@pytest.fixture
def usa(korea_case):
    """A duplicate of the United States, with a position and a member of its own."""
    usa = StateFactory(name="USA", slug="usa", short_name="U.S.", aliases=["America"])
    usa.positions.create(
        proposal=korea_case.road_map,
        article=korea_case.herald,
        stance=-1,
        stated_on=datetime.date(2019, 3, 27),
    )
    AffiliationFactory(
        person=PersonFactory(name="Stephen Biegun"),
        organization=usa,
        role="Special Representative for North Korea",
        start_date=datetime.date(2018, 8, 23),
    )
    return usa


def merge(client, actors, **extra):
    return client.post(
        CHANGELIST,
        {
            "action": "merge_actors",
            "_selected_action": [actor.pk for actor in actors],
            "index": "0",
        }
        | extra,
    )


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_it_asks_which_actor_to_keep_before_merging(superuser_client, korea_case, usa):
    us = korea_case.us

    response = merge(superuser_client, [us, usa])

    assert response.status_code == 200
    assert response.templates[0].name == "admin/actors/actor/merge.html"
    for actor in (us, usa):
        assert f'name="keep" value="{actor.pk}"' in response.text
    assert 'name="apply" value="1"' in response.text
    assert Actor.objects.filter(pk=usa.pk).exists()
    assert usa.positions.count() == 1
    us.refresh_from_db()
    assert us.aliases == []


def test_it_moves_everything_to_the_kept_actor_and_deletes_the_duplicate(
    superuser_client, korea_case, usa, superuser
):
    us = korea_case.us
    moved = usa.positions.get()
    member = usa.members.get()

    response = merge(superuser_client, [us, usa], apply="1", keep=str(us.pk))

    assert response.status_code == 302
    assert messages_of(response) == [
        "Merged 1 actor(s) into United States: 1 position(s) moved, "
        "0 exact duplicate(s) removed."
    ]
    assert not Actor.objects.filter(pk=usa.pk).exists()
    moved.refresh_from_db()
    assert (moved.actor, moved.version) == (us, 2)
    assert moved.history.latest().history_user == superuser
    member.refresh_from_db()
    assert member.organization == us
    us.refresh_from_db()
    assert us.aliases == ["USA", "U.S.", "America"]
    assert Position.objects.filter(actor=us).count() == 2


def test_it_moves_the_spoken_positions_of_a_duplicate_person(
    superuser_client, korea_case
):
    k = korea_case
    michael = PersonFactory(name="Michael R. Pompeo")
    spoken = Position.objects.create(
        actor=k.us,
        speaker=michael,
        proposal=k.big_deal,
        article=k.herald,
        stance=2,
        stated_on=datetime.date(2019, 3, 28),
    )

    response = merge(superuser_client, [k.pompeo, michael], apply="1", keep=k.pompeo.pk)

    assert response.status_code == 302
    assert not Actor.objects.filter(pk=michael.pk).exists()
    spoken.refresh_from_db()
    assert spoken.speaker == k.pompeo
    k.pompeo.refresh_from_db()
    assert k.pompeo.aliases == ["Michael R. Pompeo"]


def test_it_refuses_to_merge_a_person_into_a_state_and_changes_nothing(
    superuser_client, korea_case
):
    us, pompeo = korea_case.us, korea_case.pompeo
    affiliations = list(Affiliation.objects.values_list("pk", "person", "organization"))
    positions = list(Position.objects.values_list("pk", "actor", "speaker", "version"))

    response = merge(superuser_client, [us, pompeo], apply="1", keep=str(us.pk))

    assert response.status_code == 302
    assert messages_of(response) == [
        "Cannot merge a person into a state: the kinds differ."
    ]
    assert Actor.objects.filter(pk=pompeo.pk).exists()
    us.refresh_from_db()
    assert us.aliases == []
    assert (
        list(Affiliation.objects.values_list("pk", "person", "organization"))
        == affiliations
    )
    assert (
        list(Position.objects.values_list("pk", "actor", "speaker", "version"))
        == positions
    )


def test_it_merges_nothing_when_one_of_several_duplicates_is_refused(
    superuser_client, korea_case, usa
):
    us = korea_case.us
    # Sorted by name, the person comes last: USA is merged before the refusal.
    person = PersonFactory(name="Zbigniew Brzezinski")

    response = merge(superuser_client, [us, usa, person], apply="1", keep=str(us.pk))

    assert response.status_code == 302
    assert messages_of(response) == [
        "Cannot merge a person into a state: the kinds differ."
    ]
    assert Actor.objects.filter(pk__in=[usa.pk, person.pk]).count() == 2
    assert usa.positions.count() == 1
    assert usa.members.count() == 1
    us.refresh_from_db()
    assert us.aliases == []


def test_it_asks_for_at_least_two_actors(superuser_client, korea_case):
    us = korea_case.us

    response = merge(superuser_client, [us], apply="1", keep=str(us.pk))

    assert response.status_code == 302
    assert messages_of(response) == ["Select at least two actors."]
    assert Actor.objects.filter(pk=us.pk).exists()


def test_aliases_are_typed_one_a_line_not_as_json(superuser_client, korea_case):
    us = korea_case.us
    url = f"/admin/actors/actor/{us.pk}/change/"
    form = superuser_client.get(url)
    assert "<textarea" in form.text and 'name="aliases"' in form.text

    response = superuser_client.post(
        url,
        {
            "name": us.name,
            "slug": us.slug,
            "short_name": us.short_name,
            "kind": us.kind,
            "description": "",
            "aliases": "USA\r\n\r\nAmerica\r\n  U.S.  \r\nUSA",
        },
    )

    assert response.status_code == 302, response.content
    us.refresh_from_db()
    assert us.aliases == ["USA", "America", "U.S."]
    assert "USA\nAmerica\nU.S." in superuser_client.get(url).text


def test_it_offers_to_keep_the_actor_with_the_most_on_it_and_shows_counts(
    superuser_client, korea_case
):
    # "America" sorts first and holds nothing: it must not be the one kept.
    empty = StateFactory(name="America", slug="america")

    response = merge(superuser_client, [empty, korea_case.us])

    checked = response.text.split(" checked>")[0].rsplit('value="', 1)[1]
    assert checked.startswith(f'{korea_case.us.pk}"')
    words = " ".join(response.text.split())
    assert "1 position as a side, 0 as a speaker, 2 affiliations" in words
    assert "0 positions as a side, 0 as a speaker, 0 affiliations" in words


def test_a_merged_actors_address_leads_to_the_actor_kept(
    superuser_client, korea_case, usa
):
    merge(superuser_client, [korea_case.us, usa], keep=str(korea_case.us.pk), apply="1")
    assert not Actor.objects.filter(pk=usa.pk).exists()

    page = superuser_client.get("/actors/usa/?since=2019-01-01")
    api = superuser_client.get("/api/v1/actors/usa/")

    assert page.status_code == 301
    assert page["Location"] == "/actors/us/?since=2019-01-01"
    assert api.status_code == 200
    assert api.json()["slug"] == "us"
