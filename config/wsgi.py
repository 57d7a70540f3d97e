import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# A web request's statements are bounded (see DB_STATEMENT_TIMEOUT_MS in
# settings); management commands run without this limit.
os.environ.setdefault("DB_STATEMENT_TIMEOUT_MS", "15000")

django_application = get_wsgi_application()

from config.lib.edge_cache import EdgeCache  # noqa: E402 - needs Django set up
from positions.api.lean import LeanPositionReads  # noqa: E402

# Cached anonymous answers are served before Django sees the request, and
# the hottest reads of positions are read in one statement (and then kept).
application = EdgeCache(LeanPositionReads(django_application))
