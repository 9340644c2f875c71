"""``make soak``: hold mixed traffic at a fraction of the measured capacity for a long run and check
that the service held it — no errors, no memory growth, a stable p95, nothing lost or duplicated,
the task queue drained — then write ``bench/results/soak-<date>.json``; exit 1 when a check fails.

It reuses ``bench/run.py`` (the database, seeding, plan files, processes, wrk runner and the vote,
appeal and task checks) so that a soak and a bench measure the same thing the same way. The run:
start ``vmeste serve`` (one gunicorn worker per core) and ``vmeste worker`` (tasks plus the minute
sweep), warm up, measure the capacity with an unpaced run of the mix at 16 connections, then drive
the mix at SOAK_LOAD (0.7) of that throughput in back-to-back wrk runs of SOAK_WINDOW (30) seconds,
sampling latency, statuses, resident memory and the task queue after each.

Environment overrides: SOAK_MINUTES (10), SOAK_LOAD (0.7), SOAK_WINDOW (30 s),
SOAK_CAPACITY_SECONDS (15), SOAK_CONNECTIONS (16), SOAK_P95_BAND (1.5), SOAK_RSS_GROWTH (0.10),
SOAK_PORT (8766, so that a bench on 8765 does not collide), BENCH_SCALE, BENCH_DATABASE_URL.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import RESULTS, ROOT, WORK, Bench, env_int, log, rate_and_latency

# The mix, per 20 requests: what residents read most, plus the two writes that must not be lost.
MIX: dict[str, int] = {
    "home": 4,
    "idea_list": 4,
    "idea_page": 4,
    "dashboard": 2,
    "open311": 1,
    "vote": 3,
    "appeal": 2,
}
PAGE_KINDS = ("idea_list", "idea_page", "dashboard", "open311")  # paths from `vmeste bench-plan`


def env_float(name: str, default: float) -> float:
    return float(os.environ.get(name) or default)


def interleave(weights: dict[str, int]) -> list[str]:
    """The mix as one sequence with each kind spread evenly, not in blocks: a block of 4 idea pages
    would queue behind each other and make the latency depend on where a window starts."""
    slots = [((i + 0.5) / n, kind) for kind, n in weights.items() for i in range(n)]
    return [kind for _, kind in sorted(slots)]


def rss_mb(pid: int) -> float:
    """Resident memory of one process from /proc (0 when it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return 0.0


def medians_at_ends(values: list[float], k: int) -> tuple[float, float]:
    """Median of the first and of the last ``k`` values: one slow window (a sweep, a cache
    rebuild) should not decide the stability check either way."""
    return statistics.median(values[:k]), statistics.median(values[-k:])


class Soak(Bench):
    def __init__(self, args: argparse.Namespace):
        super().__init__(args)
        self.run_id = "soak-" + dt.datetime.now().strftime("%Y%m%d%H%M%S")
        self.mix = interleave(MIX)
        self.windows: list[dict[str, Any]] = []
        self.holes: list[int] = []  # free vote indexes below next_vote (see vote_plan)
        self.next_vote = 0
        self.home_paths = WORK / "home.txt"

    # -- votes: continue exactly where the earlier runs stopped ---------------------------------

    def vote_plan(self) -> tuple[list[int], int]:
        """The vote indexes (vote.lua's resident/idea mapping) that are still free below the last
        used one, and the first index after it. ``vote_offset()`` counts rows, which is right only
        when earlier runs left no gaps; bench's two wrk threads stop unevenly and leave some, and a
        reused pair is a correct 409 that the soak would count as an error. Filling the gaps first
        also leaves the rows contiguous again for the next ``make bench``."""
        users, ideas, used = self.bench_votes()
        last = -1
        free: list[int] = []
        for index in range(len(used) + 10_000):
            pair = (users[index % len(users)], ideas[(index + index // len(users)) % len(ideas)])
            if pair in used:
                last = index
            else:
                free.append(index)
        return [i for i in free if i < last], last + 1

    # -- load -----------------------------------------------------------------------------------

    def mixed(self, seconds: int, rate: float, window: int) -> dict[str, Any]:
        """One wrk run of the mix; the report of ``Bench.wrk`` plus the per-kind counts."""
        holes_file = WORK / "soak-holes.txt"
        holes_file.write_text("".join(f"{i}\n" for i in self.holes))
        extra = {
            "BENCH_TOKENS": self.plan["tokens"],
            "BENCH_IDEAS": self.plan["vote_ideas"],
            "BENCH_CATEGORIES": self.plan["categories"],
            "BENCH_DISTRICTS": self.plan["districts"],
            "BENCH_RUN": f"{self.run_id}-w{window}",
            "BENCH_OFFSET": str(self.next_vote),
            "BENCH_HOLES": str(holes_file),
            "BENCH_RATE": f"{rate:.3f}",
            "BENCH_MIX": ",".join(self.mix),
            "BENCH_PATHS_HOME": str(self.home_paths),
            **{f"BENCH_PATHS_{k.upper()}": self.plan["paths"][k] for k in PAGE_KINDS},
        }
        report = self.wrk("soak.lua", extra, seconds)
        votes = report["mix"]["votes_sent"]
        used_holes = min(votes, len(self.holes))
        self.holes = self.holes[used_holes:]
        self.next_vote += votes - used_holes
        return report

    def summarise(self, report: dict[str, Any]) -> dict[str, Any]:
        """The figures of one run, errors as bench counts them: any answer other than the expected
        200/201 (a 409 on a vote included) and every socket error."""
        counts, mix = report["counts"], report["mix"]
        socket_errors = sum(report["errors"].values()) - report["errors"]["status"]
        bad = counts["responses"] - counts["s200"] - counts["s201"]
        return {
            **rate_and_latency(report),
            "s4xx": counts["s4xx"],
            "s5xx": counts["s5xx"],
            "sother": counts["sother"],
            "socket_errors": socket_errors,
            "errors": bad + socket_errors,
            "in_flight": counts["sent"] - counts["responses"],
            "votes_201": mix["vote201"],
            "appeals_201": mix["appeal201"],
            "appeals_200": mix["appeal200"],
            "appeal_repeats": counts["repeats"],
        }

    def sample(self, server: int, worker: int) -> dict[str, Any]:
        """Memory of every gunicorn worker, of the sweep process and of its task worker child, the
        queue's pending count, and the machine's load average: on a shared machine a slow window
        may be someone else's CPU, and the record should show it."""
        tasks = self.memory(worker)["workers_rss_mb"]
        return {
            "loadavg_1m": float(Path("/proc/loadavg").read_text().split()[0]),
            "web_rss_mb": self.memory(server)["workers_rss_mb"],
            "sweep_rss_mb": rss_mb(worker),
            "tasks_rss_mb": sum(tasks.values()),
            "tasks_pids": sorted(tasks),
            "pending": self.tasks_state(wait=0)["pending"],
        }

    # -- the run --------------------------------------------------------------------------------

    def soak(self) -> int:
        started = time.monotonic()
        if not shutil.which("wrk"):
            sys.exit("wrk is missing: run `make bench-deps` (Debian's wrk and nginx)")
        self.prepare()
        self.home_paths.write_text("/\n")
        self.holes, self.next_vote = self.vote_plan()
        log(f"votes continue at index {self.next_vote}, filling {len(self.holes)} earlier gaps")
        server = self.start("server", "serve", "--access-logfile", "/dev/null")
        worker = self.start("worker", "worker")
        args = self.args
        try:
            self.wait_up()
            self.warm_up()
            votes_before = self.vote_state()
            log(f"capacity: unpaced mix, {args.connections} connections, {args.capacity_seconds} s")
            capacity = self.summarise(self.mixed(args.capacity_seconds, 0, 0))
            log(
                f"  {capacity['rps']} req/s, p95 {capacity['p95_ms']} ms, errors {capacity['errors']}"
            )
            self.drain()
            rate = round(capacity["rps"] * args.load, 1)
            count = max(1, round(args.minutes * 60 / args.window))
            log(f"soak: {rate} req/s ({args.load:.0%}) for {count} windows of {args.window} s")
            for n in range(1, count + 1):
                window = self.summarise(self.mixed(args.window, rate, n))
                window.update(self.sample(server.pid, worker.pid), window=n)
                self.windows.append(window)
                log(
                    f"  {n:2}: {window['rps']} req/s, p50 {window['p50_ms']} p95 "
                    f"{window['p95_ms']} p99 {window['p99_ms']} ms, errors {window['errors']}, "
                    f"web {list(window['web_rss_mb'].values())} MB, tasks "
                    f"{window['tasks_rss_mb']} MB, pending {window['pending']}, "
                    f"load {window['loadavg_1m']}"
                )
            self.drain()
            runs = [capacity, *self.windows]
            total = {
                "s201": sum(r["votes_201"] for r in runs),
                "in_flight": sum(r["in_flight"] for r in runs),
            }
            self.results["votes"] = self.check_votes(votes_before, {"statuses": total, **total})
            self.results["appeals"] = self.check_appeals(
                {
                    "statuses": {
                        "s201": sum(r["appeals_201"] for r in runs),
                        "s200": sum(r["appeals_200"] for r in runs),
                    },
                    "repeats": sum(r["appeal_repeats"] for r in runs),
                    "in_flight": total["in_flight"],
                }
            )
            self.results["tasks"] = self.tasks_state(wait=180)
            self.results["final_sample"] = self.sample(server.pid, worker.pid)
        finally:
            self.stop_all()
        self.results.update(capacity=capacity, target_rps=rate, windows=self.windows)
        self.results["checks"] = self.checks(rate)
        self.results["total_seconds"] = round(time.monotonic() - started, 1)
        return self.finish_soak()

    def checks(self, rate: float) -> dict[str, Any]:
        """The pass/fail verdicts; the thresholds are recorded next to the measured values."""
        a, w = self.args, self.windows
        k = min(3, max(1, len(w) // 4))
        first_p95, last_p95 = medians_at_ends([x["p95_ms"] for x in w], k)
        first, last = w[0], w[-1]
        growth: dict[str, float] = {}
        restarted = sorted(set(first["web_rss_mb"]) ^ set(last["web_rss_mb"]))
        for pid, mb in first["web_rss_mb"].items():
            if pid in last["web_rss_mb"]:
                growth[f"web {pid}"] = round(last["web_rss_mb"][pid] / mb - 1, 3)
        if first["sweep_rss_mb"] and last["sweep_rss_mb"]:
            growth["sweep"] = round(last["sweep_rss_mb"] / first["sweep_rss_mb"] - 1, 3)
        else:
            restarted.append("sweep")
        if first["tasks_pids"] == last["tasks_pids"] and first["tasks_rss_mb"]:
            growth["tasks"] = round(last["tasks_rss_mb"] / first["tasks_rss_mb"] - 1, 3)
        else:
            restarted.append("tasks")
        errors = sum(x["errors"] for x in w) + self.results["capacity"]["errors"]
        achieved = sum(x["requests"] for x in w) / sum(x["seconds"] for x in w)
        out = {
            "no_errors": {"errors": errors, "ok": errors == 0},
            "rate_held": {
                "target_rps": rate,
                "achieved_rps": round(achieved, 1),
                "min": 0.95,
                "ok": achieved >= 0.95 * rate,
            },
            "memory": {
                "growth": growth,
                "max_growth": max(growth.values()),
                "limit": a.rss_growth,
                "restarted": restarted,
                "ok": not restarted and max(growth.values()) <= a.rss_growth,
            },
            "p95_stable": {
                "windows_compared": k,
                "first_ms": first_p95,
                "last_ms": last_p95,
                "ratio": round(last_p95 / first_p95, 2),
                "limit": a.p95_band,
                "ok": last_p95 <= a.p95_band * first_p95,
            },
            "votes": {k: v for k, v in self.results["votes"].items() if k != "after"},
            "appeals": self.results["appeals"],
            "tasks_drained": {
                "pending": self.results["tasks"]["pending"],
                "ok": self.results["tasks"]["pending"] == 0,
            },
        }
        return out

    def finish_soak(self) -> int:
        a = self.args
        self.results.update(
            date=dt.date.today().isoformat(),
            scale=a.scale,
            command=f"SOAK_MINUTES={a.minutes:g} make soak",
            settings={
                "minutes": a.minutes,
                "window_s": a.window,
                "load": a.load,
                "capacity_seconds": a.capacity_seconds,
                "connections": a.connections,
                "wrk_threads": a.threads,
                "web_workers": a.web_workers,
                "mix_per_20": MIX,
            },
            machine=self.machine(),
        )
        RESULTS.mkdir(parents=True, exist_ok=True)
        path = RESULTS / f"soak-{self.results['date']}.json"
        path.write_text(json.dumps(self.results, ensure_ascii=False, indent=2) + "\n")
        print(report(self.results))
        log(f"results written to {path.relative_to(ROOT)}")
        return 0 if all(c["ok"] for c in self.results["checks"].values()) else 1


def report(results: dict[str, Any]) -> str:
    """A Markdown summary: the windows and the checks, ready for docs/reliability.md."""
    c = results["capacity"]
    lines = [
        f"Capacity (unpaced mix, {results['settings']['connections']} connections): {c['rps']} "
        f"req/s, p95 {c['p95_ms']} ms; target {results['target_rps']} req/s.",
        "",
        "| window | req/s | p50 ms | p95 ms | p99 ms | errors | web RSS MB | tasks RSS MB | pending "
        "| load 1 min |",
        "|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|",
    ]
    for w in results["windows"]:
        web = " / ".join(f"{mb:.0f}" for mb in w["web_rss_mb"].values())
        lines.append(
            f"| {w['window']} | {w['rps']} | {w['p50_ms']} | {w['p95_ms']} | {w['p99_ms']} | "
            f"{w['errors']} | {web} | {w['tasks_rss_mb']:.0f} | {w['pending']} | "
            f"{w.get('loadavg_1m', '')} |"
        )
    lines.append("")
    for name, check in results["checks"].items():
        detail = {k: v for k, v in check.items() if k != "ok"}
        lines.append(f"- {name}: {'held' if check['ok'] else '**FAILED**'} {json.dumps(detail)}")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", default=os.environ.get("BENCH_SCALE") or "small")
    parser.add_argument("--minutes", type=float, default=env_float("SOAK_MINUTES", 10))
    parser.add_argument("--load", type=float, default=env_float("SOAK_LOAD", 0.7))
    parser.add_argument("--window", type=int, default=env_int("SOAK_WINDOW", 30))
    parser.add_argument(
        "--capacity-seconds", type=int, default=env_int("SOAK_CAPACITY_SECONDS", 15)
    )
    parser.add_argument("--connections", type=int, default=env_int("SOAK_CONNECTIONS", 16))
    parser.add_argument("--p95-band", type=float, default=env_float("SOAK_P95_BAND", 1.5))
    parser.add_argument("--rss-growth", type=float, default=env_float("SOAK_RSS_GROWTH", 0.10))
    parser.add_argument("--port", type=int, default=env_int("SOAK_PORT", 8766))
    parser.add_argument(
        "--web-workers", type=int, default=env_int("WEB_CONCURRENCY", os.cpu_count() or 1)
    )
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL")
        or "postgres://postgres@127.0.0.1:5432/vmeste_bench",
    )
    args = parser.parse_args()
    # One wrk thread: the vote indexes stay contiguous (see vote_plan), and it paces ~100 req/s
    # with room to spare. No request cap: the windows are bounded by time.
    args.threads, args.max_requests = 1, 0
    sys.exit(Soak(args).soak())


if __name__ == "__main__":
    main()
