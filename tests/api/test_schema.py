import copy
import json
import re
import subprocess
import sys
from pathlib import Path

import hypothesis
import jsonschema
import pytest
import schemathesis
import yaml
from django.conf import settings as django_settings
from django.contrib.staticfiles import finders
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from config.wsgi import application

MANAGE_PY = Path(django_settings.BASE_DIR) / "manage.py"
ENGINE = django_settings.DATABASES["default"]["ENGINE"]
ON_SQLITE = ENGINE.endswith("sqlite3")
ON_POSTGRESQL = "postgresql" in ENGINE

RESOURCE_PATHS = {
    "/api/v1/actors/": {"get", "post"},
    "/api/v1/actors/{slug}/": {"get", "put", "patch", "delete"},
    "/api/v1/negotiations/": {"get", "post"},
    "/api/v1/negotiations/{slug}/": {"get", "put", "patch", "delete"},
    "/api/v1/proposals/": {"get", "post"},
    "/api/v1/proposals/{slug}/": {"get", "put", "patch", "delete"},
    "/api/v1/articles/": {"get", "post"},
    "/api/v1/articles/{id}/": {"get", "put", "patch", "delete"},
    "/api/v1/events/": {"get", "post"},
    "/api/v1/events/{slug}/": {"get", "put", "patch", "delete"},
    "/api/v1/positions/": {"get", "post"},
    "/api/v1/positions/{id}/": {"get", "put", "patch", "delete"},
    "/api/v1/positions/{id}/history/": {"get"},
    "/api/v1/positions/bulk/": {"post"},
    "/api/v1/stances/": {"get"},
    "/api/v1/timeline/": {"get"},
    "/api/v1/changes/": {"get"},
    "/api/v1/gap/": {"get"},
}

# The query parameters API.md names for each list and analysis endpoint.
QUERY_PARAMETERS = {
    "/api/v1/actors/": {"kind", "search", "negotiation"},
    "/api/v1/proposals/": {"negotiation", "originated_by", "search"},
    "/api/v1/articles/": {
        "outlet",
        "published_after",
        "published_before",
        "actor",
        "proposal",
        "search",
    },
    "/api/v1/events/": {
        "negotiation",
        "kind",
        "starts_after",
        "starts_before",
        "search",
    },
    "/api/v1/positions/": {
        "actor",
        "proposal",
        "negotiation",
        "speaker",
        "article",
        "outlet",
        "stance",
        "stance_min",
        "stance_max",
        "stated_after",
        "stated_before",
        "confidence",
        "search",
        "ordering",
        "format",
    },
    "/api/v1/stances/": {
        "as_of",
        "negotiation",
        "actor",
        "proposal",
        "format",
        "cursor",
        "page_size",
    },
    "/api/v1/timeline/": {
        "actor",
        "proposal",
        "negotiation",
        "stated_after",
        "stated_before",
    },
    "/api/v1/changes/": {
        "actor",
        "proposal",
        "negotiation",
        "since",
        "until",
        "kind",
        "format",
        "cursor",
        "page_size",
    },
    "/api/v1/gap/": {"a", "b", "negotiation", "since", "until"},
}


@pytest.fixture(scope="module")
def served_schema(django_db_setup, django_db_blocker):
    """The schema as served: it depends on the code alone, so it is asked for
    once per module (generating it takes a second)."""
    with django_db_blocker.unblock():
        response = APIClient().get("/api/v1/schema/")
    assert response.status_code == 200
    return yaml.safe_load(response.content)


@pytest.fixture
def schema(served_schema, db):
    """The served schema, parsed; each test gets a copy of its own."""
    return copy.deepcopy(served_schema)


def _query_parameters(operation):
    return {p["name"]: p for p in operation.get("parameters", []) if p["in"] == "query"}


def test_it_serves_an_openapi_3_schema_as_yaml_and_json(api_client, schema):
    as_json = api_client.get("/api/v1/schema/?format=json")

    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"]
    assert as_json.status_code == 200
    assert json.loads(as_json.content) == schema


def test_it_describes_every_path_and_method_of_the_contract(schema):
    described = {
        path: set(operations) - {"parameters"}
        for path, operations in schema["paths"].items()
    }

    for path, methods in RESOURCE_PATHS.items():
        assert path in described, path
        assert methods <= described[path], (path, described[path])


def test_it_describes_the_query_parameters_of_the_contract(schema):
    for path, names in QUERY_PARAMETERS.items():
        documented = set(_query_parameters(schema["paths"][path]["get"]))
        assert names <= documented, (path, names - documented)


def test_it_marks_a_and_b_of_the_gap_as_required(schema):
    parameters = _query_parameters(schema["paths"]["/api/v1/gap/"]["get"])

    assert parameters["a"]["required"] is True
    assert parameters["b"]["required"] is True
    assert not parameters["since"].get("required", False)


def test_it_types_the_dates_and_kinds_of_the_analysis_parameters(schema):
    stances = _query_parameters(schema["paths"]["/api/v1/stances/"]["get"])
    changes = _query_parameters(schema["paths"]["/api/v1/changes/"]["get"])

    assert stances["as_of"]["schema"] == {"type": "string", "format": "date"}
    assert changes["since"]["schema"] == {"type": "string", "format": "date"}
    assert set(changes["kind"]["schema"]["items"]["enum"]) == {
        "initial",
        "shift",
        "reversal",
    }


def test_it_describes_the_fields_of_the_analysis_responses(schema):
    def fields(path):
        content = schema["paths"][path]["get"]["responses"]["200"]["content"]
        return _resolve(schema, content["application/json"]["schema"])

    stance_page = fields("/api/v1/stances/")
    stance = _resolve(schema, stance_page["properties"]["results"]["items"])
    change_page = fields("/api/v1/changes/")
    change = _resolve(schema, change_page["properties"]["results"]["items"])
    gap = fields("/api/v1/gap/")
    timeline = fields("/api/v1/timeline/")

    assert set(stance["properties"]) >= {
        "actor",
        "proposal",
        "stance",
        "stance_label",
        "stated_on",
        "position",
        "disputed",
    }
    assert set(change["properties"]) >= {
        "actor",
        "proposal",
        "kind",
        "from_stance",
        "to_stance",
        "from_position",
        "to_position",
        "changed_on",
    }
    assert set(gap["properties"]) == {"a", "b", "points"}
    assert set(timeline["properties"]) == {"series", "next", "previous", "count"}


def _resolve(schema, node):
    while "$ref" in node:
        name = node["$ref"].removeprefix("#/components/schemas/")
        node = schema["components"]["schemas"][name]
    return node


def test_it_passes_spectacular_validation_without_warnings(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            str(MANAGE_PY),
            "spectacular",
            "--validate",
            "--fail-on-warn",
            "--file",
            str(tmp_path / "schema.yaml"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr
    assert "/api/v1/gap/" in (tmp_path / "schema.yaml").read_text()


def test_it_renders_the_docs_from_local_static_files_only(api_client, db):
    response = api_client.get("/api/v1/docs/")

    assert response.status_code == 200
    html = response.content.decode()
    assets = re.findall(r"<(?:script|link)\b[^>]*\b(?:src|href)=\"([^\"]+)\"", html)
    assert len(assets) >= 3
    for asset in assets:
        # The split view serves Swagger UI's start-up script from the docs URL
        # itself (no inline script, for the CSP); the rest are static files.
        if asset == "/api/v1/docs/?script=":
            continue
        assert asset.startswith("/static/"), asset
        assert finders.find(asset.removeprefix("/static/")) is not None, asset
    assert not re.search(r"(?:src|href)=[\"']?(?:https?:)?//(?!testserver/)", html)


def test_it_lists_every_endpoint_at_the_root(api_client, db):
    response = api_client.get("/api/v1/")

    assert response.status_code == 200
    assert set(response.json()) == {
        "actors",
        "negotiations",
        "proposals",
        "articles",
        "events",
        "positions",
        "releases",
        "stances",
        "timeline",
        "changes",
        "gap",
        "diff",
        "schema",
        "docs",
    }
    assert response.json()["positions"] == "http://testserver/api/v1/positions/"
    assert response.json()["gap"] == "http://testserver/api/v1/gap/"
    for url in response.json().values():
        assert api_client.get(url).status_code in (200, 400), url


# Checks of the generated runs in-process. Left out here: positive_data_acceptance,
# because a string the schema allows is still an unknown slug, which API.md
# answers with 400 (.ci/fuzz runs it, its hooks naming rows the demo data has);
# negative_data_rejection, run by .ci/fuzz with every other check; ignored_auth
# on reads, see test_it_documents_that_reads_need_no_credentials.
CONFORMANCE = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
# Derandomized: the same examples on every run, so that a known bug that a
# random run may or may not hit does not make the suite flaky.
FUZZ_SETTINGS = hypothesis.settings(
    max_examples=10,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(hypothesis.HealthCheck),
)


@pytest.fixture
def in_test_transaction():
    """Keep the requests on the test's connection, as Django's test client does.

    The WSGI handler closes "old" connections around each request; on
    PostgreSQL that would drop the test transaction and the data in it.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _wsgi_schema(settings, *modes):
    settings.ALLOWED_HOSTS = ["localhost", "testserver"]
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", application)
    schema.config.generation.update(modes=list(modes))
    return schema


@pytest.fixture
def valid_reads_api(in_test_transaction, korea_case, settings):
    return _wsgi_schema(settings, "positive")


@pytest.fixture
def any_reads_api(in_test_transaction, korea_case, settings):
    return _wsgi_schema(settings, "positive", "negative")


@pytest.fixture
def curator_writes_api(in_test_transaction, korea_case, curator, settings):
    schema = _wsgi_schema(settings, "positive")
    key = Token.objects.create(user=curator).key

    class CuratorToken:
        def get(self, case, context):
            return key

        def set(self, case, data, context):
            case.headers = {**(case.headers or {}), "Authorization": f"Token {data}"}

    schema.auth.auth(refresh_interval=None)(CuratorToken)
    return schema


valid_reads = schemathesis.pytest.from_fixture("valid_reads_api").include(method="GET")


@pytest.mark.fuzz
@valid_reads.parametrize()
@FUZZ_SETTINGS
def test_it_answers_generated_reads_as_its_schema_says(case):
    case.call_and_validate(checks=CONFORMANCE)


any_reads = schemathesis.pytest.from_fixture("any_reads_api").include(method="GET")


@pytest.mark.fuzz
@any_reads.parametrize()
@FUZZ_SETTINGS
def test_it_never_fails_with_5xx_on_generated_valid_or_invalid_reads(case):
    case.call_and_validate(checks=[not_a_server_error])


# The bulk endpoint is left out while its 400 body contradicts its schema: see
# test_it_answers_a_bulk_body_that_is_not_a_list_as_documented.
curator_writes = (
    schemathesis.pytest.from_fixture("curator_writes_api")
    .exclude(method="GET")
    .exclude(path="/api/v1/positions/bulk/")
)


@pytest.mark.fuzz
@curator_writes.parametrize()
@FUZZ_SETTINGS
def test_it_answers_generated_writes_as_its_schema_says(case):
    case.call_and_validate(checks=[*CONFORMANCE, ignored_auth])


def test_it_answers_a_bulk_body_that_is_not_a_list_as_documented(
    schema, curator_api, korea_case
):
    documented = schema["paths"]["/api/v1/positions/bulk/"]["post"]["responses"]
    body_schema = documented["400"]["content"]["application/json"]["schema"]

    response = curator_api.post(
        "/api/v1/positions/bulk/", {"actor": "us"}, format="json"
    )

    assert response.status_code == 400
    validator = jsonschema.Draft4Validator(
        {**body_schema, "components": schema["components"]}
    )
    assert validator.is_valid(response.json()), response.json()


def test_it_documents_that_reads_need_no_credentials(schema, api_client, korea_case):
    assert api_client.get("/api/v1/stances/").status_code == 200
    for path, operations in schema["paths"].items():
        if "get" in operations:
            assert {} in operations["get"].get("security", [{}]), path


@pytest.mark.parametrize(
    ("path", "status"),
    [
        # Found by schemathesis (the schema gives `article` no maximum).
        ("/api/v1/positions/?article=99999999999999999999", 400),
        ("/api/v1/positions/?outlet=a%00b", 400),
        ("/api/v1/articles/?outlet=%00", 400),
        ("/api/v1/positions/?stance=99999999999999999999", 400),
        ("/api/v1/positions/?page_size=99999999999999999999", 400),
        ("/api/v1/articles/?actor=99999999999999999999", 400),
        ("/api/v1/positions/99999999999999999999/history/", 404),
        ("/api/v1/gap/?a=%00&b=us", 400),
    ],
)
def test_it_answers_an_extreme_query_value_without_a_server_error(
    api_client, korea_case, path, status
):
    api_client.raise_request_exception = False

    response = api_client.get(path)

    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
