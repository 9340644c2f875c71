"""``make bench``: seed (or reuse) a PostgreSQL database, start the production server and the worker,
drive each scenario with wrk for a fixed time, check that no vote or appeal was lost or duplicated,
and write ``bench/results/<date>.json`` (plus the table in docs/performance.md for full runs).

Everything runs on 127.0.0.1. The processes this script starts are stopped by their own process
group ids when it ends. Environment overrides: BENCH_SCALE (small), BENCH_DURATION (10 s per
scenario), BENCH_CONNECTIONS (16), BENCH_THREADS (2), BENCH_MAX_REQUESTS (per scenario, 300000),
BENCH_PORT (8765), BENCH_DATABASE_URL (postgres://postgres@127.0.0.1:5432/vmeste_bench),
BENCH_SCENARIOS (comma-separated names), BENCH_UPDATE_DOCS (1: rewrite the table in
docs/performance.md; on by default for the full scale).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
LUA = ROOT / "bench" / "lua"
WORK = ROOT / "var" / "bench"
RESULTS = ROOT / "bench" / "results"
DOCS = ROOT / "docs" / "performance.md"
ONE_THREAD = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
MARK_BEGIN = "<!-- bench:begin -->"
MARK_END = "<!-- bench:end -->"

# name, what it measures, Lua script, the plan entry with its paths, statuses that count as success
SCENARIOS: list[tuple[str, str, str, str, set[int]]] = [
    ("floor", "GET /healthz (trivial view, full middleware)", "get.lua", "floor", {200}),
    ("idea_list", "idea list, direction filter, page 50", "get.lua", "idea_list", {200}),
    ("idea_page", "idea page (200 popular ideas)", "get.lua", "idea_page", {200}),
    ("votes", "POST /api/v1/ideas/{id}/vote, distinct residents", "vote.lua", "", {201}),
    ("appeals", "POST /api/v1/appeals with idempotency keys", "appeal.lua", "", {200, 201}),
    ("dashboard", "counters dashboard for a year", "get.lua", "dashboard", {200}),
    ("similar", "similar ideas in a project of 10,000 ideas", "get.lua", "similar", {200}),
    ("open311", "Open311 requests.json, 90 days", "get.lua", "open311", {200}),
]
TARGETS = {
    "idea_list": {"ratio": 0.25, "p95_ms": 50},
    "idea_page": {"ratio": 0.25, "p95_ms": 50},
    "dashboard": {"ratio": 0.25, "p95_ms": 50},
    "votes": {"ratio": 0.30},
    "appeals": {"ratio": 0.15},
    "similar": {"p95_ms": 300},
}


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


class Bench:
    def __init__(self, args: argparse.Namespace):
        self.args = args
        self.db_url = args.database_url
        self.env = {
            **os.environ,
            "DATABASE_URL": self.db_url,
            "DJANGO_SETTINGS_MODULE": "vmeste.config.settings",
            "VMESTE_PORT": str(args.port),
            "VMESTE_HOST": "127.0.0.1",
            "WEB_CONCURRENCY": str(args.web_workers),
            # The limits guard the public API per address; the load generator is one address.
            "API_RATE_PER_IP": "100000000/m",
            "API_RATE_PER_CALLER": "100000000/m",
            "LOG_LEVEL": "WARNING",
            "DB_CONN_MAX_AGE": "600",
        }
        # The production topology shares the cache (page and fragment versions, rate limits)
        # between the web processes through Redis; a database of its own, emptied for the run.
        redis_url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/7")
        if redis_url and redis_url != "none" and self.redis_flush(redis_url):
            self.env["REDIS_URL"] = redis_url
        self.processes: list[subprocess.Popen[bytes]] = []
        self.run_id = "bench-" + dt.datetime.now().strftime("%Y%m%d%H%M%S")
        self.results: dict[str, Any] = {}

    @staticmethod
    def redis_flush(url: str) -> bool:
        try:
            import redis

            redis.Redis.from_url(url, socket_timeout=2).flushdb()
        except Exception as error:  # no Redis: every process keeps its own memory cache
            log(f"Redis at {url} unavailable ({error}); per-process cache")
            return False
        return True

    # -- processes ------------------------------------------------------------------------------

    def vmeste(self, *args: str, capture: bool = False, env: dict[str, str] | None = None) -> str:
        command = [str(BIN / "vmeste"), *args]
        log(" ".join(["vmeste", *args]))
        done = subprocess.run(
            command, env={**self.env, **(env or {})}, cwd=ROOT, check=True, text=True,
            stdout=subprocess.PIPE if capture else None,
        )  # fmt: skip
        return done.stdout or ""

    def start(self, name: str, *args: str, nice: int = 0) -> subprocess.Popen[bytes]:
        WORK.mkdir(parents=True, exist_ok=True)
        out = open(WORK / f"{name}.log", "wb")  # noqa: SIM115  (closed with the process)
        niced = ["nice", "-n", str(nice)] if nice else []
        process = subprocess.Popen(
            [*niced, str(BIN / "vmeste"), *args], env=self.env, cwd=ROOT, stdout=out,
            stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        self.processes.append(process)
        log(f"started {name} (pid {process.pid})")
        return process

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)

    def wait_up(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.url("/healthz"), timeout=2) as reply:
                    if reply.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.3)
        raise RuntimeError("the server did not answer /healthz")

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.args.port}{path}"

    # -- database -------------------------------------------------------------------------------

    def sql(self, query: str, params: Any = None) -> list[tuple[Any, ...]]:
        import psycopg

        with psycopg.connect(self.db_url, autocommit=True) as conn:
            return conn.execute(query, params).fetchall()

    def ensure_database(self) -> None:
        import psycopg
        from psycopg import sql

        name = self.db_url.rsplit("/", 1)[1].split("?")[0]
        server = self.db_url.rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(server, autocommit=True) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                log(f"creating database {name}")
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))

    # -- scenarios ------------------------------------------------------------------------------

    def wrk(self, script: str, extra_env: dict[str, str], duration: int) -> dict[str, Any]:
        return run_wrk(
            self.url("/"), script, extra_env, duration,
            threads=self.args.threads, connections=self.args.connections,
            max_requests=self.args.max_requests,
        )  # fmt: skip

    def bench_votes(self) -> tuple[list[int], list[int], set[tuple[int, int]]]:
        """The token holders, the ideas vote.lua votes for, and the (resident, idea) pairs of the
        votes they already cast: what the vote plans of the soak and the scale-out read."""
        users = [
            row[0]
            for row in self.sql(
                "SELECT user_id FROM accounts_apitoken WHERE name = 'bench'"
                " AND revoked_at IS NULL ORDER BY user_id"
            )
        ]
        ideas = [int(v) for v in Path(self.plan["vote_ideas"]).read_text().split()]
        used = set(
            self.sql(
                "SELECT v.user_id, v.idea_id FROM ideas_vote v JOIN accounts_apitoken t"
                " ON t.user_id = v.user_id WHERE v.project_id = %s AND t.name = 'bench'",
                [self.plan["vote_project"]["id"]],
            )
        )
        return users, ideas, used

    def scenario(self, name: str, script: str, entry: str, ok: set[int]) -> dict[str, Any]:
        plan = self.plan
        extra = {
            "BENCH_TOKENS": plan["tokens"],
            "BENCH_IDEAS": plan["vote_ideas"],
            "BENCH_CATEGORIES": plan["categories"],
            "BENCH_DISTRICTS": plan["districts"],
            "BENCH_RUN": self.run_id,
            "BENCH_OFFSET": str(self.vote_offset() if name == "votes" else 0),
        }
        if entry:
            extra["BENCH_PATHS"] = plan["paths"][entry]
        report = self.wrk(script, extra, self.args.duration)
        counts = report["counts"]
        good = sum(counts[f"s{code}"] for code in ok)
        wrk_errors = sum(report["errors"].values()) - report["errors"]["status"]
        errors = counts["responses"] - good + wrk_errors
        return {
            **rate_and_latency(report),
            "errors": errors,
            "statuses": {k: v for k, v in counts.items() if k.startswith("s") and k != "sent"},
            "repeats": counts["repeats"],
            "in_flight": counts["sent"] - counts["responses"],
            "wrk_errors": report["errors"],
        }

    def vote_offset(self) -> int:
        """The vote index after the last one earlier runs used (vote.lua's mapping: index →
        resident, idea): this run continues after it, so that no resident votes twice for the same
        idea (a correct 409, not a measurement). Counting rows is not enough: the two wrk threads
        stop unevenly and leave gaps below the last used index."""
        users, ideas, used = self.bench_votes()
        if not users or not ideas or not used:
            return 0
        last, index, misses = -1, 0, 0
        while misses < 10_000:  # past the last used pair, by more than any gap
            pair = (users[index % len(users)], ideas[(index + index // len(users)) % len(ideas)])
            if pair in used:
                last, misses = index, 0
            else:
                misses += 1
            index += 1
        return last + 1

    def drain(self, timeout: float = 180) -> None:
        """Wait until the server is idle again: requests wrk abandoned at its stop are still queued
        in gunicorn and would otherwise slow the next scenario down."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            started = time.monotonic()
            try:
                with urllib.request.urlopen(self.url("/healthz"), timeout=timeout) as reply:
                    reply.read()
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() - started < 0.2:
                return
            time.sleep(0.5)

    def warm_up(self) -> None:
        """Requests to every worker (templates, similar-ideas index, DB caches) and to every path
        of the page scenarios (their pages in the shared cache, as in steady production): the
        first request of each scenario is timed as its cold figure (a cache miss)."""
        cold: dict[str, float] = {}
        for entry in ("floor", "idea_list", "idea_page", "dashboard", "open311", "similar"):
            paths = Path(self.plan["paths"][entry]).read_text().split()
            every = entry in {"idea_list", "idea_page", "dashboard"} and "REDIS_URL" in self.env
            for number, path in enumerate(paths if every else paths[: 3 * self.args.web_workers]):
                started = time.monotonic()
                try:
                    with urllib.request.urlopen(self.url(path), timeout=120) as reply:
                        reply.read()
                except urllib.error.HTTPError as error:
                    log(f"warm-up {path}: HTTP {error.code}")
                if number == 0:
                    cold[entry] = round((time.monotonic() - started) * 1000, 1)
        self.results["cold_first_request_ms"] = cold
        self.results["shared_cache"] = "redis" if "REDIS_URL" in self.env else "per-process memory"
        time.sleep(1)

    # -- checks ---------------------------------------------------------------------------------

    def vote_state(self) -> dict[str, int]:
        project = self.plan["vote_project"]["id"]
        (active, rows, ideas_sum, counter, used) = self.sql(
            """
            SELECT (SELECT count(*) FROM ideas_vote WHERE project_id = %(p)s
                        AND withdrawn_at IS NULL),
                   (SELECT count(*) FROM ideas_vote WHERE project_id = %(p)s),
                   (SELECT coalesce(sum(vote_count), 0) FROM ideas_idea WHERE project_id = %(p)s),
                   (SELECT votes FROM ideas_projectcounter WHERE project_id = %(p)s),
                   (SELECT coalesce(sum(used), 0) FROM ideas_voteallowance WHERE project_id = %(p)s)
            """,
            {"p": project},
        )[0]
        return {
            "active": active,
            "rows": rows,
            "ideas_sum": ideas_sum,
            "counter": counter,
            "allowance_used": used,
        }

    def check_votes(self, before: dict[str, int], result: dict[str, Any]) -> dict[str, Any]:
        after = self.vote_state()
        created = after["rows"] - before["rows"]
        accepted = result["statuses"]["s201"]
        dupes = self.sql(
            "SELECT count(*) FROM (SELECT 1 FROM ideas_vote WHERE project_id = %s AND withdrawn_at"
            " IS NULL GROUP BY idea_id, user_id HAVING count(*) > 1) d",
            [self.plan["vote_project"]["id"]],
        )[0][0]
        consistent = (
            after["active"] == after["ideas_sum"] == after["counter"] == after["allowance_used"]
        )
        in_flight = result["in_flight"]
        return {
            "accepted_201": accepted,
            "rows_created": created,
            "in_flight_at_stop": in_flight,
            "duplicates": dupes,
            "counters_consistent": consistent,
            "after": after,
            # Requests still in flight when wrk stopped may have been stored without an answer.
            "ok": accepted <= created <= accepted + in_flight and dupes == 0 and consistent,
        }

    def check_appeals(self, result: dict[str, Any]) -> dict[str, Any]:
        rows, keys = self.sql(
            "SELECT count(*), count(DISTINCT (author_id, idempotency_key)) FROM appeals_appeal "
            "WHERE idempotency_key LIKE %s",
            [self.run_id + "-%"],
        )[0]
        received, total, in_work, awaiting = self.sql(
            """
            SELECT (SELECT coalesce(sum(received), 0) FROM appeals_dailycounter),
                   (SELECT count(*) FROM appeals_appeal),
                   (SELECT coalesce(sum(in_work), 0) FROM appeals_gaugecounter),
                   (SELECT count(*) FROM appeals_appeal WHERE status IN ('registered', 'assigned',
                        'in_progress', 'clarification', 'answer_review', 'reopened'))
            """
        )[0]
        created, repeated = result["statuses"]["s201"], result["statuses"]["s200"]
        return {
            "created_201": created,
            "repeated_200": repeated,
            "repeats_sent": result["repeats"],
            "rows_with_run_keys": rows,
            "distinct_keys": keys,
            "counters_received_equals_appeals": received == total,
            "gauge_in_work_equals_appeals": in_work == awaiting,
            "in_flight_at_stop": result["in_flight"],
            "ok": rows == keys
            and created <= rows <= created + result["in_flight"]
            and received == total
            and in_work == awaiting,
        }

    def tasks_state(self, wait: float = 60) -> dict[str, Any]:
        """Wait for the worker to drain the queue; report the tasks by status."""
        deadline = time.monotonic() + wait
        while True:
            rows = dict(
                self.sql(
                    "SELECT status, count(*) FROM django_tasks_database_dbtaskresult GROUP BY 1"
                )
            )
            pending = sum(v for k, v in rows.items() if k in {"READY", "RUNNING", "NEW"})
            if not pending or time.monotonic() > deadline:
                return {"by_status": rows, "pending": pending}
            time.sleep(1)

    def memory(self, master: int) -> dict[str, Any]:
        """Resident memory of the gunicorn master's children (the web workers), from /proc."""
        workers = {}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
                ppid = int(stat.rsplit(")", 1)[1].split()[1])
                if ppid != master:
                    continue
                for line in (entry / "status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        workers[entry.name] = round(int(line.split()[1]) / 1024, 1)
            except (OSError, ValueError, IndexError):
                continue
        return {"workers_rss_mb": workers, "max_rss_mb": max(workers.values(), default=0)}

    # -- the run --------------------------------------------------------------------------------

    def prepare(self) -> None:
        """Migrate, seed (or reuse) the load, write the plan files and catch up the sweep: shared with
        ``bench/soak.py``, which measures the same database under a long mixed load."""
        self.ensure_database()
        self.vmeste("migrate", "-v0")
        seed_started = time.monotonic()
        seed_out = self.vmeste(
            "bench-seed", "--scale", self.args.scale, "--if-seeded", "--reset", "--json",
            capture=True,
        )  # fmt: skip
        print(seed_out, end="")
        seed_report = next(
            (json.loads(line) for line in seed_out.splitlines() if line.startswith("{")), None
        )
        self.results["seed"] = seed_report or {
            "reused": True, "seconds": round(time.monotonic() - seed_started, 1)
        }  # fmt: skip
        self.plan = json.loads(self.vmeste("bench-plan", "--out", str(WORK), capture=True))
        self.vmeste("sweep")  # catch up before measuring: the monthly export, the calendar
        # ... and do what it queued (the exports of past months) now, not during a scenario.
        self.vmeste("db_worker", "--batch", "--no-startup-delay", "-v0")

    def run(self) -> dict[str, Any]:
        started = time.monotonic()
        if not shutil.which("wrk"):
            sys.exit("wrk is missing: run `make bench-deps` (Debian's wrk and nginx)")
        self.prepare()
        server = self.start("server", "serve", "--access-logfile", "/dev/null")
        # The worker yields the CPU to the web processes, as deploy/vmeste-worker.service does
        # (Nice=10): on one machine the masking of new appeals waits for a pause, not a visitor.
        self.start("worker", "worker", nice=10)
        try:
            self.wait_up()
            self.warm_up()
            self.results["scenarios"] = self.scenarios()
            self.results["triage"] = self.triage()
            self.results["tasks"] = self.tasks_state()
            self.results["memory"] = self.memory(server.pid)
        finally:
            self.stop_all()
        self.results["total_seconds"] = round(time.monotonic() - started, 1)
        self.finish()
        return self.results

    def scenarios(self) -> dict[str, Any]:
        wanted = set(filter(None, (self.args.scenarios or "").split(",")))
        out: dict[str, Any] = {}
        for name, title, script, entry, ok in SCENARIOS:
            if wanted and name not in wanted and name != "floor":
                continue
            log(f"scenario {name}: {title}")
            self.drain()
            before = self.vote_state() if name == "votes" else None
            result = self.scenario(name, script, entry, ok)
            result["title"] = title
            if name == "votes":
                assert before is not None
                result["check"] = self.check_votes(before, result)
            if name == "appeals":
                result["check"] = self.check_appeals(result)
            out[name] = result
            log(
                f"  {result['rps']} req/s, p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms, "
                f"p99 {result['p99_ms']} ms, errors {result['errors']}"
            )
        floor = out["floor"]["rps"] or 1
        for name, result in out.items():
            result["ratio_to_floor"] = round(result["rps"] / floor, 3)
            target = TARGETS.get(name)
            if target:
                met = (result["ratio_to_floor"] >= target.get("ratio", 0)) and (
                    result["p95_ms"] < target.get("p95_ms", float("inf"))
                )
                result["target"] = {**target, "met": met and result["errors"] == 0}
        return out

    def triage(self) -> dict[str, Any]:
        log("scenario triage: a batch of signals in-process")
        try:
            # One core: the worker's BLAS threads stay at one (cli.worker), as here.
            out = self.vmeste("bench-triage", "--texts", "2000", capture=True, env=ONE_THREAD)
            report = json.loads(out.strip().splitlines()[-1])
        except (subprocess.CalledProcessError, json.JSONDecodeError, IndexError) as error:
            report = {"status": "unavailable", "reason": str(error)}
        if report.get("status") == "ok":
            report["target"] = {
                "texts_per_second_per_core": 100,
                "met": report["texts_per_cpu_second"] >= 100,
            }
        log(f"  {report}")
        return report

    def machine(self) -> dict[str, Any]:
        cpu = ""
        with contextlib.suppress(OSError, StopIteration):
            cpu = next(
                line.split(":", 1)[1].strip()
                for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")
            )
        mem = ""
        try:
            mem_kb = int(Path("/proc/meminfo").read_text().split()[1])
            mem = f"{mem_kb / 1024 / 1024:.1f} GB"
        except (OSError, ValueError, IndexError):
            pass
        pg = self.sql("SHOW server_version")[0][0]
        return {
            "cpu": cpu,
            "cores": os.cpu_count(),
            "memory": mem,
            "os": platform.platform(),
            "python": platform.python_version(),
            "postgresql": pg,
            "load_generator": subprocess.run(
                ["wrk", "--version"], capture_output=True, text=True
            ).stdout.splitlines()[0:1],
        }

    def finish(self) -> None:
        self.results.update(
            date=dt.date.today().isoformat(),
            scale=self.args.scale,
            command=f"BENCH_SCALE={self.args.scale} make bench",
            settings={
                "duration_s": self.args.duration,
                "connections": self.args.connections,
                "threads": self.args.threads,
                "web_workers": self.args.web_workers,
                "max_requests": self.args.max_requests,
                "floor": "/healthz",
            },
            machine=self.machine(),
        )
        RESULTS.mkdir(parents=True, exist_ok=True)
        path = RESULTS / f"{self.results['date']}.json"
        # A quick run never overwrites the full-scale figures of the same day.
        if (
            self.args.scale != "full"
            and path.exists()
            and json.loads(path.read_text()).get("scale") == "full"
        ):
            path = RESULTS / f"{self.results['date']}-{self.args.scale}.json"
        path.write_text(json.dumps(self.results, ensure_ascii=False, indent=2) + "\n")
        table = markdown(self.results)
        print(table)
        log(f"results written to {path.relative_to(ROOT)}")
        if self.args.update_docs:
            update_docs(table)
            log("docs/performance.md updated")


def rate_and_latency(report: dict[str, Any]) -> dict[str, Any]:
    """Requests, seconds, requests per second and latency percentiles (ms) of a wrk report."""
    seconds = report["duration_us"] / 1e6
    lat = report["latency_us"]
    return {
        "requests": report["requests"],
        "seconds": round(seconds, 2),
        "rps": round(report["requests"] / seconds, 1),
        **{f"{p}_ms": round(lat[p] / 1000, 1) for p in ("p50", "p95", "p99", "max")},
    }


def run_wrk(
    url: str,
    script: str,
    extra_env: dict[str, str],
    duration: int,
    *,
    threads: int,
    connections: int,
    max_requests: int,
) -> dict[str, Any]:
    """One wrk run of a Lua script of bench/lua/; its report is the line ``BENCH_JSON {...}``."""
    command = [
        "wrk", "-t", str(threads), "-c", str(connections), "-d", f"{duration}s",
        "--timeout", "10s", "-s", str(LUA / script), url,
    ]  # fmt: skip
    env = {
        **os.environ,
        "BENCH_LUA_DIR": str(LUA),
        "BENCH_THREADS": str(threads),
        "BENCH_MAX_REQUESTS": str(max_requests),
        **extra_env,
    }
    done = subprocess.run(command, env=env, text=True, capture_output=True, timeout=duration + 60)
    for line in done.stdout.splitlines():
        if line.startswith("BENCH_JSON "):
            return json.loads(line[len("BENCH_JSON ") :])
    raise RuntimeError(f"wrk gave no report: {done.stdout}\n{done.stderr}")


def markdown(results: dict[str, Any]) -> str:
    m = results["machine"]
    s = results["settings"]
    seed = results.get("seed") or {}
    lines = [
        f"Run of {results['date']}, scale `{results['scale']}`, command `{results['command']}`.",
        "",
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory']}, {m['os']}, Python {m['python']}, "
        f"PostgreSQL {m['postgresql']}; wrk on the same machine, {s['threads']} threads, "
        f"{s['connections']} connections, {s['duration_s']} s per scenario; gunicorn with "
        f"{s['web_workers']} workers and one `vmeste worker`; shared cache: "
        f"{results.get('shared_cache', 'per-process memory')}, warmed before measuring.",
        "",
        "First request of each page scenario (a cache miss, ms): "
        + (
            ", ".join(f"{k} {v}" for k, v in (results.get("cold_first_request_ms") or {}).items())
            or "not measured"
        ),
        "",
        f"Seeding: {seed.get('seconds', '?')} s"
        + (" (reused the existing load)" if seed.get("reused") else ""),
        "",
        "| scenario | req/s | p50 ms | p95 ms | p99 ms | errors | × floor | target | met |",
        "|---|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for name, r in results.get("scenarios", {}).items():
        target = r.get("target")
        want = ""
        if target:
            parts = []
            if "ratio" in target:
                parts.append(f"≥ {target['ratio']:.0%} of floor")
            if "p95_ms" in target:
                parts.append(f"p95 < {target['p95_ms']} ms")
            want = ", ".join(parts)
        met = "" if not target else ("yes" if target["met"] else "**no**")
        lines.append(
            f"| {name} — {r['title']} | {r['rps']} | {r['p50_ms']} | {r['p95_ms']} | "
            f"{r['p99_ms']} | {r['errors']} | {r['ratio_to_floor']:.2f} | {want} | {met} |"
        )
    t = results.get("triage") or {}
    if t.get("status") == "ok":
        lines.append(
            f"| triage — batch of {t['batch']} signals in-process | {t['texts_per_second']} "
            f"texts/s ({t['texts_per_cpu_second']} per CPU second) | | | | 0 | | ≥ 100/s per core | "
            f"{'yes' if t['target']['met'] else '**no**'} |"
        )
    else:
        lines.append(
            f"| triage | {t.get('status', 'not run')}: {t.get('reason', '')} | | | | | | | |"
        )
    mem = results.get("memory", {})
    lines += [
        "",
        f"Web worker resident memory after the run: {mem.get('workers_rss_mb')} MB "
        f"(target < 250 MB: {'met' if mem.get('max_rss_mb', 999) < 250 else '**missed**'}).",
    ]
    for name in ("votes", "appeals"):
        check = results.get("scenarios", {}).get(name, {}).get("check")
        if check:
            lines.append(
                f"Check {name}: {'ok' if check['ok'] else '**FAILED**'} — {json.dumps(check, ensure_ascii=False)}"
            )
    tasks = results.get("tasks")
    if tasks:
        lines.append(f"Tasks after the run: {tasks['by_status']} (pending {tasks['pending']}).")
    return "\n".join(lines) + "\n"


def update_docs(table: str) -> None:
    text = DOCS.read_text(encoding="utf-8") if DOCS.exists() else f"{MARK_BEGIN}\n{MARK_END}\n"
    if MARK_BEGIN not in text:
        text += f"\n{MARK_BEGIN}\n{MARK_END}\n"
    head, rest = text.split(MARK_BEGIN, 1)
    _old, tail = rest.split(MARK_END, 1)
    DOCS.write_text(f"{head}{MARK_BEGIN}\n{table}{MARK_END}{tail}", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    scale = os.environ.get("BENCH_SCALE") or "small"
    parser.add_argument("--scale", default=scale)
    parser.add_argument("--duration", type=int, default=env_int("BENCH_DURATION", 10))
    parser.add_argument("--connections", type=int, default=env_int("BENCH_CONNECTIONS", 16))
    parser.add_argument("--threads", type=int, default=env_int("BENCH_THREADS", 2))
    parser.add_argument("--max-requests", type=int, default=env_int("BENCH_MAX_REQUESTS", 300_000))
    parser.add_argument("--port", type=int, default=env_int("BENCH_PORT", 8765))
    parser.add_argument(
        "--web-workers", type=int, default=env_int("WEB_CONCURRENCY", os.cpu_count() or 1)
    )
    parser.add_argument("--scenarios", default=os.environ.get("BENCH_SCENARIOS", ""))
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL")
        or "postgres://postgres@127.0.0.1:5432/vmeste_bench",
    )
    default_docs = os.environ.get("BENCH_UPDATE_DOCS")
    parser.add_argument(
        "--update-docs",
        action=argparse.BooleanOptionalAction,
        default=(default_docs == "1") if default_docs else scale == "full",
    )
    Bench(parser.parse_args()).run()


if __name__ == "__main__":
    main()
