"""While full exports stream, do plain pages still answer quickly?

Two clients each download the whole positions CSV (``?format=csv``, every
row) at once, from their own loopback addresses; a third fetches a page of
50 positions again and again until both exports have ended. It passes when
both exports arrive complete (status 200, the header plus the expected rows,
no cut body) and the page's p99 stays under the bar.

    python .ci/export_load.py --url http://127.0.0.1:8151 --rows 1000000

Standard library only; traffic to loopback addresses, for a bounded time.
"""

import argparse
import http.client
import statistics
import sys
import threading
import time
from urllib.parse import urlsplit

P99_BAR_MS = 500
EXPORT = "/api/v1/positions/?format=csv"
PAGE = "/api/v1/positions/?page_size=50"


def _connection(url, source, timeout):
    parts = urlsplit(url)
    return http.client.HTTPConnection(
        parts.hostname, parts.port, timeout=timeout, source_address=(source, 0)
    )


class Export(threading.Thread):
    """One full export, read to its end; counts bytes and rows."""

    def __init__(self, url, source):
        super().__init__(daemon=True)
        self.url, self.source = url, source
        self.status = None
        self.size = self.lines = 0
        self.seconds = None
        self.error = None
        self.complete = False

    def run(self):
        started = time.perf_counter()
        conn = _connection(self.url, self.source, timeout=600)
        try:
            conn.request("GET", EXPORT)
            response = conn.getresponse()
            self.status = response.status
            tail = b""
            while chunk := response.read(1 << 20):
                self.size += len(chunk)
                self.lines += chunk.count(b"\n")
                tail = chunk[-1:]
            self.complete = tail == b"\n"
        except (OSError, http.client.HTTPException) as error:
            self.error = f"{type(error).__name__}: {error}"
        finally:
            conn.close()
            self.seconds = time.perf_counter() - started


def probe(url, source, stop, latencies, errors, every):
    while not stop.is_set():
        started = time.perf_counter()
        conn = _connection(url, source, timeout=30)
        try:
            conn.request("GET", PAGE, headers={"Accept": "application/json"})
            response = conn.getresponse()
            response.read()
            if response.status == 200:
                latencies.append((time.perf_counter() - started) * 1000)
            else:
                errors.append(f"HTTP {response.status}")
        except (OSError, http.client.HTTPException) as error:
            errors.append(f"{type(error).__name__}: {error}")
        finally:
            conn.close()
        stop.wait(every)


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument(
        "--rows", type=int, required=True, help="positions each export must hold"
    )
    parser.add_argument("--exports", type=int, default=2)
    parser.add_argument(
        "--every", type=float, default=0.1, help="seconds between pages"
    )
    arguments = parser.parse_args()

    stop = threading.Event()
    latencies, errors = [], []
    reader = threading.Thread(
        target=probe,
        args=(arguments.url, "127.0.0.9", stop, latencies, errors, arguments.every),
        daemon=True,
    )
    exports = [
        Export(arguments.url, f"127.0.0.{2 + index}")
        for index in range(arguments.exports)
    ]
    reader.start()
    time.sleep(1)  # the page's latency before the exports, too
    for export in exports:
        export.start()
    for export in exports:
        export.join(timeout=900)
    stop.set()
    reader.join(timeout=35)

    ok = True
    for index, export in enumerate(exports, start=1):
        # Rows may hold line breaks in quoted fields: at least header + rows.
        whole = (
            export.error is None
            and export.status == 200
            and export.complete
            and export.lines >= arguments.rows + 1
        )
        print(
            f"export {index}: status {export.status}, {export.size:,} bytes, "
            f"{export.lines:,} lines, {export.seconds:.1f} s"
            + ("" if whole else f"  INCOMPLETE {export.error or ''}")
        )
        ok = ok and whole
    if not latencies:
        print("page: no successful request at all (a miss)")
        return 1
    p50, p99 = percentile(latencies, 0.5), percentile(latencies, 0.99)
    print(
        f"page GET {PAGE} during the exports: {len(latencies)} ok, "
        f"{len(errors)} failed, p50 {p50:.0f} ms, p99 {p99:.0f} ms, "
        f"max {max(latencies):.0f} ms, mean {statistics.fmean(latencies):.0f} ms "
        f"(bar: p99 < {P99_BAR_MS} ms)"
    )
    if errors:
        print("page failures:", *errors[:10], sep="\n  ")
    ok = ok and not errors and p99 < P99_BAR_MS
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
