"""A16: two analysts send the same If-Match at the same moment; one wins."""

import threading

import pytest
from django.db import connection
from rest_framework.test import APIClient

from positions.models import Position


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serialises writers with a file lock: there is no race to lose.",
)
def test_it_lets_exactly_one_of_two_simultaneous_edits_through(korea_case, analyst):
    position = korea_case.dprk_big_deal
    etag = APIClient().get(f"/api/v1/positions/{position.pk}/")["ETag"]
    barrier = threading.Barrier(2)
    statuses = {}

    def edit(quote):
        client = APIClient()
        client.force_authenticate(analyst)
        barrier.wait()
        response = client.patch(
            f"/api/v1/positions/{position.pk}/",
            {"quote": quote},
            format="json",
            HTTP_IF_MATCH=etag,
        )
        statuses[quote] = response.status_code
        connection.close()

    threads = [threading.Thread(target=edit, args=(q,)) for q in ("first", "second")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(statuses.values()) == [200, 412]
    winner = next(quote for quote, status in statuses.items() if status == 200)
    position.refresh_from_db()
    assert (position.quote, position.version) == (winner, 2)
    assert Position.history.filter(id=position.pk, history_type="~").count() == 1
