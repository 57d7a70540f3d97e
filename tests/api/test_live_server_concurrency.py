"""The browser tests' live server answers requests made at the same time, as
a page's autocomplete fetches beside a form's POST are: every write lands and
every read answers, without a database error."""

import json
from concurrent.futures import ThreadPoolExecutor
from http.client import HTTPConnection
from urllib.parse import urlsplit

from rest_framework.authtoken.models import Token

from positions.models import Article

READS = ["/api/v1/events/?search=kang", "/api/v1/actors/", "/api/v1/positions/"]


def test_writes_beside_reads_all_land(live_server, korea_case, analyst):
    token = Token.objects.create(user=analyst).key
    address = urlsplit(live_server.url)

    def send(job):
        kind, number = job
        connection = HTTPConnection(address.hostname, address.port, timeout=30)
        if kind == "read":
            connection.request("GET", READS[number % len(READS)])
        else:
            article = {
                "url": f"https://news.example.org/concurrent-{number}",
                "title": f"Concurrent {number}",
                "outlet": "Example News",
                "published_on": "2019-03-28",
            }
            connection.request(
                "POST",
                "/api/v1/articles/",
                body=json.dumps(article),
                headers={
                    "Authorization": f"Token {token}",
                    "Content-Type": "application/json",
                },
            )
        response = connection.getresponse()
        response.read()
        connection.close()
        return kind, response.status

    jobs = [(kind, number) for number in range(60) for kind in ("read", "write")]
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(send, jobs))

    assert [a for a in answers if a not in {("read", 200), ("write", 201)}] == []
    assert Article.objects.filter(outlet="Example News").count() == 60
