"""Ingest over HTTP under gunicorn, beside the floor: requests/s, latency, errors, ratios.

    python -m tests.benchmarks.http_ingest [--duration 10] [--concurrency 4 16]
        [--databases sqlite postgres] [--modes inline task] [--queue db|rq]

The site (hookconsole.site, plus the test app's one-row handler) is served by
gunicorn; wrk (Debian's package) posts signed events from another process over
keep-alive connections, each event once. The floor is a bare WSGI app that only
verifies the signature with stripe-python and parses the JSON (floor.py), served
the same way. Per database, a storage floor is measured too: a view of the site
that does the floor's work and stores the delivery and its event with two raw
INSERTs (site_urls, /bench/store/). Each mode is reported as a fraction of both.
In task mode the queue's workers then drain what was received.
PostgreSQL runs use a scratch database, hookconsole_bench_http, on 127.0.0.1.

Gunicorn runs the gthread worker: one process per core, so Python runs on both
cores, and threads in each so that keep-alive connections stay open (the sync
worker closes every connection) and one thread's database wait lets another run.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import stripe

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
SECRET = "whsec_bench"
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
PG_DATABASE = "hookconsole_bench_http"
CORES = os.cpu_count() or 2
GUNICORN = os.environ.get(
    "BENCH_GUNICORN", f"-k gthread --workers {CORES} --threads 4 --keep-alive 30"
).split()
# More events than any run posts, so that no event is sent twice.
RATE_CEILING = 6000


def signed_requests(path: Path, count: int, prefix: str) -> None:
    """Write ``count`` signed events, one per line: the signature header, a tab, the body."""
    from hookconsole.samples import sample_event

    template = sample_event("invoice.paid")
    template["type"] = "hookconsole_test.write"  # the test app's handler writes one row
    now = int(time.time())
    with path.open("w") as out:
        for n in range(count):
            body = json.dumps({**template, "id": f"evt_{prefix}_{n}"}, separators=(",", ":"))
            signature = stripe.WebhookSignature.generate_signature_header(body, SECRET, now)
            out.write(f"{signature}\t{body}\n")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serving(app: str, env: dict[str, str]) -> Iterator[str]:
    """gunicorn serving ``app`` on a free port; its log goes to a file, not a pipe."""
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", *GUNICORN, "--bind", f"127.0.0.1:{port}", app]
    with tempfile.TemporaryFile() as log:
        server = subprocess.Popen(command, cwd=ROOT, env=env, stderr=log)
        try:
            deadline = time.monotonic() + 30
            while True:
                with socket.socket() as sock:
                    if sock.connect_ex(("127.0.0.1", port)) == 0:
                        break
                if server.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    raise RuntimeError(f"gunicorn did not start: {log.read().decode()}")
                time.sleep(0.1)
            yield f"http://127.0.0.1:{port}"
        finally:
            server.terminate()
            server.wait(timeout=30)


def load(url: str, requests: Path, duration: float, concurrency: int) -> dict[str, Any]:
    """Run wrk against ``url``; its script prints one WRK_RESULT line of JSON."""
    threads = min(2, concurrency)
    command = ["wrk", "-t", str(threads), "-c", str(concurrency)]
    command += ["-d", f"{round(duration)}s", "--timeout", "10s", "-s", str(HERE / "load.lua")]
    output = subprocess.run(
        [*command, url, "--", str(requests), str(threads)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    line = next(line for line in output.splitlines() if line.startswith("WRK_RESULT "))
    result: dict[str, Any] = json.loads(line.removeprefix("WRK_RESULT "))
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    return result


def manage(env: dict[str, str], *args: str) -> str:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout


COUNTS = (
    "import json; from hookconsole.models import Delivery, Event;"
    "print(json.dumps({'answered_2xx': Delivery.objects.filter(response_status=200).count(),"
    " 'events': Event.objects.count(), 'succeeded': Event.objects.succeeded().count()}))"
)


def counts(env: dict[str, str]) -> dict[str, int]:
    result: dict[str, int] = json.loads(manage(env, "shell", "-c", COUNTS).splitlines()[-1])
    return result


def database_env(
    database: str, mode: str, queue: str, folder: Path, name: str | None = None
) -> dict[str, str]:
    """A fresh, migrated database for one run (a SQLite file called ``name`` or after
    the mode), and the environment that points at it."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.benchmarks.site_settings",
        "DJANGO_SECRET_KEY": "bench",
        "STRIPE_WEBHOOK_SECRET": SECRET,
        "HOOKCONSOLE_PROCESSING": mode,
        "PYTHONPATH": str(ROOT),
    }
    env.pop("DATABASE_URL", None)
    if mode == "task":
        env["HOOKCONSOLE_QUEUE"] = queue
    if database == "sqlite":
        env["SQLITE_PATH"] = str(folder / f"{name or mode}.sqlite3")
    else:
        for sql in (f"DROP DATABASE IF EXISTS {PG_DATABASE}", f"CREATE DATABASE {PG_DATABASE}"):
            subprocess.run(["psql", PG_SERVER, "-qc", sql], check=True, capture_output=True)
        env["DATABASE_URL"] = f"{PG_SERVER}/{PG_DATABASE}"
    manage(env, "migrate", "--verbosity", "0")
    if mode == "task" and queue == "rq":
        subprocess.run(["redis-cli", "-n", "0", "flushdb"], check=True, capture_output=True)
    return env


@contextmanager
def workers(env: dict[str, str], queue: str, count: int) -> Iterator[None]:
    """``count`` queue workers (db_worker or rqworker) on ``env``'s database."""
    if queue == "db":
        command = ["db_worker", "--no-startup-delay", "--interval", "0.05"]
    else:
        command = ["rqworker", "--job-class", "django_tasks_rq.backend.Job"]
        command += ["--worker-class", "rq.worker.SimpleWorker", "default"]
    processes = [
        subprocess.Popen(
            [sys.executable, "manage.py", *command],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(count)
    ]
    try:
        yield
    finally:
        stop(processes)


def drain(env: dict[str, str], queue: str, expected: int, count: int) -> float:
    """Start ``count`` workers and time them until every event succeeded; events/s."""
    if "DATABASE_URL" in env:
        # The scratch database is minutes old: autovacuum has not analysed it yet
        # (it does within its one-minute naptime). Without statistics PostgreSQL
        # sorts the whole backlog for each task a worker claims (6.8 ms with 3,000
        # queued, 0.2 ms once analysed), which no running site sees for long.
        subprocess.run(["psql", env["DATABASE_URL"], "-qc", "ANALYZE"], check=True)
    started = time.perf_counter()
    with workers(env, queue, count):
        while counts(env)["succeeded"] < expected:
            time.sleep(0.2)
        return expected / (time.perf_counter() - started)


def stop(processes: list[subprocess.Popen[bytes]]) -> None:
    """Stop workers whose work is done; an RQ worker may take a minute to exit on its
    own (its pubsub thread reads with a 60 s timeout), so it is killed after 5 s."""
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def run(
    label: str,
    app: str,
    env: dict[str, str],
    args: argparse.Namespace,
    folder: Path,
    path: str = "/webhooks/stripe/",
) -> dict[int, dict[str, Any]]:
    """Load ``app`` at each concurrency; a short warm-up first. Results by concurrency."""
    results = {}
    with serving(app, env) as server:
        url = f"{server}{path}"
        warm = folder / f"{label}-warm.txt"
        signed_requests(warm, 500, f"{label}_warm")
        results[0] = load(url, warm, 1, 2)
        for concurrency in args.concurrency:
            requests = folder / f"{label}-{concurrency}.txt"
            signed_requests(requests, int(RATE_CEILING * args.duration), f"{label}_{concurrency}")
            results[concurrency] = load(url, requests, args.duration, concurrency)
    return results


def report(
    label: str,
    result: dict[str, Any],
    concurrency: int,
    floor: float | None,
    store: float | None = None,
) -> None:
    ratio = f"{result['rps'] / floor:5.2f}x" if floor else "  -   "
    ratio += f" {result['rps'] / store:5.2f}x" if store else "       "
    errors = result["status_5xx"] + result["socket_errors"]
    print(
        f"{label:<24} c={concurrency:<3} {result['rps']:7.0f} req/s {ratio}  "
        f"p50 {result['p50_us'] / 1000:5.1f}  p95 {result['p95_us'] / 1000:5.1f}  "
        f"p99 {result['p99_us'] / 1000:5.1f} ms  4xx {result['status_4xx']}  errors {errors}",
        flush=True,
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[4, 16])
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgres"])
    parser.add_argument("--modes", nargs="+", default=["inline", "task"])
    parser.add_argument("--queue", choices=["db", "rq"], default="db")
    # Two per core drained fastest on 2 cores (8 contended for the CPU).
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    import django

    django.setup()  # for the samples module only
    folder = Path(tempfile.mkdtemp(prefix="hookconsole-bench-"))
    print(f"gunicorn {' '.join(GUNICORN)}; wrk, keep-alive; {args.duration:g} s per run")
    print("ratios: to the floor, then to the same database's storage floor")
    floor_env = {**os.environ, "STRIPE_WEBHOOK_SECRET": SECRET, "PYTHONPATH": str(ROOT)}
    floors = run("floor", "tests.benchmarks.floor:application", floor_env, args, folder)
    for concurrency, result in list(floors.items())[1:]:
        report("floor (verify + parse)", result, concurrency, None)
    django_env = database_env("sqlite", "inline", args.queue, folder, "django_floor")
    site = "hookconsole.site.wsgi"
    djangos = run("django", site, django_env, args, folder, "/bench/floor/")
    for concurrency, result in list(djangos.items())[1:]:
        report("Django view, no db", result, concurrency, floors[concurrency]["rps"])
    for database in args.databases:
        store_env = database_env(database, "inline", args.queue, folder, "store")
        stores = run(f"{database}_store", site, store_env, args, folder, "/bench/store/")
        for concurrency, result in list(stores.items())[1:]:
            floor = floors[concurrency]["rps"]
            report(f"{database}: view + 2 INSERTs", result, concurrency, floor)
        for mode in args.modes:
            env = database_env(database, mode, args.queue, folder)
            label = f"{database} {mode}" + (f" ({args.queue})" if mode == "task" else "")
            results = run(label.replace(" ", "_"), site, env, args, folder)
            for concurrency, result in results.items():
                if concurrency:  # 0 is the warm-up
                    floor, store = floors[concurrency]["rps"], stores[concurrency]["rps"]
                    report(label, result, concurrency, floor, store)
            stored = counts(env)
            answered = sum(result["ok"] for result in results.values())
            # wrk stops with requests in flight: those are stored but not counted as answered.
            assert stored["answered_2xx"] >= answered, (stored, answered)
            line = f"{'':<22} {answered:,} answered 2xx, {stored['answered_2xx']:,} stored"
            if mode == "task":
                ingest = max(result["rps"] for result in results.values())  # not the warm-up's
                rate = drain(env, args.queue, stored["events"], args.workers)
                line += f"; {args.workers} workers drained {rate:,.0f} events/s"
                line += f" ({rate / ingest:.2f}x ingest)"
            print(line, flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
