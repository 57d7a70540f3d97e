"""The README's API examples run as written against the demo data.

Its shell examples are run with curl and its pandas examples with pandas,
against a live server holding what `make run` loads; only the address (and
the token placeholder) are replaced. A change to the contract or to the demo
data that breaks what a newcomer copies from the README fails here.
"""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from rest_framework.authtoken.models import Token

from positions.devdata.demo.loader import load_demo
from positions.models import Article
from positions.services import release_create

README = (Path(__file__).resolve().parents[2] / "README.md").read_text()
EXAMPLE_HOST = "http://127.0.0.1:8000"

# Transactional, without an xdist group: pytest-django runs transactional
# tests after the others on each worker, and a group would run this one's
# flush of every table in the middle of them.
pytestmark = pytest.mark.django_db(transaction=True)


def _blocks(language: str, section: str) -> list[str]:
    start = README.index(section)
    end = README.index("\n## ", start + 1)
    return re.findall(rf"```{language}\n(.*?)```", README[start:end], re.S)


@pytest.fixture
def demo_server(live_server, releases_in_tmp, analysts):
    load_demo()
    analyst = User.objects.create_user("readme-analyst")
    analyst.groups.add(analysts)
    release_create(name="2026-12")  # the release the pinning example names
    return live_server.url, Token.objects.create(user=analyst).key


def test_the_shell_examples_answer_without_an_error(demo_server):
    url, token = demo_server
    (shell,) = _blocks("sh", "## For researchers: the REST API")[:1]
    # The article's id in a fresh database (make run); a test database's
    # sequences may have moved on.
    seed = Article.objects.get(title__startswith="South Korean nuclear envoy")
    script = (
        shell.replace(EXAMPLE_HOST, url)
        .replace("<key>", token)
        .replace('"article": 61', f'"article": {seed.pk}')
        # Fail on any 4xx or 5xx, print the status of each.
        .replace("curl ", "curl -sS -f -o /dev/null -w '%{http_code}\\n' ")
    )

    run = subprocess.run(
        [shutil.which("bash"), "-euo", "pipefail", "-c", script],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["200", "200", "200", "200", "201"]


def test_the_pandas_examples_run_and_read_what_they_describe(demo_server):
    url, _ = demo_server
    code = "\n".join(_blocks("python", "## For researchers: the REST API"))
    namespace = {}

    exec(code.replace(EXAMPLE_HOST, url), namespace)  # noqa: S102 (the README's own code)

    assert len(namespace["positions"]) > 0
    assert {"united-states", "north-korea"} <= set(namespace["matrix"].index)
    assert "gap" in namespace["gap"].columns
    assert namespace["pinned"].equals(
        namespace["pd"].read_csv(
            f"{url}/api/v1/stances/?format=csv&as_of=2019-03-31&release=2026-12"
        )
    )
