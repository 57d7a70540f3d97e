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

    db = services["db"]
    assert db["image"] == "postgres:15"
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    volume = db["volumes"][0].split(":")[0]
    assert volume in compose()["volumes"]


def test_it_starts_the_web_app_after_a_healthy_database_and_migrates():
    web = compose()["services"]["web"]

    assert web["depends_on"]["db"]["condition"] == "service_healthy"
    assert "migrate" in web["command"] and "gunicorn config.wsgi" in web["command"]
    assert web["environment"]["DATABASE_URL"].startswith("postgres://")
    assert web["environment"]["DEBUG"] == "0"


def test_it_configures_the_web_app_only_through_variables_the_settings_read():
    environment = set(compose()["services"]["web"]["environment"])

    assert {"DATABASE_URL", "SECRET_KEY", "ALLOWED_HOSTS"} <= environment
    assert environment - {"WEB_CONCURRENCY"} <= settings_variables()


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
