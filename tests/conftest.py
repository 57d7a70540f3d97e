import datetime
import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import Group

from positions.services import position_create
from tests.factories import (
    AffiliationFactory,
    ArticleFactory,
    NegotiationFactory,
    PersonFactory,
    ProposalFactory,
    StateFactory,
    UserFactory,
)


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def korea_case(db):
    """The seed world: three states, Pompeo and Bolton, three proposals, the
    Korea Herald article of 2019-03-28 and the positions it reports."""
    us = StateFactory(name="United States", slug="us", short_name="US")
    dprk = StateFactory(name="North Korea", slug="north-korea", short_name="DPRK")
    rok = StateFactory(name="South Korea", slug="south-korea", short_name="ROK")
    pompeo = PersonFactory(name="Mike Pompeo", slug="mike-pompeo")
    bolton = PersonFactory(name="John Bolton", slug="john-bolton")
    AffiliationFactory(
        person=pompeo,
        organization=us,
        role="Secretary of State",
        start_date=datetime.date(2018, 4, 26),
    )
    AffiliationFactory(
        person=bolton,
        organization=us,
        role="National Security Advisor",
        start_date=datetime.date(2018, 4, 9),
        end_date=datetime.date(2019, 9, 10),
    )
    talks = NegotiationFactory(title="Denuclearization talks", slug="talks")
    talks.participants.set([us, dprk, rok])
    big_deal = ProposalFactory(negotiation=talks, title="Big deal", slug="big-deal")
    phased = ProposalFactory(negotiation=talks, title="Phased deal", slug="phased-deal")
    road_map = ProposalFactory(negotiation=talks, title="Road map", slug="road-map")
    herald = ArticleFactory(
        url="https://www.koreaherald.com/view.php?ud=20190328000716",
        title="South Korean nuclear envoy to propose ‘phased denuke approach’",
        outlet="The Korea Herald",
        published_on=datetime.date(2019, 3, 28),
    )
    day = datetime.date(2019, 3, 28)
    us_big_deal = position_create(
        actor=us, proposal=big_deal, article=herald, stance=2, stated_on=day
    )
    dprk_phased = position_create(
        actor=dprk, proposal=phased, article=herald, stance=2, stated_on=day
    )
    rok_road_map = position_create(
        actor=rok, proposal=road_map, article=herald, stance=2, stated_on=day
    )
    dprk_big_deal = position_create(
        actor=dprk,
        proposal=big_deal,
        article=herald,
        stance=-2,
        stated_on=datetime.date(2019, 3, 15),
        quote="threatened to pull out of nuclear negotiations",
    )
    return SimpleNamespace(**locals())


def _default_groups():
    # The groups come from a data migration. A transactional test (the
    # end-to-end ones) ends by emptying every table, so the next one makes
    # them again the same way.
    if not Group.objects.filter(name__in=["analysts", "curators"]).count() == 2:
        migration = importlib.import_module("positions.migrations.0002_default_groups")
        migration.create_groups(django_apps, None)


@pytest.fixture
def analysts(db):
    _default_groups()
    return Group.objects.get(name="analysts")


@pytest.fixture
def curators(db):
    _default_groups()
    return Group.objects.get(name="curators")


@pytest.fixture
def analyst(analysts):
    return UserFactory(username="analyst", groups=[analysts])


@pytest.fixture
def curator(curators):
    return UserFactory(username="curator", groups=[curators], is_staff=True)


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)
