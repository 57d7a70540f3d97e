import datetime
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError

from actors.models import Actor, Affiliation
from positions.models import Negotiation, Position, Proposal
from positions.services import MergeResult, actor_merge, position_create
from tests.factories import (
    AffiliationFactory,
    PersonFactory,
    ProposalFactory,
    StateFactory,
)

D = datetime.date
DAY = D(2019, 3, 28)


@pytest.fixture
def usa(korea_case):
    """A second "United States", entered by someone who missed the first one."""
    k = korea_case
    usa = StateFactory(name="USA", short_name="U.S.A.", aliases=["America"])
    k.talks.participants.add(usa)
    biegun = PersonFactory(name="Stephen Biegun")
    biegun_role = AffiliationFactory(
        person=biegun,
        organization=usa,
        role="Special Representative for North Korea",
        start_date=D(2018, 8, 23),
    )
    libya = ProposalFactory(negotiation=k.talks, title="Libya model", originated_by=usa)
    # Re-pointed to the United States it is new: moved.
    on_phased = position_create(
        actor=usa, proposal=k.phased, article=k.herald, stance=-1, stated_on=DAY
    )
    # Re-pointed it is us_big_deal again: removed.
    on_big_deal = position_create(
        actor=usa, proposal=k.big_deal, article=k.herald, stance=2, stated_on=DAY
    )
    # Biegun speaking for the USA: the side moves, the speaker stays.
    spoken = position_create(
        speaker=biegun, proposal=k.road_map, article=k.herald, stance=1, stated_on=DAY
    )
    return SimpleNamespace(**locals())


@pytest.fixture
def michael(korea_case):
    """A second Mike Pompeo."""
    k = korea_case
    michael = PersonFactory(name="Michael R. Pompeo", aliases=["Secretary Pompeo"])
    role = AffiliationFactory(
        person=michael,
        organization=k.us,
        role="Director of the CIA",
        start_date=D(2017, 1, 23),
        end_date=D(2018, 4, 26),
    )
    said_by_mike = position_create(
        speaker=k.pompeo, proposal=k.phased, article=k.herald, stance=-1, stated_on=DAY
    )
    # Said by "Michael": the same as said_by_mike once merged, so removed.
    same_fact = position_create(
        actor=k.us,
        speaker=michael,
        proposal=k.phased,
        article=k.herald,
        stance=-1,
        stated_on=DAY,
    )
    # Said by "Michael" about the road map: moved to Mike.
    other_fact = position_create(
        actor=k.us,
        speaker=michael,
        proposal=k.road_map,
        article=k.herald,
        stance=0,
        stated_on=DAY,
    )
    return SimpleNamespace(**locals())


def test_it_moves_the_positions_of_a_side_and_removes_exact_duplicates(korea_case, usa):
    result = actor_merge(keep=korea_case.us, duplicate=usa.usa)

    assert result == MergeResult(
        positions_moved=2, exact_duplicates_removed=1, affiliations_moved=1
    )
    assert sorted(
        Position.objects.filter(actor=korea_case.us).values_list(
            "proposal__slug", "stance", "version"
        )
    ) == [("big-deal", 2, 1), ("phased-deal", -1, 2), ("road-map", 1, 2)]
    assert not Position.objects.filter(pk=usa.on_big_deal.pk).exists()
    assert Position.objects.get(pk=korea_case.us_big_deal.pk).stance == 2
    assert Position.objects.count() == 6


def test_it_moves_the_affiliations_participation_and_proposals_of_a_side(
    korea_case, usa
):
    actor_merge(keep=korea_case.us, duplicate=usa.usa)

    usa.biegun_role.refresh_from_db()
    assert usa.biegun_role.organization == korea_case.us
    assert usa.biegun_role.person == usa.biegun
    assert set(korea_case.talks.participants.all()) == {
        korea_case.us,
        korea_case.dprk,
        korea_case.rok,
    }
    assert Proposal.objects.get(pk=usa.libya.pk).originated_by == korea_case.us


def test_it_keeps_the_names_of_the_duplicate_as_aliases_and_deletes_it(korea_case, usa):
    duplicate_id = usa.usa.pk

    actor_merge(keep=korea_case.us, duplicate=usa.usa)

    korea_case.us.refresh_from_db()
    assert korea_case.us.aliases == ["USA", "U.S.A.", "America"]
    assert korea_case.us.name == "United States"
    assert not Actor.objects.filter(pk=duplicate_id).exists()
    assert Actor.objects.filter(name__in=["USA", "United States"]).count() == 1
    assert list(Actor.objects.search("america")) == [korea_case.us]


def test_it_does_not_repeat_an_alias_the_kept_actor_has(korea_case, usa):
    korea_case.us.aliases = ["America"]
    korea_case.us.save()

    actor_merge(keep=korea_case.us, duplicate=usa.usa)

    korea_case.us.refresh_from_db()
    assert korea_case.us.aliases == ["America", "USA", "U.S.A."]


def test_it_moves_the_positions_and_roles_of_a_speaker(korea_case, michael):
    duplicate_id = michael.michael.pk

    result = actor_merge(keep=korea_case.pompeo, duplicate=michael.michael)

    assert result == MergeResult(
        positions_moved=1, exact_duplicates_removed=1, affiliations_moved=1
    )
    assert sorted(
        Position.objects.filter(speaker=korea_case.pompeo).values_list(
            "proposal__slug", "actor__slug", "stance"
        )
    ) == [("phased-deal", "us", -1), ("road-map", "us", 0)]
    assert not Position.objects.filter(pk=michael.same_fact.pk).exists()
    assert Position.objects.get(pk=michael.other_fact.pk).speaker == korea_case.pompeo
    assert sorted(
        Affiliation.objects.filter(person=korea_case.pompeo).values_list(
            "role", flat=True
        )
    ) == ["Director of the CIA", "Secretary of State"]
    korea_case.pompeo.refresh_from_db()
    assert korea_case.pompeo.aliases == ["Michael R. Pompeo", "Secretary Pompeo"]
    assert not Actor.objects.filter(pk=duplicate_id).exists()


def test_it_keeps_a_history_record_for_every_moved_position(korea_case, usa, curator):
    history_before = Position.history.count()

    actor_merge(keep=korea_case.us, duplicate=usa.usa, by=curator)

    for moved in (usa.on_phased, usa.spoken):
        latest = Position.history.filter(id=moved.pk).order_by("-history_id").first()
        assert (latest.history_type, latest.actor_id, latest.version) == (
            "~",
            korea_case.us.pk,
            2,
        )
        assert latest.history_user == curator
        assert latest.history_change_reason == "actor merge"
    removed = Position.history.filter(id=usa.on_big_deal.pk).order_by("-history_id")
    assert removed.first().history_type == "-"
    assert removed.first().history_user == curator
    # Two moved, one removed: one record each, and nothing else.
    assert Position.history.count() == history_before + 3


def test_it_keeps_the_removed_duplicate_in_history_as_it_was(korea_case, usa):
    duplicate_id = usa.usa.pk

    actor_merge(keep=korea_case.us, duplicate=usa.usa)

    records = Position.history.filter(id=usa.on_big_deal.pk).order_by("history_id")
    assert [(r.history_type, r.actor_id) for r in records] == [
        ("+", duplicate_id),
        ("-", duplicate_id),
    ]


def test_it_keeps_history_of_the_other_rows_it_changes(korea_case, usa, curator):
    duplicate_id = usa.usa.pk

    actor_merge(keep=korea_case.us, duplicate=usa.usa, by=curator)

    role = Affiliation.history.filter(id=usa.biegun_role.pk).order_by("-history_id")
    assert (role.first().history_type, role.first().organization_id) == (
        "~",
        korea_case.us.pk,
    )
    libya = Proposal.history.filter(id=usa.libya.pk).order_by("-history_id").first()
    assert (libya.history_type, libya.originated_by_id) == ("~", korea_case.us.pk)
    gone = Actor.history.filter(id=duplicate_id).order_by("-history_id").first()
    assert (gone.history_type, gone.history_user) == ("-", curator)
    kept = Actor.history.filter(id=korea_case.us.pk).order_by("-history_id").first()
    assert (kept.history_type, kept.aliases) == ("~", ["USA", "U.S.A.", "America"])


def test_it_refuses_to_merge_actors_of_different_kinds(korea_case, michael):
    k = korea_case
    positions_before = set(Position.objects.values_list("id", "actor", "speaker"))
    history_before = Position.history.count()

    with pytest.raises(ValidationError) as excinfo:
        actor_merge(keep=k.us, duplicate=michael.michael)

    assert excinfo.value.messages == [
        "Cannot merge a person into a state: the kinds differ."
    ]
    assert Actor.objects.filter(pk=michael.michael.pk).exists()
    assert set(Position.objects.values_list("id", "actor", "speaker")) == (
        positions_before
    )
    assert Position.history.count() == history_before
    michael.role.refresh_from_db()
    assert michael.role.person == michael.michael
    k.us.refresh_from_db()
    assert k.us.aliases == []


def test_it_refuses_to_merge_an_actor_into_itself(korea_case):
    with pytest.raises(ValidationError):
        actor_merge(keep=korea_case.us, duplicate=korea_case.us)

    assert Actor.objects.filter(pk=korea_case.us.pk).exists()
    assert Position.objects.filter(actor=korea_case.us).count() == 1


def test_it_leaves_other_negotiations_alone(korea_case, usa):
    other = Negotiation.objects.create(title="Six-party talks")
    other.participants.set([korea_case.dprk])

    actor_merge(keep=korea_case.us, duplicate=usa.usa)

    assert list(other.participants.all()) == [korea_case.dprk]
