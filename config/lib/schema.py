"""What the OpenAPI schema says beyond what drf-spectacular infers.

drf-spectacular reads the views; the rest is stated here once for every
operation, so that the schema cannot drift from the server: the error
statuses each operation can answer (with their bodies, plain and RFC 9457),
``Retry-After`` and ``RateLimit-*`` headers, the types of the filters
(slugs are strings, repeatable ones are ``form``/``explode`` arrays) and
enums typed by their values.
"""

from django.conf import settings
from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.plumbing import build_array_type, build_parameter_type
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import serializers

from config.lib.filtering import IdsFilter, RepeatableCharFilter, SlugsFilter
from config.lib.limits import MAX_PAGE_SIZE, MAX_REPEATED_VALUES
from config.lib.pagination import PAGE_SIZE_PARAMETER
from config.lib.problems import PROBLEM_TYPES

ERRORS = {
    400: OpenApiResponse(description="Invalid parameter or body; the body names it."),
    404: OpenApiResponse(description="Not found."),
}
CONFLICTS = {
    409: OpenApiResponse(
        description="Conflict: a stale version, or still referred to."
    ),
    412: OpenApiResponse(description="If-Match no longer matches the stored ETag."),
}


def resource_schema(serializer_class):
    """Document a resource ViewSet's responses (the hook adds every error)."""
    return extend_schema_view(
        list=extend_schema(responses={200: serializer_class(many=True), **ERRORS}),
        retrieve=extend_schema(responses={200: serializer_class, **ERRORS}),
        create=extend_schema(responses={201: serializer_class, **ERRORS}),
        update=extend_schema(responses={200: serializer_class, **ERRORS, **CONFLICTS}),
        partial_update=extend_schema(
            responses={200: serializer_class, **ERRORS, **CONFLICTS}
        ),
        destroy=extend_schema(responses={204: None, **ERRORS, **CONFLICTS}),
    )


def list_page_schema(name: str, serializer_class):
    """A page of an analysis list: ``next``, ``previous`` and ``results``."""
    return inline_serializer(
        name=name,
        fields={
            "count": serializers.IntegerField(
                required=False, help_text="With `?count=true` only."
            ),
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": serializer_class(many=True),
        },
    )


# On a list operation: its CSV columns (drf-spectacular pages every response
# of a list, the CSV one too; the hook puts the plain CSV back).
CSV_COLUMNS_EXTENSION = "x-csv-columns"


def csv_schema(columns) -> dict:
    """The ``text/csv`` content of an export: a header row, then the rows."""
    header = ",".join(columns)
    return {
        "type": "string",
        "description": "CSV (UTF-8): a header row, then one line per row, every "
        f"matching row (not one page). Columns: {', '.join(columns)}.",
        "example": f"{header}\r\n",
    }


# --- Query parameters -------------------------------------------------------


class StrictFilterExtension(DjangoFilterExtension):
    """The project's own filters: a slug filter takes any number of slugs (or
    numeric ids), an id filter any number of ids, both repeated for OR."""

    priority = 1

    def resolve_filter_field(
        self, auto_schema, model, filterset_class, field_name, filter_field
    ):
        if isinstance(filter_field, IdsFilter):
            item, default = {"type": "integer", "minimum": 1}, "Id (repeat for OR)."
        elif isinstance(filter_field, SlugsFilter):
            item = {"type": "string", "minLength": 1}
            default = "Slug or numeric id (repeat for OR)."
        elif isinstance(filter_field, RepeatableCharFilter):
            item, default = {"type": "string", "minLength": 1}, "Repeat for OR."
        else:
            parameters = super().resolve_filter_field(
                auto_schema, model, filterset_class, field_name, filter_field
            )
            # Bounds the filter enforces (stance_min, stance_max: -2 to 2).
            bounds = {"minimum": "min_value", "maximum": "max_value"}
            for parameter in parameters:
                for keyword, extra in bounds.items():
                    if filter_field.extra.get(extra) is not None:
                        parameter["schema"][keyword] = filter_field.extra[extra]
            return parameters
        return [
            build_parameter_type(
                name=field_name,
                required=False,
                location=OpenApiParameter.QUERY,
                description=str(filter_field.extra.get("help_text") or default),
                schema=build_array_type(item),
                explode=True,
                style="form",
            )
        ]


def _typed_by_values(schema: dict) -> None:
    """An enum's type is its values' (``confidence``'s are strings)."""
    target = schema.get("items", schema)
    values = target.get("enum")
    if not values:
        return
    if all(isinstance(value, bool) for value in values):
        target["type"] = "boolean"
    elif all(isinstance(value, int) for value in values):
        target["type"] = "integer"
    elif all(isinstance(value, str) for value in values):
        target["type"] = "string"


# Something besides white space, and no NUL: a blank value is refused as an
# empty one is (forms strip it), and no stored text holds a NUL.
NOT_BLANK = "^[^\\u0000]*[^\\s\\u0000][^\\u0000]*$"


def _fix_parameter(parameter: dict) -> None:
    schema = parameter.get("schema", {})
    _typed_by_values(schema)
    if parameter["in"] != "query":
        return
    if parameter["name"] == PAGE_SIZE_PARAMETER:
        schema.update(minimum=1, maximum=MAX_PAGE_SIZE)
    if schema.get("type") == "array":
        # Repeated for OR: ?actor=us&actor=north-korea. Names and ids are
        # capped (more is a 400); choices from an enum are not.
        parameter["style"], parameter["explode"] = "form", True
        if "enum" not in schema.get("items", {}):
            schema.setdefault("maxItems", MAX_REPEATED_VALUES)
    target = schema.get("items", schema)
    if target.get("type") == "string" and not {"enum", "format"} & set(target):
        # An empty or blank value is a 400 naming the parameter, never "not
        # given"; so is a NUL character, which no stored text holds.
        target.setdefault("minLength", 1)
        target.setdefault("pattern", NOT_BLANK)


# --- Responses --------------------------------------------------------------

ERROR_SCHEMA = {
    "type": "object",
    "description": "An error as Django REST framework writes it: `detail` for "
    "the request as a whole, or a list of messages under the name of each bad "
    "field or parameter (`non_field_errors` for the body as a whole).",
    "properties": {"detail": {"type": "string"}},
    "additionalProperties": {
        "description": "Messages about the field or parameter of that name."
    },
    "example": {
        "actor": ["Select a valid choice. nobody is not one of the available choices."]
    },
}

PROBLEM_SCHEMA = {
    "type": "object",
    "description": "RFC 9457 problem details, sent to a client whose Accept "
    "names `application/problem+json`.",
    "required": ["type", "title", "status"],
    "properties": {
        "type": {
            "type": "string",
            "format": "uri-reference",
            "enum": sorted(PROBLEM_TYPES.values()),
            "description": "What kind of error: "
            + "; ".join(
                f"`{uri}` ({status})"
                for (status, _), uri in sorted(PROBLEM_TYPES.items())
            )
            + ".",
        },
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {
            "type": "object",
            "description": "The messages of each bad field or parameter.",
            "additionalProperties": {},
        },
    },
    "example": {
        "type": "/api/v1/problems/invalid",
        "title": "Invalid parameter or body",
        "status": 400,
        "detail": "Invalid: actor.",
        "errors": {
            "actor": [
                "Select a valid choice. nobody is not one of the available choices."
            ]
        },
    },
}

ERROR_DESCRIPTIONS = {
    400: "Invalid parameter or body: an unknown, empty or malformed parameter, "
    "an unknown slug, an unknown field. The body names each.",
    401: "Credentials missing (a write) or not valid.",
    403: "Not allowed: the user lacks the model permission (or the CSRF token).",
    404: "Not found.",
    406: "`Accept` names no media type this operation can answer with.",
    414: "The request line is too long for the server in front of the app "
    "(gunicorn's `limit_request_line`): an HTML page, not JSON. Send fewer "
    "or shorter parameters.",
    409: "Conflict: a stale `version`, or still referred to by other rows.",
    412: "`If-Match` no longer names the stored version.",
    413: "The body is too large (or too many rows).",
    415: "The body's media type is not JSON, form or multipart.",
    429: "Too many requests: past a rate (see `RateLimit-*`) or too many "
    "expensive requests in flight. `Retry-After` says when to try again.",
    503: "The server is busy with long requests, or its database is "
    "unavailable for a moment. `Retry-After` says when to try again.",
}

RETRY_AFTER = {
    "Retry-After": {
        "description": "Seconds to wait before trying again.",
        "required": True,
        "schema": {"type": "integer", "minimum": 0},
    }
}

RATE_LIMIT_HEADERS = {
    "RateLimit-Limit": {
        "description": "Requests allowed in the current window, by the tightest "
        "rate that applies to this request.",
        "schema": {"type": "integer", "minimum": 0},
    },
    "RateLimit-Remaining": {
        "description": "Requests left in the window.",
        "schema": {"type": "integer", "minimum": 0},
    },
    "RateLimit-Reset": {
        "description": "Seconds until the window has room again.",
        "schema": {"type": "integer", "minimum": 0},
    },
}

ERROR_CONTENT = {
    "application/json": {"schema": {"$ref": "#/components/schemas/Error"}},
    "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}},
}


def error_statuses(path: str, method: str, operation: dict) -> set[int]:
    """Every error status the operation can answer, and only those. 503 on
    any: the database gone or a statement past its timeout
    (config.middleware), or too many expensive requests in the process."""
    statuses = {400, 401, 406, 414, 429, 503}
    if method != "get":
        statuses.add(403)
    if "{" in path:
        statuses.add(404)
    if method in ("put", "patch", "delete"):
        statuses |= {409, 412}
    if method in ("post", "put", "patch"):
        statuses |= {413, 415}
    return statuses


def _document_errors(path: str, method: str, operation: dict) -> None:
    responses = operation["responses"]
    statuses = error_statuses(path, method, operation)
    for code in list(responses):
        if code.isdigit() and int(code) >= 400 and int(code) not in statuses:
            del responses[code]
    for status in sorted(statuses):
        response = responses.setdefault(str(status), {})
        if not response.get("description"):
            response["description"] = ERROR_DESCRIPTIONS[status]
        content = response.setdefault("content", {})
        if status == 414:
            # gunicorn answers it before the app: its own HTML page.
            response["content"] = {"text/html": {"schema": {"type": "string"}}}
            continue
        for media_type, body in ERROR_CONTENT.items():
            content.setdefault(media_type, body)
        if status in (429, 503):
            response["headers"] = {**response.get("headers", {}), **RETRY_AFTER}
        if status == 429:
            response["headers"].update(RATE_LIMIT_HEADERS)
    for code, response in responses.items():
        if code.startswith("2"):
            response["headers"] = {**response.get("headers", {}), **RATE_LIMIT_HEADERS}


def _document_request_body(operation: dict) -> None:
    """JSON bodies, as clients send them. Form and multipart bodies are
    accepted too (the browsable API posts forms) but not offered: they
    cannot say null, and a generated client would get one body type per
    media type."""
    body = operation.get("requestBody")
    if body is not None and "application/json" in body.get("content", {}):
        body["content"] = {"application/json": body["content"]["application/json"]}


def truthful_schema_hook(result, generator, request, public):
    """Errors, headers and parameter types for every operation (see above)."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    for name, component in schemas.items():
        if name.endswith("Request") and component.get("type") == "object":
            # A field the resource does not have is a 400 naming it.
            component["additionalProperties"] = False
    schemas["Error"] = ERROR_SCHEMA
    schemas["Problem"] = PROBLEM_SCHEMA
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            for parameter in operation.get("parameters", []):
                _fix_parameter(parameter)
            columns = operation.pop(CSV_COLUMNS_EXTENSION, None)
            for code, response in operation["responses"].items():
                content = response.get("content", {})
                if "text/csv" not in content:
                    continue
                if columns is not None and code == "200":
                    content["text/csv"] = {"schema": csv_schema(columns)}
                elif content["text/csv"]["schema"].get("type") != "string":
                    # A CSV renderer's shadow on an operation that answers
                    # JSON whatever the format (a position, its history).
                    del content["text/csv"]
            _document_request_body(operation)
            _document_errors(path, method, operation)
    return result


def public_reads_hook(result, generator, request, public):
    """Document that reads need no credentials while PUBLIC_READ is on."""
    if not settings.PUBLIC_READ:
        return result
    for operations in result.get("paths", {}).values():
        get = operations.get("get")
        if get is not None and get.get("security") and {} not in get["security"]:
            get["security"].append({})
    return result
