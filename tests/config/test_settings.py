"""Settings come from the environment and fail loudly at start-up when wrong.

Each case starts a fresh ``manage.py check`` so the settings module is read
anew with exactly the variables given.
"""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
REAL_SECRET = secrets.token_urlsafe(50)


def manage(*args, **env):
    clean = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {
            "DEBUG",
            "SECRET_KEY",
            "ALLOWED_HOSTS",
            "DATABASE_URL",
            "DATABASE_REPLICA_URLS",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
        and not key.startswith("SECURE_")
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean | env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_it_passes_the_deploy_check_in_production():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        SECRET_KEY=REAL_SECRET,
        ALLOWED_HOSTS="tracker.example.org",
    )

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_it_warns_when_https_protections_are_switched_off_without_a_proxy():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        SECRET_KEY=REAL_SECRET,
        ALLOWED_HOSTS="tracker.example.org",
        SECURE_SSL_REDIRECT="0",
        SECURE_HSTS_SECONDS="0",
    )

    assert result.returncode != 0
    assert "security.W004" in result.stderr and "security.W008" in result.stderr


@pytest.mark.parametrize("value", ["ture", "2", "enabled"])
def test_it_refuses_to_start_with_a_malformed_boolean(value):
    result = manage("check", DEBUG=value)

    assert result.returncode != 0
    assert f"DEBUG={value!r} is not a boolean" in result.stderr


def test_it_refuses_to_start_without_a_secret_key_in_production():
    result = manage("check", DEBUG="0")

    assert result.returncode != 0
    assert "SECRET_KEY is required" in result.stderr


def test_it_starts_without_a_secret_key_in_debug_mode():
    result = manage("check", DEBUG="1")

    assert result.returncode == 0, result.stderr


def test_it_refuses_a_malformed_number():
    result = manage("check", DEBUG="1", CONN_MAX_AGE="sixty")

    assert result.returncode != 0
    assert "CONN_MAX_AGE='sixty' is not a whole number" in result.stderr


PRIMARY = "postgres://app@db:5432/stance"


def test_it_adds_each_replica_as_a_test_mirror_of_the_primary():
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings as s; d = s.DATABASES; "
        "print(s.READ_REPLICAS, d['replica2']['HOST'], "
        "d['replica2']['TEST']['MIRROR'], d['replica2']['OPTIONS']['connect_timeout'])",
        DEBUG="1",
        DATABASE_URL=PRIMARY,
        DATABASE_REPLICA_URLS="postgres://app@r1:5432/stance, postgres://app@r2:5432/stance",
    )

    assert result.returncode == 0, result.stderr
    printed = result.stdout.splitlines()[-1]
    assert printed == "['replica1', 'replica2'] r2 default 3"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({}, "needs a PostgreSQL primary"),  # SQLite, the default
        (
            {"DATABASE_URL": PRIMARY, "DATABASE_REPLICA_URLS": "sqlite:///x.db"},
            "is not a PostgreSQL URL",
        ),
        (
            {"DATABASE_URL": PRIMARY, "REPLICA_STICKY_SECONDS": "4"},
            "REPLICA_STICKY_SECONDS must be more than",
        ),
    ],
)
def test_it_refuses_replicas_it_cannot_keep_consistent(env, message):
    env = {"DATABASE_REPLICA_URLS": "postgres://app@r1:5432/stance", **env}

    result = manage("check", DEBUG="1", **env)

    assert result.returncode != 0
    assert message in result.stderr
