"""prune: delete old deliveries and attempts, empty old payloads (see hookconsole.retention)."""

from __future__ import annotations

import argparse
from typing import Any

from hookconsole.cli.common import duration
from hookconsole.conf import hookconsole_settings
from hookconsole.retention import prune


def add_arguments(parser: argparse.ArgumentParser) -> None:
    defaults = hookconsole_settings.retention
    parser.add_argument(
        "--succeeded-older-than",
        type=duration,
        default=defaults["succeeded"],
        help=f"succeeded and skipped events (default {defaults['succeeded']})",
    )
    parser.add_argument(
        "--failed-older-than",
        type=duration,
        default=defaults["failed"],
        help=f"failed events (default {defaults['failed']})",
    )
    parser.add_argument(
        "--rejected-older-than",
        type=duration,
        default=defaults["rejected"],
        help=f"rejected deliveries (default {defaults['rejected']})",
    )
    parser.add_argument("--dry-run", action="store_true", help="count, change nothing")


def run(command: Any, options: dict[str, Any]) -> int:
    result = prune(
        succeeded=options["succeeded_older_than"],
        failed=options["failed_older_than"],
        rejected=options["rejected_older_than"],
        dry_run=options["dry_run"],
    )
    verb = "would prune" if options["dry_run"] else "pruned"
    command.stdout.write(
        f"{verb} {result.events} events (their {result.deliveries} deliveries and "
        f"{result.attempts} attempts deleted, payloads emptied, ids kept) and "
        f"{result.rejected} rejected deliveries"
    )
    return 0
