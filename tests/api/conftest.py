import pytest
from rest_framework.test import APIClient

from tests.factories import UserFactory


@pytest.fixture
def api_client():
    return APIClient()


def _client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def reader(db):
    """Logged in, but in no group: may read, may not write."""
    return UserFactory(username="reader")


@pytest.fixture
def reader_client(reader):
    return _client_for(reader)


@pytest.fixture
def analyst_client(analyst):
    return _client_for(analyst)


@pytest.fixture
def curator_client(curator):
    return _client_for(curator)
