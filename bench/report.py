"""Markdown tables from bench/results/results.json (and fanout.json): docs/benchmarks.md.

python bench/report.py [results.json] > table.md
"""

from __future__ import annotations

import json
import statistics
import sys
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).parent / "results"
NAMES = {
    "0-floor": "0 · framework floor: GET /health/live (no DB, no token)",
    "1-list": "1 · list a project's tasks (20, by position)",
    "2-search": "2 · list with `search=` two words",
    "3-votes-label": "3 · list by `-votes` with a label filter",
    "4-detail": "4 · get one task",
    "4b-me": "4b · GET /users/me",
    "5-create": "5 · create a task",
    "6-patch": "6 · PATCH a task with If-Match",
    "6b-comment": "6b · comment on a task (notifies its watchers)",
    "7-login": "7 · login (Argon2id), 8 connections",
}


def median(runs: list[dict[str, Any]], key: str) -> float:
    return float(statistics.median(run[key] for run in runs))


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else RESULTS / "results.json"
    results = json.loads(path.read_text())
    sizes = [size for size in ("10k", "100k", "1m") if size in results]
    print("Medians of the runs (A/B alternated rounds); ratio = TaskFlow ÷ baseline in the same")
    print("run (throughput: higher is better; p99: lower is better).\n")
    print("| scenario | size | server | req/s | p50 ms | p99 ms | req/s ratio | p99 ratio |")
    print("|---|---|---|---:|---:|---:|---:|---:|")
    for name, title in NAMES.items():
        for size in sizes:
            figures = results[size].get(name)
            if not figures:
                continue
            base = figures.get("baseline")
            for server in ("taskflow", "taskflow2", "baseline"):
                runs = figures.get(server)
                if not runs:
                    continue
                rps, p50, p99 = (median(runs, k) for k in ("rps", "p50_ms", "p99_ms"))
                ratio = p99_ratio = ""
                if base and server != "baseline":
                    ratio = f"{rps / median(base, 'rps'):.2f}"
                    p99_ratio = f"{p99 / median(base, 'p99_ms'):.2f}"
                first = results.get("challenger", "TaskFlow") + " 1w"  # run.py --versus
                label = {"taskflow": first, "taskflow2": "TaskFlow 2w"}.get(server, server)
                bad = sum(run["non_2xx"] for run in runs)
                note = f" ({bad} non-2xx)" if bad else ""
                print(
                    f"| {title} | {size} | {label}{note} | {rps:.0f} | {p50:.1f} | {p99:.1f} "
                    f"| {ratio} | {p99_ratio} |"
                )
    print("\n**Flatness (TaskFlow 1 worker, p50 at 1M ÷ p50 at 10k):** ", end="")
    if "1m" in results and "10k" in results:
        parts = []
        for name in ("1-list", "2-search", "3-votes-label"):
            small, large = results["10k"][name]["taskflow"], results["1m"][name]["taskflow"]
            parts.append(f"{name} {median(large, 'p50_ms') / median(small, 'p50_ms'):.2f}")
        print(", ".join(parts))
    print("\n**RSS per worker after the runs (MB):** ", end="")
    rss = []
    for size in sizes:
        for key in ("rss_mb_taskflow", "rss_mb_taskflow2", "rss_mb_baseline"):
            if key in results[size]:
                rss.append(f"{size} {key.removeprefix('rss_mb_')} {results[size][key]}")
    print("; ".join(rss))
    ladders = sorted(RESULTS.glob("ladder-*.json"))
    for ladder in ladders:
        cells = json.loads(ladder.read_text())
        size = ladder.stem.removeprefix("ladder-")
        print(f"\n**CPU per request in process, framework by framework ({size}, ms; ratio to the")
        print("baseline; bench/ladder.py):**\n")
        scenarios = list(cells)  # list, detail, and the writes (create, patch) since round 7
        print("| app | " + " | ".join(f"{scenario} | ratio" for scenario in scenarios) + " |")
        print("|---|" + "---:|---:|" * len(scenarios))
        for app in cells["list"]:
            row = ""
            for scenario in scenarios:
                ms = cells[scenario].get(app)  # the driver rung serves no writes
                row += (
                    " | - | "
                    if ms is None
                    else (f" | {ms:.3f} | {cells[scenario]['baseline'] / ms:.2f}")
                )
            print(f"| {app}{row} |")
    fanout = RESULTS / "fanout.json"
    if fanout.exists():
        f = json.loads(fanout.read_text())
        print(
            f"\n**Fan-out ({f['clients']} clients, {f['changes']} changes, {f['size']}):** time "
            f"until the last client has it p50 {f['last_client_p50_ms']} ms, p99 "
            f"{f['last_client_p99_ms']} ms; per client p50 {f['per_client_p50_ms']} ms, p99 "
            f"{f['per_client_p99_ms']} ms; every change reached at least {f['delivered_min']} "
            f"clients; server RSS {f['rss_mb']} MB."
        )


if __name__ == "__main__":
    main()
