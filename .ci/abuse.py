"""`make abuse`: can one anonymous client stall the site?

Two anonymous clients hammer the most expensive endpoints and pages, a third
holds connections open sending one header line every few seconds, and a
signed-in reader fetches one position again and again. It passes when that
reader's p99 stays under the bar and every abusive request ended in a
complete answer, a 4xx or a 503: never a cut body, a reset or a 5xx of
another kind. Traffic goes to loopback addresses only, for a bounded time.
"""

import argparse
import http.client
import socket
import statistics
import sys
import threading
import time
from collections import Counter
from urllib.parse import urlsplit

P99_BAR_MS = 500


def connection(url: str, source: str, timeout: float) -> http.client.HTTPConnection:
    parts = urlsplit(url)
    return http.client.HTTPConnection(
        parts.hostname, parts.port, timeout=timeout, source_address=(source, 0)
    )


def fetch(url: str, path: str, source: str, headers=None, timeout=120.0):
    """(status, body bytes); raises on a cut body or a broken connection."""
    conn = connection(url, source, timeout)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        body = response.read()  # IncompleteRead if the stream was cut
        return response.status, body
    finally:
        conn.close()


class Hammer(threading.Thread):
    """An anonymous client that asks for the expensive things, back to back."""

    def __init__(self, url, source, paths, stop, start=0):
        super().__init__(daemon=True)
        self.url, self.source, self.paths, self.stop = url, source, paths, stop
        self.start_at = start
        self.outcomes = Counter()
        self.slowest = {}
        self.failures = []

    def run(self):
        index = self.start_at
        while not self.stop.is_set():
            path = self.paths[index % len(self.paths)]
            index += 1
            name = path.split("?")[0] + ("?format=csv" if "format=csv" in path else "")
            started = time.perf_counter()
            try:
                status, body = fetch(self.url, path, self.source)
            except (OSError, http.client.HTTPException) as error:
                self.failures.append(f"{path}: {type(error).__name__}: {error}")
                self.outcomes[(name, "broken")] += 1
                continue
            seconds = time.perf_counter() - started
            self.outcomes[(name, status)] += 1
            if status == 200:
                self.slowest[name] = max(
                    self.slowest.get(name, (0, 0)), (seconds, len(body))
                )
            if status >= 500 and status != 503:
                self.failures.append(f"{path}: HTTP {status}")


class SlowHeaders(threading.Thread):
    """Holds ``sockets`` connections, each sending a header line every
    ``interval`` seconds and never finishing its request."""

    def __init__(self, url, source, sockets, interval, stop):
        super().__init__(daemon=True)
        self.url, self.source = url, source
        self.sockets, self.interval, self.stop = sockets, interval, stop
        self.opened = 0

    def _open(self):
        parts = urlsplit(self.url)
        sock = socket.create_connection(
            (parts.hostname, parts.port), timeout=5, source_address=(self.source, 0)
        )
        sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        self.opened += 1
        return sock

    def run(self):
        held = []
        line = 0
        while not self.stop.is_set():
            while len(held) < self.sockets:
                try:
                    held.append(self._open())
                except OSError:
                    time.sleep(0.2)
                    break
            line += 1
            for sock in list(held):
                try:
                    sock.sendall(f"X-Slow-{line}: 1\r\n".encode())
                except OSError:
                    held.remove(sock)
                    sock.close()
            self.stop.wait(self.interval)
        for sock in held:
            sock.close()


def probe(url, source, path, token, stop, latencies, errors, every):
    headers = {"Authorization": f"Token {token}"}
    while not stop.is_set():
        started = time.perf_counter()
        try:
            status, _ = fetch(url, path, source, headers=headers, timeout=30)
        except (OSError, http.client.HTTPException) as error:
            errors.append(f"{type(error).__name__}: {error}")
        else:
            if status != 200:
                errors.append(f"HTTP {status}")
            else:
                latencies.append((time.perf_counter() - started) * 1000)
        stop.wait(every)


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--token", required=True, help="the reader's API token")
    parser.add_argument("--position", type=int, required=True)
    parser.add_argument("--negotiation", required=True)
    parser.add_argument("--actors", required=True, help="comma-separated slugs")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--slow-sockets", type=int, default=6)
    parser.add_argument("--slow-interval", type=float, default=5)
    parser.add_argument(
        "--parallel", type=int, default=3, help="connections each abuser keeps busy"
    )
    arguments = parser.parse_args()

    many_actors = "&".join(f"actor={slug}" for slug in arguments.actors.split(","))
    expensive = [
        "/api/v1/timeline/",
        "/api/v1/positions/?format=csv",
        f"/api/v1/stances/?{many_actors}",
        "/api/v1/changes/?format=csv",
        "/search/?q=nuclear+talks",
        f"/negotiations/{arguments.negotiation}/",
    ]
    stop = threading.Event()
    hammers = [
        Hammer(arguments.url, source, expensive, stop, start=lane)
        for source in ("127.0.0.2", "127.0.0.3")
        for lane in range(arguments.parallel)
    ]
    slow = SlowHeaders(
        arguments.url,
        "127.0.0.4",
        arguments.slow_sockets,
        arguments.slow_interval,
        stop,
    )
    latencies, errors = [], []
    reader = threading.Thread(
        target=probe,
        args=(
            arguments.url,
            "127.0.0.5",
            f"/api/v1/positions/{arguments.position}/",
            arguments.token,
            stop,
            latencies,
            errors,
            0.2,
        ),
        daemon=True,
    )
    for thread in (*hammers, slow, reader):
        thread.start()
    time.sleep(arguments.seconds)
    stop.set()
    reader.join(timeout=35)
    for hammer in hammers:
        # A hammer may be in the middle of a long export: let it finish.
        hammer.join(timeout=180)

    outcomes = sum((hammer.outcomes for hammer in hammers), Counter())
    failures = [failure for hammer in hammers for failure in hammer.failures]
    slowest = {}
    for hammer in hammers:
        for name, seen in hammer.slowest.items():
            slowest[name] = max(slowest.get(name, (0, 0)), seen)
    print("abusive requests (path, status: count; slowest complete answer):")
    for (name, status), count in sorted(outcomes.items(), key=str):
        seconds, size = slowest.get(name, (0, 0)) if status == 200 else (0, 0)
        extra = f"; slowest {seconds:.1f} s, {size:,} bytes" if seconds else ""
        print(f"  {name} {status}: {count}{extra}")
    print(f"slow-header connections opened: {slow.opened}")
    ok = True
    if not latencies:
        print("reader: no successful request at all (a miss)")
        ok = False
    else:
        p50, p99 = percentile(latencies, 0.5), percentile(latencies, 0.99)
        print(
            f"reader GET /api/v1/positions/{arguments.position}/: "
            f"{len(latencies)} ok, {len(errors)} failed, "
            f"p50 {p50:.1f} ms, p99 {p99:.1f} ms, max {max(latencies):.1f} ms, "
            f"mean {statistics.fmean(latencies):.1f} ms (bar: p99 < {P99_BAR_MS} ms)"
        )
        if p99 >= P99_BAR_MS:
            ok = False
    if errors:
        print("reader failures:", *errors[:10], sep="\n  ")
        ok = False
    if failures:
        print("abusive requests that did not end well:", *failures[:10], sep="\n  ")
        ok = False
    if not sum(outcomes.values()):
        print("no abusive request completed (a miss)")
        ok = False
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
