import datetime

import pytest
from django.core.exceptions import ValidationError

from actors.models import Actor
from positions.services import position_create
from tests.factories import (
    AffiliationFactory,
    ArticleFactory,
    PersonFactory,
    ProposalFactory,
    StateFactory,
)


def names(queryset):
    return sorted(queryset.values_list("name", flat=True))


def test_it_derives_the_slug_from_the_name(db):
    actor = Actor.objects.create(name="United States of America", kind="state")

    assert actor.slug == "united-states-of-america"
    assert Actor.objects.get(pk=actor.pk).slug == "united-states-of-america"


def test_it_numbers_the_slug_when_the_name_slugifies_to_a_taken_one(db):
    first = Actor.objects.create(name="Kim Jong Un", kind="person")
    second = Actor.objects.create(name="Kim Jong-Un", kind="person")
    third = Actor.objects.create(name="Kim  Jong  Un!", kind="person")

    assert [first.slug, second.slug, third.slug] == [
        "kim-jong-un",
        "kim-jong-un-2",
        "kim-jong-un-3",
    ]
    assert Actor.objects.filter(slug__startswith="kim-jong-un").count() == 3


def test_it_keeps_its_own_slug_when_saved_again(db):
    actor = Actor.objects.create(name="South Korea", kind="state")
    actor.description = "The Republic of Korea."
    actor.save()

    actor.refresh_from_db()
    assert actor.slug == "south-korea"


def test_it_keeps_a_slug_given_by_the_curator(db):
    actor = Actor.objects.create(name="United States", slug="us", kind="state")

    assert Actor.objects.get(pk=actor.pk).slug == "us"


def test_it_finds_actors_by_a_substring_of_the_name_in_any_case(korea_case):
    assert names(Actor.objects.search("KOREA")) == ["North Korea", "South Korea"]
    assert names(Actor.objects.search("pomp")) == ["Mike Pompeo"]


def test_it_finds_actors_by_short_name_in_any_case(korea_case):
    assert names(Actor.objects.search("dprk")) == ["North Korea"]
    assert names(Actor.objects.search("Rok")) == ["South Korea"]


def test_it_finds_actors_by_a_substring_of_an_alias_in_any_case(korea_case):
    korea_case.dprk.aliases = ["Democratic People's Republic of Korea", "Pyongyang"]
    korea_case.dprk.save()
    PersonFactory(name="Choe Son Hui", aliases=["Choe Son-hui", "Choe Sun Hui"])

    assert names(Actor.objects.search("pyongYANG")) == ["North Korea"]
    assert names(Actor.objects.search("people's republic")) == ["North Korea"]
    assert names(Actor.objects.search("son-HUI")) == ["Choe Son Hui"]
    assert names(Actor.objects.search("sun hui")) == ["Choe Son Hui"]


def test_it_ignores_surrounding_blanks_and_returns_everyone_for_an_empty_query(
    korea_case,
):
    assert names(Actor.objects.search("  dprk ")) == ["North Korea"]
    assert Actor.objects.search("   ").count() == 5


def test_it_finds_nobody_when_nothing_matches(korea_case):
    assert names(Actor.objects.search("Brexit")) == []


def test_it_finds_actors_by_an_alias_written_in_another_script(db):
    StateFactory(name="Iran", aliases=["Islamic Republic of Iran", "ایران"])
    PersonFactory(name="Kim Jong Un", aliases=["김정은"])

    assert names(Actor.objects.search("ایران")) == ["Iran"]
    assert names(Actor.objects.search("정은")) == ["Kim Jong Un"]


def test_it_refuses_to_make_a_side_of_positions_a_person(korea_case):
    us = korea_case.us
    us.kind = Actor.Kind.PERSON

    with pytest.raises(ValidationError) as excinfo:
        us.full_clean()

    assert excinfo.value.message_dict["kind"] == [
        "Cannot make this actor a person: it is the side of recorded positions; it "
        "has members (affiliations name it as organization). Re-attribute those first."
    ]
    us.refresh_from_db()
    assert us.kind == Actor.Kind.STATE


def test_it_lets_an_actor_without_positions_become_a_person(db):
    actor = StateFactory(name="Kim Yo Jong")
    actor.kind = Actor.Kind.PERSON

    actor.full_clean()
    actor.save()

    assert Actor.objects.get(pk=actor.pk).kind == Actor.Kind.PERSON


def test_it_lets_a_speaker_of_positions_stay_a_person(korea_case):
    herald = ArticleFactory(published_on=datetime.date(2019, 3, 29))
    position_create(
        speaker=korea_case.pompeo,
        proposal=ProposalFactory(),
        article=herald,
        stance=1,
        stated_on=datetime.date(2019, 3, 29),
    )
    korea_case.pompeo.description = "Secretary of State from April 2018."

    korea_case.pompeo.full_clean()
    korea_case.pompeo.save()

    korea_case.pompeo.refresh_from_db()
    assert korea_case.pompeo.description == "Secretary of State from April 2018."


def test_it_refuses_to_make_a_speaker_of_positions_a_state(korea_case):
    position_create(
        speaker=korea_case.pompeo,
        proposal=korea_case.road_map,
        article=korea_case.herald,
        stance=1,
        stated_on=datetime.date(2019, 3, 28),
    )
    korea_case.pompeo.kind = Actor.Kind.STATE

    with pytest.raises(ValidationError) as excinfo:
        korea_case.pompeo.full_clean()

    assert list(excinfo.value.message_dict) == ["kind"]
    korea_case.pompeo.refresh_from_db()
    assert korea_case.pompeo.kind == Actor.Kind.PERSON


def test_it_refuses_to_make_an_organization_with_members_a_person(db):
    un = StateFactory(name="United Nations", kind=Actor.Kind.ORGANIZATION)
    AffiliationFactory(person=PersonFactory(), organization=un, role="Envoy")
    un.kind = Actor.Kind.PERSON

    with pytest.raises(ValidationError) as excinfo:
        un.full_clean()

    assert list(excinfo.value.message_dict) == ["kind"]
    un.refresh_from_db()
    assert un.kind == Actor.Kind.ORGANIZATION
