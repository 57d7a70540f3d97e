import datetime
import importlib
import os
from types import SimpleNamespace

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import Group
from pytest_django.live_server_helper import LiveServer
from rest_framework.test import APIClient

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
from tests.live_server import SerialisedWSGIServer
from tests.snapshot import Snapshot


def pytest_collection_modifyitems(config, items):
    """Leave out the generated-input (fuzz) tests unless the -m expression
    names them, as `make fuzz` does (pytest -m fuzz): `make test` and
    `-m "not e2e"` runs skip them, without having to say so."""
    if "fuzz" in (config.option.markexpr or ""):
        return
    fuzz = [item for item in items if item.get_closest_marker("fuzz")]
    if fuzz:
        config.hook.pytest_deselected(items=fuzz)
        items[:] = [item for item in items if not item.get_closest_marker("fuzz")]


@pytest.fixture(scope="session")
def live_server(request, django_db_setup):
    """pytest-django's live server, sharing the test's in-memory SQLite
    connection and serialised on it (see tests/live_server.py).

    It needs the test database set up first: pytest-django's own fixture
    could start before that, see a file database, and let each request
    thread open a connection of its own to the shared-cache memory database,
    where two at once fail with "database table is locked"."""
    addr = (
        request.config.getvalue("liveserver")
        or os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS")
        or "localhost"
    )
    server = LiveServer(addr, start=False)
    if server.thread.connections_override:
        server.thread.server_class = SerialisedWSGIServer
    server.start()
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def releases_in_tmp(settings, tmp_path):
    """Releases' files go to the test's own folder, never the checkout."""
    settings.RELEASES_ROOT = tmp_path / "releases"
    return settings.RELEASES_ROOT


def build_korea_case() -> SimpleNamespace:
    """The seed world, through the factories and services (see korea_case)."""
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


@pytest.fixture(scope="session")
def korea_case_snapshot(django_db_setup, django_db_blocker):
    """The seed world built once per test process (see tests/snapshot.py)."""
    with django_db_blocker.unblock():
        return Snapshot(build_korea_case)


@pytest.fixture
def korea_case(db, korea_case_snapshot):
    """The seed world: three states, Pompeo and Bolton, three proposals, the
    Korea Herald article of 2019-03-28 and the positions it reports.

    The rows and objects of ``build_korea_case``, copied from a snapshot of
    it, which is much faster than building them for every test."""
    return korea_case_snapshot.restore()


def _default_groups():
    # The groups come from a data migration. A transactional test (the
    # end-to-end ones) ends by emptying every table, so the next one makes
    # them again the same way.
    if not Group.objects.filter(name__in=["analysts", "curators"]).count() == 2:
        migration = importlib.import_module("positions.migrations.0002_default_groups")
        migration.create_groups(django_apps, None)


@pytest.fixture
def analysts(db):
    """The analysts group, with the permissions its data migration gives it."""
    _default_groups()
    return Group.objects.get(name="analysts")


@pytest.fixture
def curators(db):
    """The curators group, with the permissions its data migration gives it."""
    _default_groups()
    return Group.objects.get(name="curators")


# --- users -------------------------------------------------------------------


@pytest.fixture
def reader(db):
    """Logged in, but in no group: may read, may not write."""
    return UserFactory(username="reader")


@pytest.fixture
def analyst(analysts):
    """In the analysts group: records articles and positions; not staff."""
    return UserFactory(username="analyst", groups=[analysts])


@pytest.fixture
def staff_analyst(analysts):
    """In the analysts group and staff, so the admin site lets them in."""
    return UserFactory(username="staff-analyst", groups=[analysts], is_staff=True)


@pytest.fixture
def curator(curators):
    """In the curators group, and staff: may change everything."""
    return UserFactory(username="curator", groups=[curators], is_staff=True)


@pytest.fixture
def superuser(db):
    """Staff and superuser: every permission, without a group."""
    return UserFactory(username="root", is_staff=True, is_superuser=True)


# --- clients for pages: Django's test client, logged in with a session --------
# Each is pytest-django's ``client``, so a test that also asks for ``client``
# gets the same, logged-in, client.


@pytest.fixture
def analyst_client(client, analyst):
    """Django's test client logged in as the (non-staff) analyst, for pages."""
    client.force_login(analyst)
    return client


@pytest.fixture
def staff_analyst_client(client, staff_analyst):
    """Django's test client logged in as the staff analyst, for the admin."""
    client.force_login(staff_analyst)
    return client


@pytest.fixture
def curator_client(client, curator):
    """Django's test client logged in as the curator, for pages and the admin."""
    client.force_login(curator)
    return client


@pytest.fixture
def superuser_client(client, superuser):
    """Django's test client logged in as the superuser, for the admin."""
    client.force_login(superuser)
    return client


# --- clients for the API: DRF's APIClient, authenticated without a session -----


def _api_client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def api_client():
    """DRF's APIClient with no credentials: an anonymous API caller."""
    return APIClient()


@pytest.fixture
def reader_api(reader):
    """DRF's APIClient authenticated as the reader (no group)."""
    return _api_client_for(reader)


@pytest.fixture
def analyst_api(analyst):
    """DRF's APIClient authenticated as the analyst."""
    return _api_client_for(analyst)


@pytest.fixture
def curator_api(curator):
    """DRF's APIClient authenticated as the curator."""
    return _api_client_for(curator)
