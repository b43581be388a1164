"""manage.py hookconsole <send|reprocess|export|prune|stats|sweep> [--help]"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hookconsole.cli import export, prune, reprocess, send, stats, sweep

SUBCOMMANDS = {
    "send": (send, "sign and POST an event to a running endpoint, like stripe trigger"),
    "reprocess": (reprocess, "run the selected events again, or --dry-run them"),
    "export": (export, "export the selected events (csv and jsonl stream)"),
    "prune": (prune, "retention: delete old deliveries and attempts, keep event ids"),
    "stats": (stats, "counts by status, type and rejection reason; processing times"),
    "sweep": (sweep, "task mode: enqueue events left pending or held by a dead worker"),
}


class Command(BaseCommand):
    help = "Operate hookconsole from a terminal or from cron."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="subcommand", required=True, metavar="subcommand")
        for name, (module, summary) in SUBCOMMANDS.items():
            module.add_arguments(commands.add_parser(name, help=summary, description=summary))

    def handle(self, *args: Any, subcommand: str, **options: Any) -> None:
        module, _ = SUBCOMMANDS[subcommand]
        status = module.run(self, options)
        if status:
            raise CommandError(f"{subcommand} finished with failures", returncode=status)
