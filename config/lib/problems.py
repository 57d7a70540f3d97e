"""RFC 9457 problem details, for a client that asks for them.

The default error body stays Django REST framework's (``{"detail": …}`` or
messages by field). A client whose Accept names
``application/problem+json`` gets ``type``, ``title``, ``status``,
``detail`` and, for bad fields or parameters, ``errors`` (the default body's
messages by name). Each kind of error has one ``type`` URI, listed here and
in the schema.
"""

import json

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_PATH = "/api/v1/problems/"

# kind: (status, title). The type URI is PROBLEM_PATH + kind.
PROBLEMS = {
    "invalid": (400, "Invalid parameter or body"),
    "not-authenticated": (401, "Credentials missing or not valid"),
    "forbidden": (403, "Not allowed"),
    "not-found": (404, "Not found"),
    "method-not-allowed": (405, "Method not allowed"),
    "not-acceptable": (406, "No acceptable representation"),
    "conflict": (409, "Conflict with the stored data"),
    "precondition-failed": (412, "If-Match does not match"),
    "too-large": (413, "Request too large"),
    "unsupported-media-type": (415, "Unsupported media type"),
    "throttled": (429, "Too many requests"),
    "server-error": (500, "Server error"),
    "busy": (503, "Server busy"),
}
KIND_BY_STATUS = {status: kind for kind, (status, _) in PROBLEMS.items()}
# (status, kind): type URI, as the schema lists them.
PROBLEM_TYPES = {
    (status, kind): PROBLEM_PATH + kind for kind, (status, _) in PROBLEMS.items()
}


def wants_problem(request) -> bool:
    return PROBLEM_MEDIA_TYPE in request.META.get("HTTP_ACCEPT", "")


def problem_body(status: int, data) -> dict:
    """The problem details of an error whose default body is ``data``."""
    kind = KIND_BY_STATUS.get(status)
    if kind is None:
        kind = "invalid" if 400 <= status < 500 else "server-error"
    title = PROBLEMS[kind][1]
    body = {"type": PROBLEM_PATH + kind, "title": title, "status": status}
    if isinstance(data, dict) and set(data) == {"detail"}:
        body["detail"] = str(data["detail"])
    elif isinstance(data, dict) and set(data) == {"errors"}:
        # The bulk endpoint's body: errors by row already.
        body["detail"] = "Some rows are invalid; nothing was saved."
        body["errors"] = data["errors"]
    elif isinstance(data, dict):
        body["detail"] = "Invalid: " + ", ".join(map(str, data)) + "."
        body["errors"] = data
    elif isinstance(data, list):
        body["detail"] = " ".join(map(str, data))
        body["errors"] = {"non_field_errors": data}
    else:
        body["detail"] = title
    return body


class ProblemDetailsMiddleware:
    """Rewrites an API error's JSON body as problem details when asked."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code >= 400
            and request.path.startswith("/api/")
            and wants_problem(request)
            and not response.streaming
            and response.get("Content-Type", "").startswith("application/json")
        ):
            try:
                data = json.loads(response.content or b"{}")
            except ValueError:
                data = None
            response.content = json.dumps(problem_body(response.status_code, data))
            response["Content-Type"] = PROBLEM_MEDIA_TYPE
        return response
