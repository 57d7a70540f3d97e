"""The analyses' SQL runs as prepared statements on PostgreSQL: planned once
per connection, the same rows as plain SQL, at most a bounded number kept,
and a statement PostgreSQL cannot prepare still answers."""

import datetime

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from config.lib import prepared

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="prepared statements: PostgreSQL"
    ),
]

SQL = "SELECT %(day)s + %(days)s::integer, %(word)s || '%%', %(day)s"


def _run(sql, params):
    with connection.cursor() as cursor:
        prepared.execute(cursor, sql, params)
        return cursor.fetchall()


def _ours():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT statement FROM pg_prepared_statements WHERE name LIKE 'stance_%%'"
        )
        return [row[0] for row in cursor.fetchall()]


@pytest.fixture(autouse=True)
def fresh_connection():
    # Each test starts without statements prepared on its connection.
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")
    prepared._prepared.clear()
    yield
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")
    prepared._prepared.clear()


def test_it_answers_as_plain_sql_and_prepares_once():
    params = {"day": datetime.date(2019, 2, 27), "days": 2, "word": "Hanoi"}
    with connection.cursor() as cursor:
        cursor.execute(SQL, params)
        plain = cursor.fetchall()

    assert (
        _run(SQL, params)
        == plain
        == [(datetime.date(2019, 3, 1), "Hanoi%", datetime.date(2019, 2, 27))]
    )
    assert _run(SQL, params | {"days": 3})[0][0] == datetime.date(2019, 3, 2)
    assert len(_ours()) == 1
    assert "$1 + $2::integer" in _ours()[0]


def test_the_query_log_sees_each_read_once_as_execute():
    params = {"day": datetime.date(2019, 2, 27), "days": 2, "word": "Hanoi"}
    with CaptureQueriesContext(connection) as first:
        _run(SQL, params)
    with CaptureQueriesContext(connection) as second:
        _run(SQL, params)

    assert len(first) == len(second) == 1
    assert second[0]["sql"].startswith("EXECUTE stance_")


def test_it_keeps_a_bounded_number_per_connection(monkeypatch):
    monkeypatch.setattr(prepared, "MAX_PER_CONNECTION", 2)
    for count in range(1, 5):
        names = ", ".join(f"%(n{i})s" for i in range(count))
        assert _run(f"SELECT {names}", {f"n{i}": i for i in range(count)}) == [
            tuple(range(count))
        ]

    assert len(_ours()) == 2
    assert all("$3" in statement for statement in _ours())


def test_a_statement_it_cannot_prepare_runs_plainly_inside_a_transaction():
    # PostgreSQL cannot tell the type of a parameter that is only tested
    # for null; the transaction around it must survive the failed PREPARE.
    with transaction.atomic():
        assert _run("SELECT %(anything)s IS NULL", {"anything": None}) == [(True,)]
        assert _run("SELECT %(n)s + 1", {"n": 1}) == [(2,)]

    assert len(_ours()) == 1


def test_it_can_be_switched_off(settings):
    settings.DB_PREPARED_STATEMENTS = False

    assert _run("SELECT %(n)s + 1", {"n": 1}) == [(2,)]
    assert _ours() == []


@pytest.mark.django_db(transaction=True)
def test_a_new_connection_prepares_again():
    _run("SELECT %(n)s + 1", {"n": 1})
    connection.close()

    assert _run("SELECT %(n)s + 1", {"n": 41}) == [(42,)]
    assert len(_ours()) == 1
