import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from actors.models import Affiliation
from tests.factories import AffiliationFactory, PersonFactory, StateFactory

D = datetime.date


@pytest.fixture
def january_role(db):
    """An affiliation for the whole of January 2019, and nothing else."""
    return AffiliationFactory(start_date=D(2019, 1, 1), end_date=D(2019, 1, 31))


@pytest.mark.parametrize(
    ("day", "in_force"),
    [
        (D(2018, 12, 31), False),
        (D(2019, 1, 1), True),
        (D(2019, 1, 15), True),
        (D(2019, 1, 31), True),
        (D(2019, 2, 1), False),
    ],
)
def test_it_is_in_force_from_its_first_to_its_last_day_inclusive(
    january_role, day, in_force
):
    assert list(Affiliation.objects.on(day)) == ([january_role] if in_force else [])


@pytest.mark.parametrize(
    ("day", "in_force"),
    [
        (D(2018, 4, 25), False),
        (D(2018, 4, 26), True),
        (D(2040, 1, 1), True),
    ],
)
def test_it_stays_in_force_while_its_end_is_open(db, day, in_force):
    current = AffiliationFactory(start_date=D(2018, 4, 26), end_date=None)

    assert list(Affiliation.objects.on(day)) == ([current] if in_force else [])


def test_it_picks_only_the_affiliations_of_that_day(korea_case):
    # Pompeo from 2018-04-26 (open), Bolton 2018-04-09 .. 2019-09-10.
    assert {a.person.name for a in Affiliation.objects.on(D(2018, 4, 10))} == {
        "John Bolton"
    }
    assert {a.person.name for a in Affiliation.objects.on(D(2019, 9, 10))} == {
        "John Bolton",
        "Mike Pompeo",
    }
    assert {a.person.name for a in Affiliation.objects.on(D(2019, 9, 11))} == {
        "Mike Pompeo"
    }


def test_it_accepts_an_end_on_the_start_day(db):
    affiliation = AffiliationFactory.build(
        person=PersonFactory(),
        organization=StateFactory(),
        start_date=D(2019, 3, 1),
        end_date=D(2019, 3, 1),
    )

    affiliation.full_clean()
    affiliation.save()

    assert Affiliation.objects.filter(pk=affiliation.pk).exists()


def test_it_refuses_an_end_before_the_start_in_the_database(db):
    person, state = PersonFactory(), StateFactory()
    affiliation = Affiliation(
        person=person,
        organization=state,
        start_date=D(2019, 3, 2),
        end_date=D(2019, 3, 1),
    )

    with pytest.raises(IntegrityError) as excinfo, transaction.atomic():
        affiliation.save()

    assert "actors_affiliation_end_after_start" in str(excinfo.value)
    assert Affiliation.objects.count() == 0


def test_it_refuses_an_end_before_the_start_in_full_clean_with_a_message(db):
    affiliation = Affiliation(
        person=PersonFactory(),
        organization=StateFactory(),
        start_date=D(2019, 3, 2),
        end_date=D(2019, 3, 1),
    )

    with pytest.raises(ValidationError) as excinfo:
        affiliation.full_clean()

    assert excinfo.value.messages == ["The end date cannot be before the start date."]
    assert Affiliation.objects.count() == 0


def test_it_refuses_moving_the_end_of_a_saved_affiliation_before_its_start(korea_case):
    bolton_role = korea_case.bolton.affiliations.get()
    bolton_role.end_date = D(2018, 4, 8)

    with pytest.raises(ValidationError) as excinfo:
        bolton_role.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        bolton_role.save()

    assert excinfo.value.messages == ["The end date cannot be before the start date."]
    bolton_role.refresh_from_db()
    assert bolton_role.end_date == D(2019, 9, 10)


def test_it_refuses_a_state_as_the_person(db):
    affiliation = Affiliation(
        person=StateFactory(name="United States"),
        organization=StateFactory(name="NATO"),
        start_date=D(2019, 1, 1),
    )

    with pytest.raises(ValidationError) as excinfo:
        affiliation.full_clean()

    assert excinfo.value.message_dict == {
        "person": ["Only a person can hold an affiliation."]
    }
    assert Affiliation.objects.count() == 0


def test_it_refuses_a_person_as_the_organization(db):
    affiliation = Affiliation(
        person=PersonFactory(),
        organization=PersonFactory(),
        start_date=D(2019, 1, 1),
    )

    with pytest.raises(ValidationError) as excinfo:
        affiliation.full_clean()

    assert excinfo.value.message_dict == {
        "organization": ["A person cannot be the organization of an affiliation."]
    }
    assert Affiliation.objects.count() == 0
