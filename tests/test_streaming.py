"""Streaming export keeps memory flat (100,000 events, peak memory measured) and renders
every cell as the import-export widgets do."""

from __future__ import annotations

import gc
import os
import time
from datetime import UTC
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from django.utils.translation import gettext_lazy
from hypothesis import given
from hypothesis import strategies as st
from import_export import widgets

from hookconsole.models import Event
from hookconsole.streaming import _renderer

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


@pytest.mark.parametrize("zone", ["UTC", "Asia/Kathmandu", "America/St_Johns"])
@given(
    number=st.integers(min_value=-(2**63), max_value=2**63 - 1),
    moment=st.datetimes(timezones=st.just(UTC)),
    text=st.text(),
)
def test_shortcut_renderers_equal_the_widgets(
    zone: str, number: int, moment: Any, text: str
) -> None:
    integer, date_time, char = (
        widgets.IntegerWidget(),
        widgets.DateTimeWidget(),
        widgets.CharWidget(),
    )
    with timezone.override(zone):
        for value in (text, None, number, gettext_lazy("event")):
            assert _renderer(char)(value) == char.render(value)
        assert _renderer(integer)(number) == integer.render(number)
        assert _renderer(integer)(None) == integer.render(None)
        assert _renderer(date_time)(moment) == date_time.render(moment)
        assert _renderer(date_time)(None) == date_time.render(None)


def test_grouped_numbers_keep_the_widget(settings: Any) -> None:
    settings.USE_THOUSAND_SEPARATOR = True
    integer = widgets.IntegerWidget()
    assert _renderer(integer) == integer.render
