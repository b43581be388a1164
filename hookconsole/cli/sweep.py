"""sweep: enqueue events nobody is processing (pending, an expired lease, a lost retry)."""

from __future__ import annotations

import argparse
from typing import Any

from hookconsole.cli.common import duration
from hookconsole.queue import sweep


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--older-than",
        type=duration,
        default="5m",
        help="leave events younger than this (default 5m)",
    )


def run(command: Any, options: dict[str, Any]) -> int:
    count = sweep(options["older_than"])
    command.stdout.write(f"enqueued {count} events")
    return 0
