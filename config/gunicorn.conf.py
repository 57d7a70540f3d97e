"""gunicorn settings for every deployment of the app (Dockerfile,
docker-compose.yml, the .ci scripts): ``gunicorn config.wsgi -c
config/gunicorn.conf.py``. Options given on the command line win.

Threaded workers: a sync worker serves one connection at a time, so a few
clients sending their headers slowly stalled the whole site when gunicorn
faced the internet directly. A gthread worker waits for a connection's first
bytes outside its thread pool and serves ``threads`` connections at once, so
a slow client holds one thread, not a worker. In front of a buffering proxy
(nginx, a load balancer) slow clients never reach gunicorn at all; that is
still the better place for the app.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# gunicorn's own default reads WEB_CONCURRENCY too; 2-4 per CPU core.
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
worker_class = "gthread"
# Each thread may hold a database connection (CONN_MAX_AGE): workers x
# threads stays well under PostgreSQL's max_connections (100).
# Expensive requests take at most EXPENSIVE_PER_PROCESS of them (3): the rest
# stay free for plain requests, and for clients slow to send their headers.
threads = int(os.environ.get("GUNICORN_THREADS", "16"))
# A worker that stops answering the arbiter for this long is restarted; a
# request should never take this long (the slowest export streams).
timeout = 30
# On restart or shutdown, requests in flight get this long to finish.
graceful_timeout = 20
# Idle kept-alive connections are closed after this many seconds.
keepalive = 5
# Bounds on what a request may send before the app sees it: the request line
# (method, path, query), the number of headers and each header's size.
limit_request_line = 4094
limit_request_fields = 50
limit_request_field_size = 8190
# Logs go to the container's output.
accesslog = "-"
errorlog = "-"
