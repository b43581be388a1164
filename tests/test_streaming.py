"""Streaming export keeps memory flat: 100,000 events, peak memory measured."""

from __future__ import annotations

import gc
import os
import time

import pytest
from django.test import Client

from hookconsole.models import Event

from .admin_helpers import client_for
from .bulk import insert_events

pytestmark = pytest.mark.django_db

ROWS = 100_000
# Growth of the process while streaming; the file itself is ~50 MB, and building it
# in memory as import-export does takes several times that.
GROWTH_LIMIT_MB = 30
STATM = "/proc/self/statm"


def rss() -> int:
    """The process's resident memory now, in bytes (Linux)."""
    with open(STATM) as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


@pytest.mark.skipif(not os.path.exists(STATM), reason="reads memory from /proc (Linux)")
def test_streaming_100k_events_in_flat_memory() -> None:
    # CSV; JSON Lines shares the row pipeline (see test_exports).
    insert_events(ROWS)
    assert Event.objects.count() == ROWS
    exporter: Client = client_for("exporter")
    gc.collect()
    baseline = peak = rss()
    started = time.perf_counter()
    response = exporter.get("/admin/hookconsole/event/stream/?_stream=csv")
    lines = size = 0
    for chunk in response.streaming_content:
        lines += chunk.count(b"\n")
        size += len(chunk)
        if lines % 1000 == 0:
            peak = max(peak, rss())
    elapsed = time.perf_counter() - started
    growth = (peak - baseline) / 1e6
    assert lines == ROWS + 1  # and the header
    print(
        f"\nstream csv: {ROWS:,} rows, {size / 1e6:.1f} MB in {elapsed:.1f} s "
        f"({ROWS / elapsed:,.0f} rows/s); memory grew {growth:.1f} MB"
    )
    assert growth < GROWTH_LIMIT_MB
