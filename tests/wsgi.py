"""Requests through a WSGI application, as gunicorn makes them: for what
runs in front of Django's handler (config/wsgi.py), which the test client
never reaches."""

import contextlib

from django.core import signals
from django.db import close_old_connections
from django.test import RequestFactory


def call(app, path: str, **headers) -> tuple[str, dict, bytes]:
    """(status line, headers, body) of a GET of ``path`` through ``app``."""
    environ = RequestFactory().get(path, headers=headers).environ
    answer = {}

    def start_response(status, response_headers, exc_info=None):
        answer["status"] = status
        answer["headers"] = dict(response_headers)

    result = app(environ, start_response)
    try:
        body = b"".join(result)
    finally:
        if hasattr(result, "close"):
            result.close()
    return answer["status"], answer["headers"], body


@contextlib.contextmanager
def connection_kept():
    """As Django's test client does: the test's transaction holds the
    connection, which the handler's request signals would otherwise close."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
