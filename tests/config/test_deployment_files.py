"""docker-compose.yml and .env.example describe the deployment truthfully.

No Docker engine runs where the tests do, so the files are parsed and checked
against what the settings module actually reads.
"""

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def settings_variables() -> set[str]:
    source = (ROOT / "config" / "settings.py").read_text()
    return set(re.findall(r'env_\w+\(\s*"([A-Z_]+)"', source))


def test_it_runs_postgres_15_with_a_healthcheck_and_a_named_volume():
    services = compose()["services"]

    for name in ("db", "db-replica"):
        database = services[name]
        assert database["image"] == "postgres:15"
        assert "pg_isready" in " ".join(database["healthcheck"]["test"])
        volume = database["volumes"][0].split(":")[0]
        assert volume in compose()["volumes"]


def test_the_replica_streams_from_the_primary_and_says_it_is_a_standby():
    services = compose()["services"]
    entrypoint = (ROOT / "deploy/postgres/replica-entrypoint.sh").read_text()
    primary_init = (ROOT / "deploy/postgres/allow-replication.sh").read_text()

    assert "wal_level=replica" in services["db"]["command"]
    assert "host replication" in primary_init
    assert "pg_basebackup -h db" in entrypoint and " -R " in entrypoint
    assert "pg_is_in_recovery()" in " ".join(
        services["db-replica"]["healthcheck"]["test"]
    )


def test_web_processes_start_after_migrations_behind_nginx_with_redis():
    services = compose()["services"]
    web = services["web"]

    assert services["migrate"]["command"][-2:] == ["migrate", "--no-input"]
    assert web["depends_on"] == {
        "migrate": {"condition": "service_completed_successfully"},
        "db-replica": {"condition": "service_healthy"},
        "redis": {"condition": "service_healthy"},
    }
    assert "ports" not in web  # only nginx is published
    assert services["nginx"]["depends_on"]["web"]["condition"] == "service_healthy"
    assert "redis-cli" in services["redis"]["healthcheck"]["test"]
    nginx = (ROOT / "deploy/nginx.conf").read_text()
    assert (
        "http://web:8000" in nginx
        and "non_idempotent" not in nginx.split("proxy_next_upstream ")[1].split(";")[0]
    )


def test_it_points_the_web_app_at_the_primary_the_replica_and_redis():
    environment = compose()["services"]["web"]["environment"]

    assert environment["DATABASE_URL"].startswith("postgres://")
    assert "@db:5432/" in environment["DATABASE_URL"]
    assert "@db-replica:5432/" in environment["DATABASE_REPLICA_URLS"]
    assert environment["CACHE_URL"].startswith("redis://redis:")
    assert environment["DEBUG"] == "0"


def test_it_configures_the_web_app_only_through_variables_the_settings_read():
    environment = set(compose()["services"]["web"]["environment"])

    assert {"DATABASE_URL", "SECRET_KEY", "ALLOWED_HOSTS"} <= environment
    assert environment - {"WEB_CONCURRENCY", "GUNICORN_BIND"} <= settings_variables()


def test_it_lists_every_setting_in_env_example():
    listed = set(
        re.findall(
            r"^#?\s*([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.MULTILINE
        )
    )

    assert settings_variables() <= listed


def test_it_builds_the_image_on_python_3_12_with_gunicorn():
    dockerfile = (ROOT / "Dockerfile").read_text()
    requirements = (ROOT / "requirements.txt").read_text()

    assert dockerfile.startswith("FROM python:3.12")
    assert "gunicorn" in dockerfile and re.search(r"^gunicorn==", requirements, re.M)
