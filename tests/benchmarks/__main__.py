"""bench: every benchmark in one run (make bench), on SQLite and, when it answers, PostgreSQL.

    python -m tests.benchmarks [--quick]

1. ingest over HTTP under gunicorn beside the floor (http_ingest);
2. admin list and dashboard pages at 1,000,000 events (admin_lists, dashboard);
3. streaming export of those 1,000,000 events: rows/s and peak RSS (stream_export);
4. bulk reprocess events/s (bulk_reprocess).
The million-row databases are filled once by SQL and kept (/tmp and
hookconsole_bench); --quick runs short loads on 100,000 rows instead.
"""

from __future__ import annotations

import os
import subprocess
import sys

from tests.benchmarks.http_ingest import PG_SERVER, ROOT


def postgres_answers() -> bool:
    check = ["psql", PG_SERVER, "-tAc", "SELECT 1"]
    return subprocess.run(check, capture_output=True).returncode == 0


def step(title: str, module: str, *args: str, database: str | None = None) -> None:
    print(f"\n== {title}" + (f" ({database})" if database else ""), flush=True)
    env = {**os.environ}
    env.pop("DATABASE_URL", None)
    if database == "postgres":
        env["DATABASE_URL"] = f"{PG_SERVER}/hookconsole_bench"
        if module.endswith("bulk_reprocess"):
            env["DATABASE_URL"] = f"{PG_SERVER}/hookconsole_bench_bulk"
    subprocess.run([sys.executable, "-m", module, *args], cwd=ROOT, env=env, check=True)


def main(argv: list[str]) -> None:
    quick = "--quick" in argv
    rows = "100000" if quick else "1000000"
    databases = ["sqlite", "postgres"] if postgres_answers() else ["sqlite"]
    if "postgres" in databases:
        for name in ("hookconsole_bench", "hookconsole_bench_bulk"):
            exists = f"SELECT 1 FROM pg_database WHERE datname = '{name}'"
            found = subprocess.run(["psql", PG_SERVER, "-tAc", exists], capture_output=True)
            if not found.stdout.strip():
                subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name], check=True)
    load = ["--duration", "3", "--concurrency", "4"] if quick else []
    step("ingest over HTTP", "tests.benchmarks.http_ingest", *load, "--databases", *databases)
    for database in databases:
        step("admin lists", "tests.benchmarks.admin_lists", rows, database=database)
        step("dashboard", "tests.benchmarks.dashboard", rows, database=database)
        os.environ["SQLITE_PATH"] = f"/tmp/hookconsole-bench-{rows}.sqlite3"
        step("streaming export", "tests.benchmarks.stream_export", database=database)
        del os.environ["SQLITE_PATH"]
        step("bulk reprocess", "tests.benchmarks.bulk_reprocess", database=database)


if __name__ == "__main__":
    main(sys.argv[1:])
