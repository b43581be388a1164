"""export: the selected events as CSV or JSON Lines (streamed), JSON or XLSX (in memory)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from hookconsole.cli.common import add_filters, progress, selected
from hookconsole.formats import export_file
from hookconsole.resources import EventResource
from hookconsole.streaming import lines


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", required=True, choices=["csv", "jsonl", "json", "xlsx"])
    parser.add_argument("-o", "--output", help="a file (default: standard output)")
    add_filters(parser)


def run(command: Any, options: dict[str, Any]) -> int:
    events = selected(options)
    fmt, output = options["format"], options["output"]
    if fmt in ("csv", "jsonl"):
        stream = open(output, "w", encoding="utf-8", newline="") if output else sys.stdout
        try:
            rows = lines(EventResource(), events, fmt)
            if output:  # the bar goes to stderr, so only when stdout is not the data
                total = events.count() + (1 if fmt == "csv" else 0)
                rows = progress(rows, total, "export")
            for line in rows:
                stream.write(line)
        finally:
            if output:
                stream.close()
        return 0
    data, _ = export_file(EventResource(), events, fmt)
    if output:
        mode = "wb" if isinstance(data, bytes) else "w"
        with open(output, mode) as handle:
            handle.write(data)
    elif isinstance(data, bytes):
        sys.stdout.buffer.write(data)
    else:
        sys.stdout.write(data)
    return 0
