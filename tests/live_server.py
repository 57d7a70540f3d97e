"""A live server that answers one request at a time when it shares the
test's in-memory SQLite connection.

Django's live server is threaded, and with an in-memory SQLite database
every request thread uses the one connection the test made. Two requests at
once (a page's autocomplete fetch beside a form's POST) then interleave
statements on it, and SQLite answers "bad parameter or other API misuse":
in CI that turned a logged-in POST into a redirect to the login page.
Requests still arrive on threads (so an idle keep-alive socket blocks
nobody), but the application runs, response body included, under one lock.
"""

import threading

from django.core.servers.basehttp import ThreadedWSGIServer


class OneRequestAtATime:
    def __init__(self, application):
        self.application = application
        self.lock = threading.Lock()

    def __call__(self, environ, start_response):
        with self.lock:
            response = self.application(environ, start_response)
            try:
                # A streamed body reads the database as it is iterated.
                body = list(response)
            finally:
                if hasattr(response, "close"):
                    response.close()
        return body


class SerialisedWSGIServer(ThreadedWSGIServer):
    def set_app(self, application):
        super().set_app(OneRequestAtATime(application))
