"""Every list page, filter and search of the admin can be answered from an index.

The queries the pages really run are captured and explained: on PostgreSQL with
sequential scans priced out, on SQLite as they come. A plan that still reads a
hookconsole table row by row means a filter lacks its index.
"""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from .admin_helpers import client_for, populate
from .bulk import insert_events

pytestmark = pytest.mark.django_db

# Filter values that match few rows: there, only an index avoids reading the table
# (for common values the planner rightly walks the newest rows and stops early).
PAGES = [
    "/admin/hookconsole/event/",
    "/admin/hookconsole/event/?status__exact=processing",
    "/admin/hookconsole/event/?type=payout.paid",
    "/admin/hookconsole/event/?type=payout.*",
    "/admin/hookconsole/event/?livemode__exact=1",
    "/admin/hookconsole/event/?endpoint=connect",
    "/admin/hookconsole/event/?account=acct_1",
    "/admin/hookconsole/event/?validation__exact=unverified",
    "/admin/hookconsole/event/?received_at__year=2026&received_at__month=1",
    "/admin/hookconsole/event/?q=evt_123",
    "/admin/hookconsole/event/?q=cus_123",
    "/admin/hookconsole/event/?q=in_123",
    "/admin/hookconsole/delivery/",
    "/admin/hookconsole/delivery/?reason__exact=bad_signature",
    "/admin/hookconsole/delivery/?validation__exact=rejected",
    "/admin/hookconsole/delivery/?endpoint=connect",
    "/admin/hookconsole/delivery/?q=evt_123",
    "/admin/hookconsole/attempt/",
    "/admin/hookconsole/attempt/?outcome__exact=failed",
    "/admin/hookconsole/attempt/?trigger__exact=reprocess",
]
TABLE = re.compile(r"\bhookconsole_(event|delivery|attempt)\b")


def postgres_row_reads(plan: list[str]) -> list[str]:
    """Scan nodes on our tables that read rows without an index condition."""
    flagged, node, details = [], "", []
    for line in [*plan, "->"]:
        if "->" in line or not node:
            if TABLE.search(node) and "Scan" in node:
                conditioned = any("Index Cond" in d or "Recheck Cond" in d for d in details)
                filtered = any("Filter:" in d for d in details)
                if "Seq Scan" in node or (filtered and not conditioned):
                    flagged.append(node.strip())
            node, details = line, []
        else:
            details.append(line)
    return flagged


def sqlite_row_reads(plan: list[str], filtered: bool) -> list[str]:
    """SQLite plan steps that walk a whole table (or, when filtered, a whole index)."""
    walks = [line.strip() for line in plan if re.match(r"\s*SCAN hookconsole_", line)]
    return walks if filtered else [w for w in walks if "USING" not in w]


def row_reads(sql: str, filtered: bool) -> list[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("EXPLAIN " + sql.replace("%", "%%"))
            return postgres_row_reads([row[0] for row in cursor.fetchall()])
        cursor.execute("EXPLAIN QUERY PLAN " + sql)
        return sqlite_row_reads([row[-1] for row in cursor.fetchall()], filtered)


@pytest.fixture(scope="module")
def _vendor_supported() -> None:
    if connection.vendor not in {"postgresql", "sqlite"}:
        pytest.skip(f"explains plans on PostgreSQL and SQLite, not {connection.vendor}")


@pytest.mark.usefixtures("_vendor_supported")
@pytest.mark.parametrize("page", PAGES)
def test_page_reads_indexes_only(page: str) -> None:
    populate(count=3)
    insert_events(2000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    client: Client = client_for("viewer")
    with CaptureQueriesContext(connection) as context:
        assert client.get(page).status_code == 200
    statements = [
        q
        for q in context.captured_queries
        if q["sql"].lstrip().upper().startswith(("SELECT", "WITH")) and TABLE.search(q["sql"])
    ]
    assert statements
    filtered = "?" in page
    for query in statements:
        # Captured SQL has its parameters inlined: explain it as Django ran it.
        reads = row_reads(query["sql"], filtered)
        assert not reads, f"{page}: {reads}\n{query['sql']}"
