"""Issue 14: the schema says what the server does, and the conventions a
researcher's script relies on (errors, rate limits, counts, links)."""

import copy

import jsonschema
import pytest
import yaml
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from rest_framework.test import APIClient, APIRequestFactory
from rest_framework.throttling import SimpleRateThrottle

from config.lib.throttling import ExpensiveRequestMiddleware
from positions.models import Position

SLUG_FILTERS = {
    "/api/v1/positions/": ["actor", "proposal", "negotiation", "speaker", "event"],
    "/api/v1/articles/": ["actor", "proposal"],
    "/api/v1/actors/": ["negotiation"],
    "/api/v1/proposals/": ["negotiation", "originated_by"],
    "/api/v1/negotiations/": ["participant"],
    "/api/v1/events/": ["negotiation"],
    "/api/v1/stances/": ["actor", "proposal", "negotiation"],
}
CSV_COLUMNS = {
    "/api/v1/positions/": ["id", "actor", "proposal", "stance", "stated_on"],
    "/api/v1/stances/": ["actor", "proposal", "stance", "stated_on", "position"],
    "/api/v1/changes/": ["actor", "proposal", "kind", "changed_on"],
    "/api/v1/timeline/": ["actor", "proposal", "stated_on", "stance", "position"],
    "/api/v1/diff/": ["actor", "proposal"],
}


@pytest.fixture(scope="module")
def served_schema(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        response = APIClient().get("/api/v1/schema/")
    assert response.status_code == 200
    return yaml.safe_load(response.content)


@pytest.fixture
def schema(served_schema, db):
    return copy.deepcopy(served_schema)


def _parameters(schema, path, method="get"):
    return {
        p["name"]: p
        for p in schema["paths"][path][method].get("parameters", [])
        if p["in"] == "query"
    }


def _operations(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if method != "parameters":
                yield path, method, operation


@pytest.mark.parametrize(("path", "names"), SLUG_FILTERS.items())
def test_it_types_slug_filters_as_repeatable_strings(schema, path, names):
    parameters = _parameters(schema, path)

    for name in names:
        parameter = parameters[name]
        assert parameter["schema"]["type"] == "array", (path, name)
        assert parameter["schema"]["items"]["type"] == "string", (path, name)
        assert parameter["style"] == "form", (path, name)
        assert parameter["explode"] is True, (path, name)


def test_it_types_article_ids_as_repeatable_integers(schema):
    article = _parameters(schema, "/api/v1/positions/")["article"]

    assert article["schema"]["items"]["type"] == "integer"
    assert article["explode"] is True


def test_it_types_enums_by_their_values_with_labels_described(schema):
    positions = _parameters(schema, "/api/v1/positions/")
    changes = _parameters(schema, "/api/v1/changes/")

    confidence = positions["confidence"]["schema"]["items"]
    assert confidence["type"] == "string"
    assert set(confidence["enum"]) == {"low", "medium", "high"}
    stance = positions["stance"]["schema"]["items"]
    assert stance["type"] == "integer"
    assert set(stance["enum"]) == {-2, -1, 0, 1, 2}
    assert "rejects outright" in positions["stance"]["description"]
    assert changes["kind"]["schema"]["items"]["type"] == "string"
    assert changes["kind"]["explode"] is True


def test_a_client_sending_a_documented_confidence_gets_an_answer(
    api_client, korea_case
):
    response = api_client.get("/api/v1/positions/?confidence=high&confidence=low")

    assert response.status_code == 200


def test_it_documents_the_error_statuses_each_operation_can_answer(schema):
    for path, method, operation in _operations(schema):
        documented = {int(code) for code in operation["responses"] if code >= "4"}
        expected = {400, 401, 406, 414, 429, 503}
        if method != "get":
            expected.add(403)
        if "{" in path:
            expected.add(404)
        if method in ("put", "patch", "delete"):
            expected |= {409, 412}
        if method in ("post", "put", "patch"):
            expected |= {413, 415}
        assert documented == expected, (method, path)


def test_every_error_response_has_a_json_and_a_problem_body(schema):
    for path, method, operation in _operations(schema):
        for code, response in operation["responses"].items():
            if code < "4" or code == "414":
                continue
            content = response["content"]
            assert "application/problem+json" in content, (method, path, code)
            assert "application/json" in content, (method, path, code)
            if code in ("429", "503"):
                assert response["headers"]["Retry-After"]["required"] is True


def test_it_declares_csv_as_csv_with_its_columns(schema):
    for path, columns in CSV_COLUMNS.items():
        content = schema["paths"][path]["get"]["responses"]["200"]["content"]
        csv = content["text/csv"]["schema"]
        assert csv["type"] == "string", path
        header = csv["example"].splitlines()[0].split(",")
        assert set(columns) <= set(header), path


def test_the_csv_header_is_the_documented_one(schema, api_client, korea_case):
    for path in CSV_COLUMNS:
        documented = schema["paths"][path]["get"]["responses"]["200"]["content"]
        example = documented["text/csv"]["schema"]["example"]
        query = "&from_date=2019-01-01&to_date=2019-12-31" if "diff" in path else ""
        response = api_client.get(f"{path}?format=csv{query}")

        served = b"".join(response.streaming_content).decode()
        # The timeline's `speaker` column comes with by=speaker only.
        assert example.startswith(served.splitlines()[0]), path


def test_it_counts_on_request_only(api_client, korea_case):
    plain = api_client.get("/api/v1/positions/?page_size=1")
    counted = api_client.get("/api/v1/positions/?page_size=1&count=true")
    stances = api_client.get("/api/v1/stances/?count=true&page_size=1")

    assert "count" not in plain.json()
    assert counted.json()["count"] == Position.objects.count()
    assert len(counted.json()["results"]) == 1
    assert stances.json()["count"] >= 2
    assert api_client.get("/api/v1/actors/?count=yes").status_code == 400


def test_the_timeline_counts_its_pairs(api_client, korea_case):
    body = api_client.get("/api/v1/timeline/?count=true&page_size=1").json()

    pairs = Position.objects.values("actor", "proposal").distinct().count()
    assert body["count"] == pairs
    assert len(body["series"]) == 1


def test_it_sends_link_headers_beside_next_and_previous(api_client, korea_case):
    first = api_client.get("/api/v1/positions/?page_size=1")
    second = api_client.get(first.json()["next"])
    timeline = api_client.get("/api/v1/timeline/?page_size=1")

    assert first["Link"] == f'<{first.json()["next"]}>; rel="next"'
    assert f'<{second.json()["next"]}>; rel="next"' in second["Link"]
    assert f'<{second.json()["previous"]}>; rel="prev"' in second["Link"]
    assert timeline["Link"] == f'<{timeline.json()["next"]}>; rel="next"'


@pytest.fixture
def low_rates(monkeypatch):
    monkeypatch.setattr(
        SimpleRateThrottle,
        "THROTTLE_RATES",
        {**SimpleRateThrottle.THROTTLE_RATES, "anon": "3/minute"},
    )
    cache.clear()
    yield
    cache.clear()


def test_it_sends_ratelimit_headers_and_retry_after_when_throttled(
    api_client, korea_case, low_rates
):
    answers = [api_client.get("/api/v1/actors/") for _ in range(4)]

    assert [a["RateLimit-Limit"] for a in answers[:3]] == ["3", "3", "3"]
    assert [a["RateLimit-Remaining"] for a in answers[:3]] == ["2", "1", "0"]
    assert 0 < int(answers[0]["RateLimit-Reset"]) <= 60
    assert answers[3].status_code == 429
    assert answers[3]["RateLimit-Remaining"] == "0"
    assert int(answers[3]["Retry-After"]) >= 1


def test_an_expensive_request_past_its_cap_is_a_json_429(
    api_client, korea_case, settings
):
    settings.EXPENSIVE_PER_CLIENT = 0

    response = api_client.get("/api/v1/stances/")

    assert response.status_code == 429
    assert response["Content-Type"] == "application/json"
    assert "Too many requests" in response.json()["detail"]
    assert int(response["Retry-After"]) >= 1


def test_it_answers_problem_details_when_asked(api_client, korea_case):
    accept = {"HTTP_ACCEPT": "application/problem+json"}

    invalid = api_client.get("/api/v1/positions/?actor=nobody", **accept)
    missing = api_client.get("/api/v1/actors/nobody/", **accept)
    plain = api_client.get("/api/v1/positions/?actor=nobody")
    fine = api_client.get("/api/v1/actors/", **accept)

    assert invalid.status_code == 400
    assert invalid["Content-Type"] == "application/problem+json"
    body = invalid.json()
    assert body["type"] == "/api/v1/problems/invalid"
    assert body["status"] == 400
    assert body["title"]
    assert "actor" in body["detail"]
    assert "actor" in body["errors"]
    assert missing.json()["type"] == "/api/v1/problems/not-found"
    assert missing.json()["detail"]
    assert set(plain.json()) == {"actor"}
    assert fine.status_code == 200
    assert fine["Content-Type"] == "application/json"


def test_every_problem_type_is_documented(schema, api_client, curator_api, korea_case):
    documented = set(
        schema["components"]["schemas"]["Problem"]["properties"]["type"]["enum"]
    )
    accept = {"HTTP_ACCEPT": "application/problem+json"}

    answers = [
        api_client.get("/api/v1/positions/?actr=us", **accept),
        api_client.post("/api/v1/actors/", {}, **accept),
        api_client.get("/api/v1/actors/nobody/", **accept),
        curator_api.post("/api/v1/stances/", {}, **accept),
        curator_api.post("/api/v1/actors/", "x", content_type="text/plain", **accept),
    ]

    assert [a.status_code for a in answers] == [400, 401, 404, 405, 415]
    for answer in answers:
        assert answer.json()["type"] in documented


def test_the_schema_states_the_rate_limits(schema, settings):
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]

    description = schema["info"]["description"]

    assert rates["anon"] in description
    assert rates["user_expensive"] in description
    assert "RateLimit-Remaining" in description


def test_a_full_process_answers_a_json_503(api_client, korea_case, settings):
    settings.EXPENSIVE_PER_PROCESS = 1
    middleware = ExpensiveRequestMiddleware(lambda request: None)
    middleware.process_slots.acquire()
    request = APIRequestFactory().get("/api/v1/stances/")
    request.user = AnonymousUser()

    response = middleware(request)

    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert int(response["Retry-After"]) >= 1


def test_an_unsatisfiable_accept_is_a_documented_406(schema, api_client, db):
    response = api_client.get("/api/v1/actors/", HTTP_ACCEPT="image/png")

    assert response.status_code == 406
    assert "406" in schema["paths"]["/api/v1/actors/"]["get"]["responses"]
    assert response.json()["detail"]


def _as_json_schema(node):
    """OpenAPI 3.0's schema dialect as JSON Schema: ``nullable``, refs."""
    if isinstance(node, list):
        return [_as_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _as_json_schema(value) for key, value in node.items()}
    if node.pop("nullable", False):
        node = {"anyOf": [node, {"type": "null"}]}
    if "$ref" in node:
        node["$ref"] = node["$ref"].replace("#/components/schemas/", "#/definitions/")
    return node


def test_every_example_fits_its_schema(schema):
    definitions = _as_json_schema(schema["components"]["schemas"])
    checked = 0

    for path, method, operation in _operations(schema):
        for code, response in operation["responses"].items():
            for content in response.get("content", {}).values():
                body_schema = _as_json_schema(content["schema"])
                validator = jsonschema.Draft7Validator(
                    {**body_schema, "definitions": definitions}
                )
                for example in (content.get("examples") or {}).values():
                    errors = [
                        e.message for e in validator.iter_errors(example["value"])
                    ]
                    assert not errors, (method, path, code, errors[:3])
                    checked += 1

    assert checked >= 5


def test_the_servers_uri_limit_is_documented_as_its_html_page(schema):
    response = schema["paths"]["/api/v1/positions/"]["get"]["responses"]["414"]
    actor = _parameters(schema, "/api/v1/positions/")["actor"]

    assert set(response["content"]) == {"text/html"}
    assert "limit_request_line" in response["description"]
    kinds = _parameters(schema, "/api/v1/actors/")["kind"]
    assert actor["schema"]["maxItems"] == 100
    assert "maxItems" not in kinds["schema"]


def test_the_cap_on_repeated_values_is_the_servers(api_client, korea_case):
    many_slugs = "&".join(["actor=us"] * 101)
    many_kinds = "&".join(["kind=state"] * 101)

    assert api_client.get(f"/api/v1/positions/?{many_slugs}").status_code == 400
    assert api_client.get(f"/api/v1/actors/?{many_kinds}").status_code == 200


@pytest.mark.parametrize("method", ["trace", "delete", "put"])
def test_a_method_an_analysis_lacks_is_405_even_with_known_at(
    curator_api, korea_case, method
):
    # known_at is an analysis's parameter, but the method comes first.
    answer = curator_api.generic(
        method.upper(), "/api/v1/stances/?known_at=2019-06-01T00:00:00Z"
    )

    assert answer.status_code == 405


def _concrete(api_client, path: str) -> str | None:
    """``path`` with its {slug} or {id} naming the first row of its list."""
    if "{" not in path:
        return path
    listing, placeholder = path.split("{", 1)
    rows = api_client.get(listing).json()
    rows = rows.get("results", rows) if isinstance(rows, dict) else rows
    if not rows:
        return None
    key = placeholder.split("}", 1)[0]
    value = rows[0].get(key, rows[0].get("id"))
    return path.replace(f"{{{key}}}", str(value))


def test_every_read_names_an_unknown_parameter(schema, api_client, korea_case):
    # No data silently lost: a misspelt parameter is never ignored.
    silent = []
    for path, operations in schema["paths"].items():
        concrete = _concrete(api_client, path) if "get" in operations else None
        if concrete is None or api_client.get(concrete).status_code != 200:
            continue
        answer = api_client.get(concrete, {"zzz_not_a_parameter": "1"})
        if answer.status_code != 400:
            silent.append((concrete, answer.status_code))

    assert silent == []
