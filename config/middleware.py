import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5
# PostgreSQL's code for a statement cancelled by statement_timeout.
QUERY_CANCELED = "57014"


class DatabaseUnavailableMiddleware:
    """Answers 503 with Retry-After when the database cannot be reached, or
    when a statement ran past the web processes' statement timeout.

    Django's connection health checks reconnect on the next request once the
    database is back, so the process recovers without a restart. The request
    that failed ran in its own transaction and left nothing behind.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        if getattr(exception.__cause__, "pgcode", None) == QUERY_CANCELED:
            logger.warning("Statement timeout for %s", request.get_full_path())
            message = (
                "This request needed longer than the server allows for one "
                "question. Narrow it with filters, or page through it."
            )
        else:
            logger.error("Database unavailable for %s: %s", request.path, exception)
            message = "The database is unavailable for a moment. Try again shortly."
        if request.path.startswith("/api/"):
            response = JsonResponse({"detail": message}, status=503)
        else:
            response = HttpResponse(
                render_to_string("503.html", {"message": message}), status=503
            )
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
