"""reprocess: run the selected events' handlers again (or dry-run them), with a summary."""

from __future__ import annotations

import argparse
from collections import Counter
from typing import Any

from hookconsole.cli.common import add_filters, progress, selected
from hookconsole.dryrun import dry_run
from hookconsole.models import AttemptOutcome
from hookconsole.processing import EventBusy, reprocess


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_filters(parser)
    parser.add_argument("--dry-run", action="store_true", help="roll every change back")


def run(command: Any, options: dict[str, Any]) -> int:
    events = selected(options)
    total = events.count()
    action = dry_run if options["dry_run"] else reprocess
    outcomes: Counter[str] = Counter()
    for event in progress(events.iterator(), total, "reprocess"):
        try:
            attempt = action(event)
        except EventBusy:
            outcomes["busy"] += 1
            continue
        outcomes[attempt.outcome] += 1
        if attempt.outcome == AttemptOutcome.FAILED:
            command.stderr.write(f"{event.stripe_id} {event.type}: {attempt.exception_type}")
    verb = "dry-ran" if options["dry_run"] else "reprocessed"
    summary = ", ".join(f"{n} {outcome}" for outcome, n in sorted(outcomes.items())) or "nothing"
    command.stdout.write(f"{verb} {total} events: {summary}")
    return 1 if outcomes[AttemptOutcome.FAILED] or outcomes["busy"] else 0
