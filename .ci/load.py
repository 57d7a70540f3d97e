"""Load against a live server: readers of every list and analysis endpoint,
and analysts writing positions, for a fixed time; then a check that every
position the writers were told was created exists exactly once.

    python .ci/load.py --url http://127.0.0.1:8032 --token-a KEY --token-b KEY

With --expect-outage, 503 answers (a database restart) are counted apart
and allowed; any other 5xx, a hang past the timeout, or a lost or doubled
write fails the run. With --in-flight N (a cluster losing a web process or
its replica), up to N requests may fail (no answer, 502 or 503: those caught
in flight), but none in the last --recovered seconds: reads must recover by
themselves. Exits non-zero on failure. Standard library only.
"""

import argparse
import datetime
import http.client
import json
import statistics
import sys
import threading
import time
import urllib.parse

READS = [
    "/api/v1/positions/?page_size=50",
    "/api/v1/positions/?actor={actor}&page_size=50",
    "/api/v1/positions/?proposal={proposal}&ordering=-stated_on",
    "/api/v1/actors/",
    "/api/v1/negotiations/",
    "/api/v1/proposals/?negotiation={negotiation}",
    "/api/v1/articles/?page_size=20",
    "/api/v1/stances/?proposal={proposal}&as_of=2020-06-30",
    "/api/v1/timeline/?actor={actor}&proposal={proposal}",
    "/api/v1/changes/?negotiation={negotiation}&page_size=50",
    "/api/v1/gap/?a={actor}&b={other_actor}&negotiation={negotiation}",
]
TIMEOUT = 15


class Client:
    def __init__(self, base, token=None):
        parts = urllib.parse.urlsplit(base)
        self.host, self.port, self.token = parts.hostname, parts.port, token
        self.connection = None

    def request(self, method, path, body=None):
        headers = {"Accept": "application/json"}
        if self.token:
            headers["Authorization"] = f"Token {self.token}"
        if body is not None:
            headers["Content-Type"] = "application/json"
            body = json.dumps(body)
        for attempt in (1, 2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection(
                    self.host, self.port, timeout=TIMEOUT
                )
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                return response.status, response.read()
            except (ConnectionError, http.client.HTTPException) as error:
                # A keep-alive connection the server closed: retry once, fresh.
                self.connection.close()
                self.connection = None
                if attempt == 2:
                    return 0, str(error).encode()
        return 0, b""


IN_FLIGHT = {0, 502, 503}


class Tally:
    def __init__(self, in_flight=0):
        self.lock = threading.Lock()
        self.latencies = {"read": [], "write": []}
        self.statuses = {}
        self.unexpected = []
        self.created = []
        self.in_flight = in_flight
        self.caught = []  # (monotonic time, detail) of in-flight failures

    def record(self, kind, status, seconds, detail=""):
        with self.lock:
            self.latencies[kind].append(seconds)
            self.statuses[status] = self.statuses.get(status, 0) + 1
            if detail and self.in_flight and status in IN_FLIGHT:
                self.caught.append((time.monotonic(), detail))
            elif detail:
                self.unexpected.append(detail)


def reader(base, context, deadline, tally, offset, allowed):
    client = Client(base)
    index = offset
    while time.monotonic() < deadline:
        path = READS[index % len(READS)].format(**context)
        index += 1
        started = time.monotonic()
        status, body = client.request("GET", path)
        seconds = time.monotonic() - started
        detail = "" if status in allowed else f"GET {path}: {status} {body[:200]!r}"
        tally.record("read", status, seconds, detail)


def writer(base, token, article, context, deadline, tally, number, allowed):
    client = Client(base, token)
    count = 0
    day = datetime.date(2025, 12, 31)
    while time.monotonic() < deadline:
        count += 1
        body = {
            "actor": context["actors"][count % len(context["actors"])],
            "proposal": context["proposals"][count % len(context["proposals"])],
            "article": article,
            "stance": (count % 5) - 2,
            "stated_on": (day - datetime.timedelta(days=count)).isoformat(),
            "quote": f"load writer {number}, write {count}",
            "confidence": "medium",
        }
        started = time.monotonic()
        status, response = client.request("POST", "/api/v1/positions/", body)
        seconds = time.monotonic() - started
        if status == 201:
            with tally.lock:
                tally.created.append(json.loads(response)["id"])
        detail = "" if status in allowed else f"POST: {status} {response[:200]!r}"
        tally.record("write", status, seconds, detail)


def percentile(values, fraction):
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--token-a", required=True)
    parser.add_argument("--token-b", required=True)
    parser.add_argument("--readers", type=int, default=6)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--expect-outage", action="store_true")
    parser.add_argument("--in-flight", type=int, default=0)
    parser.add_argument("--recovered", type=float, default=10.0)
    parser.add_argument("--settle", type=float, default=0.0)
    args = parser.parse_args()

    setup = Client(args.url, args.token_a)
    status, body = setup.request("GET", "/api/v1/actors/?kind=state&page_size=500")
    actors = [a["slug"] for a in json.loads(body)["results"]]
    status, body = setup.request("GET", "/api/v1/proposals/?page_size=500")
    proposals = json.loads(body)["results"]
    context = {
        "actor": actors[0],
        "other_actor": actors[1],
        "actors": actors,
        "proposal": proposals[0]["slug"],
        "proposals": [p["slug"] for p in proposals[:50]],
        "negotiation": proposals[0]["negotiation"],
    }
    articles = []
    for number, token in enumerate((args.token_a, args.token_b), start=1):
        status, body = Client(args.url, token).request(
            "POST",
            "/api/v1/articles/",
            {
                "url": f"https://load.example/{time.time_ns()}/{number}",
                "title": f"Load test article {number}",
                "outlet": "Load test",
                "published_on": "2026-01-01",
            },
        )
        if status != 201:
            sys.exit(f"Could not create the writers' article: {status} {body[:300]!r}")
        articles.append(json.loads(body)["id"])

    allowed = {200, 201} | ({503} if args.expect_outage else set())
    tally = Tally(args.in_flight)
    deadline = time.monotonic() + args.seconds
    threads = [
        threading.Thread(
            target=reader, args=(args.url, context, deadline, tally, i * 3, allowed)
        )
        for i in range(args.readers)
    ] + [
        threading.Thread(
            target=writer,
            args=(args.url, token, article, context, deadline, tally, n, allowed),
        )
        for n, (token, article) in enumerate(
            zip((args.token_a, args.token_b), articles, strict=True), start=1
        )
    ]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    # Reads may come from a replica a moment behind the primary.
    time.sleep(args.settle)

    # Every acknowledged write exists exactly once, and nothing else was written.
    stored = []
    for article in articles:
        path = f"/api/v1/positions/?article={article}&page_size=500"
        while path:
            status, body = setup.request("GET", path)
            page = json.loads(body)
            stored += [p["id"] for p in page["results"]]
            path = (
                page["next"]
                and urllib.parse.urlsplit(page["next"])
                ._replace(scheme="", netloc="")
                .geturl()
            )
    lost = sorted(set(tally.created) - set(stored))
    unacknowledged = sorted(set(stored) - set(tally.created))
    doubled = len(stored) - len(set(stored))

    total = sum(len(v) for v in tally.latencies.values())
    print(f"clients: {args.readers} readers + 2 writers, {elapsed:.1f} s")
    print(
        f"requests: {total}, {total / elapsed:.1f} req/s; statuses: {dict(sorted(tally.statuses.items()))}"
    )
    for kind, values in tally.latencies.items():
        if values:
            print(
                f"{kind:>5}: {len(values)} requests, p50 {percentile(values, 0.5) * 1000:.1f} ms,"
                f" p99 {percentile(values, 0.99) * 1000:.1f} ms,"
                f" max {max(values) * 1000:.1f} ms, mean {statistics.mean(values) * 1000:.1f} ms"
            )
    print(
        f"writes acknowledged: {len(tally.created)}, stored: {len(stored)}, lost: {len(lost)},"
        f" stored without acknowledgement: {len(unacknowledged)}, doubled: {doubled}"
    )
    late = [d for at, d in tally.caught if at > deadline - args.recovered]
    if args.in_flight:
        print(
            f"caught in flight: {len(tally.caught)} (at most {args.in_flight}),"
            f" in the last {args.recovered:.0f} s: {len(late)}"
        )
    # A write caught in flight may have been stored before its answer was
    # lost: the writer was never told, so it may stand unacknowledged.
    writes_caught = sum(1 for _, d in tally.caught if d.startswith("POST"))
    failed = bool(
        tally.unexpected
        or lost
        or doubled
        or len(unacknowledged) > writes_caught
        or len(tally.caught) > args.in_flight
        or late
    )
    for detail in tally.unexpected[:10]:
        print("unexpected:", detail)
    for _, detail in tally.caught[:10]:
        print("in flight:", detail)
    print("RESULT:", "FAILED" if failed else "OK")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
