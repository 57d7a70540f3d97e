"""One table from a bench.sh run: req/s, p50 and p99 per target and query (the
mean over runs), our ratios to Datasette and to the thin floor, each target
checked, and whether our answers hold the same rows as the floor's. Beside
ours, the same measured warm (app_warm: the response cache on), and a line
for q1 as a conditional GET answered 304 (app_304), against the floor.

    python .ci/bench_report.py /tmp/stance-bench/out
"""

import csv
import json
import re
import statistics
import sys
from collections import defaultdict
from pathlib import Path

QUERIES = ("q1", "q2", "q3", "q4")
PAGES = ("proposal_page", "negotiation_page")
# Our req/s as a share of the floor's, per issue 5.
FLOOR_SHARE = {"q1": 0.5, "q2": 0.5, "q3": 1.0, "q4": 0.5}
PAGE_P50_MS = 100.0


def read_results(out: Path) -> dict[tuple[str, str], dict[str, float]]:
    runs = defaultdict(list)
    with open(out / "results.tsv") as results:
        lines = (line for line in results if not line.startswith("#"))
        for row in csv.DictReader(lines, delimiter="\t"):
            runs[row["target"], row["query"]].append(row)
    return {
        key: {
            name: statistics.mean(float(row[name]) for row in rows)
            for name in ("req_s", "p50_ms", "p99_ms")
        }
        | {"runs": len(rows)}
        for key, rows in runs.items()
    }


def failed_runs(out: Path, target: str, query: str) -> str:
    """Why a target's measurement did not happen, from wrk's own reports:
    socket errors (timeouts included), non-2xx answers or no latency at
    all. Empty when every run measured what it says."""
    problems = []
    for report in sorted(out.glob(f"wrk_{target}_{query}_r*.txt")):
        text = report.read_text()
        for line in text.splitlines():
            if line.strip().startswith(("Socket errors", "Non-2xx")):
                problems.append(f"{report.stem}: {line.strip()}")
        if " 50%" in text and " 0.00us" in text:
            problems.append(f"{report.stem}: no latency measured")
    return "; ".join(problems)


def not_modified_runs(out: Path) -> str:
    """As failed_runs, for the conditional GETs: every answer must be a 304
    (.ci/bench saw one before measuring). wrk counts only statuses of 400 and
    more as "Non-2xx or 3xx", so a 200 is told from a 304 by its size: a 304
    of q1 is its headers (under 1 kB), a 200 carries 50 rows (over 10 kB)."""
    problems = []
    for report in sorted(out.glob("wrk_app_304_q1_r*.txt")):
        text = report.read_text()
        total = re.search(r"(\d+) requests in", text)
        read = re.search(r"requests in [\d.]+\w+, ([\d.]+)(B|KB|MB|GB) read", text)
        if "Socket errors" in text or "Non-2xx or 3xx" in text:
            problems.append(f"{report.stem}: errors")
        if total is None or read is None:
            problems.append(f"{report.stem}: no measurement")
            continue
        scale = {"B": 1, "KB": 1024, "MB": 1024**2, "GB": 1024**3}[read[2]]
        if float(read[1]) * scale / int(total[1]) > 2048:
            problems.append(f"{report.stem}: answers too large to all be 304s")
    return "; ".join(problems)


def _warm_cells(results, out: Path, query: str, floor) -> tuple[str, str]:
    warm = results.get(("app_warm", query))
    if warm is None:
        return "  |  |  ", ""
    cells = f" {warm['req_s']:,.0f} | {warm['p50_ms']:.1f} | {warm['p99_ms']:.1f}"
    ratio = f"{warm['req_s'] / floor['req_s']:.2f}×" if floor else ""
    if failed := failed_runs(out, "app_warm", query):
        ratio = f"FAILED warm measurement ({failed})"
    return cells, ratio


def verdicts(query: str, ours, datasette, floor) -> list[str]:
    found = []
    if datasette:
        ok = (
            ours["req_s"] >= datasette["req_s"]
            and ours["p99_ms"] <= datasette["p99_ms"]
        )
        found.append(("ok" if ok else "MISS") + " vs Datasette")
    if floor:
        share = FLOOR_SHARE[query]
        ok = ours["req_s"] >= share * floor["req_s"]
        found.append(("ok" if ok else "MISS") + f" ≥{share:g}× floor")
    return found


def table(results, out: Path) -> list[str]:
    lines = [
        "| query | target | req/s | p50 ms | p99 ms | warm req/s | warm p50 ms "
        "| warm p99 ms | ours ÷ Datasette | ours ÷ floor | warm ÷ floor | targets |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for query in QUERIES:
        ours = results.get(("app", query))
        datasette = results.get(("datasette", query))
        floor = results.get(("thin_wsgi", query))
        for target in ("pgbench_c8", "thin_wsgi", "datasette", "app"):
            measured = results.get((target, query))
            if measured is None:
                continue
            ratio_ds = ratio_floor = checks = ratio_warm = ""
            warm = "  |  |  "
            if target == "app":
                warm, ratio_warm = _warm_cells(results, out, query, floor)
                if datasette:
                    ratio_ds = f"{measured['req_s'] / datasette['req_s']:.2f}×"
                if floor:
                    ratio_floor = f"{measured['req_s'] / floor['req_s']:.2f}×"
                checks = ", ".join(verdicts(query, ours, datasette, floor))
                if failed := failed_runs(out, "app", query):
                    checks = f"FAILED measurement ({failed})"
            lines.append(
                f"| {query} | {target} | {measured['req_s']:,.0f} | "
                f"{measured['p50_ms']:.1f} | {measured['p99_ms']:.1f} |{warm} | "
                f"{ratio_ds} | {ratio_floor} | {ratio_warm} | {checks} |"
            )
    conditional = results.get(("app_304", "q1"))
    if conditional is not None:
        floor = results.get(("thin_wsgi", "q1"))
        ratio = f"{conditional['req_s'] / floor['req_s']:.2f}×" if floor else ""
        verdict = "every answer 304"
        if failed := not_modified_runs(out):
            verdict = f"FAILED measurement ({failed})"
        lines.append(
            f"| q1 | app, If-None-Match → 304 | {conditional['req_s']:,.0f} | "
            f"{conditional['p50_ms']:.1f} | {conditional['p99_ms']:.1f} |  |  |  |  | "
            f"{ratio} |  | {verdict} |"
        )
    for page in PAGES:
        measured = results.get(("app", page))
        if measured is None:
            continue
        ok = "ok" if measured["p50_ms"] < PAGE_P50_MS else "MISS"
        verdict = f"{ok} p50 < {PAGE_P50_MS:g} ms"
        # A timed-out request has no latency: a p50 over the rest flatters.
        if failed := failed_runs(out, "app", page):
            verdict = f"FAILED measurement ({failed})"
        warm, _ = _warm_cells(results, out, page, None)
        if failed := failed_runs(out, "app_warm", page):
            verdict += f"; FAILED warm measurement ({failed})"
        lines.append(
            f"| {page} | app | {measured['req_s']:,.0f} | {measured['p50_ms']:.1f} | "
            f"{measured['p99_ms']:.1f} |{warm} |  |  |  | {verdict} |"
        )
    return lines


def _load(path: Path):
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def _actor_id(slug: str) -> int:
    return int(slug.removeprefix("actor-"))


def same_rows(out: Path) -> list[str]:
    """Our answers against the floor's, field by field where they mean the same."""
    notes = []
    for query in QUERIES:
        ours, floor = (
            _load(out / f"body_{t}_{query}.json") for t in ("app", "thin_wsgi")
        )
        if ours is None or floor is None:
            notes.append(f"{query}: no body to compare")
            continue
        if query in ("q1", "q2"):
            mine = [
                (
                    r["id"],
                    _actor_id(r["actor"]),
                    r["stance"],
                    r["stated_on"],
                    r["quote"],
                )
                for r in ours["results"]
            ]
            theirs = [
                (r["id"], r["actor_id"], r["stance"], r["observed_on"], r["quote"])
                for r in floor
            ]
            verdict = "same rows" if mine == theirs else "DIFFERENT rows"
            notes.append(
                f"{query}: {verdict} as the floor ({len(mine)} vs {len(theirs)})"
            )
        elif query == "q3":
            mine = {
                _actor_id(r["actor"]): (r["stance"], r["stated_on"], r["position"])
                for r in ours["results"]
            }
            theirs = {
                r["actor_id"]: (r["stance"], r["observed_on"], r["position_id"])
                for r in floor
            }
            differing = sorted(a for a in theirs if mine.get(a) != theirs[a])
            disputed = sum(1 for r in ours["results"] if r["disputed"])
            notes.append(
                f"q3: {len(mine)} actors vs {len(theirs)}; "
                f"{len(differing)} pick another position of the same latest date "
                f"(our rule: highest confidence, then id; the floor: highest id); "
                f"{disputed} days disputed"
            )
        else:
            keys = (("id", "id"), ("stance", "stance"), ("stated_on", "observed_on"))
            same = (
                all(ours[a] == floor[b] for a, b in keys)
                and ours["quote"] == floor["quote"]
            )
            notes.append(f"q4: {'same row' if same else 'DIFFERENT row'} as the floor")
    return notes


def main() -> None:
    out = Path(sys.argv[1])
    results = read_results(out)
    header = (out / "results.tsv").read_text().splitlines()[0].lstrip("# ")
    print(f"\n{header}\n")
    print("\n".join(table(results, out)))
    print()
    for note in same_rows(out):
        print(f"- {note}")


if __name__ == "__main__":
    main()
