import logging

import pytest
from django.urls import reverse

from tests.factories import UserFactory

PASSWORD = "correct horse battery"


@pytest.fixture
def lockout(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3


def attempt(client, password, username="ana"):
    return client.post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR="203.0.113.7",
    )


def test_it_locks_out_after_the_configured_number_of_failures(client, db, lockout):
    UserFactory(username="ana", password=PASSWORD)

    statuses = [attempt(client, "wrong").status_code for _ in range(3)]
    locked = attempt(client, PASSWORD)

    assert statuses[:2] == [200, 200]
    assert locked.status_code == 429
    assert "Too many failed log-ins" in locked.text
    assert "_auth_user_id" not in client.session


def test_it_lets_the_right_password_in_before_the_limit(client, db, lockout):
    UserFactory(username="ana", password=PASSWORD)
    attempt(client, "wrong")

    response = attempt(client, PASSWORD)

    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def test_it_logs_each_failure(client, db, lockout, caplog):
    UserFactory(username="ana", password=PASSWORD)

    with caplog.at_level(logging.INFO, logger="axes"):
        attempt(client, "wrong")

    assert any("ana" in record.getMessage() for record in caplog.records)


def test_it_says_the_same_for_an_unknown_user_and_a_wrong_password(client, db, lockout):
    UserFactory(username="ana", password=PASSWORD)

    unknown = attempt(client, "wrong", username="nobody")
    wrong = attempt(client, "wrong")

    assert unknown.status_code == wrong.status_code == 200
    assert "didn't match" in unknown.text and "didn't match" in wrong.text


@pytest.mark.parametrize("password", ["short", "password123456", "12345678901234"])
def test_it_refuses_weak_passwords(db, password):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        validate_password(password)


def test_it_accepts_a_long_passphrase(db):
    from django.contrib.auth.password_validation import validate_password

    validate_password("a long passphrase of many plain words " * 3)
