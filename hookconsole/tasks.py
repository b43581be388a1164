"""Tasks for Django's tasks framework (django.tasks).

Run ``prune_old_events`` periodically by enqueueing it from your scheduler, or
run ``manage.py hookconsole prune`` from cron: both apply HOOKCONSOLE_RETENTION.
django.tasks has no schedule of its own.
"""

from __future__ import annotations

from dataclasses import asdict

from django.tasks import task

from hookconsole.conf import hookconsole_settings
from hookconsole.retention import duration, prune


@task
def prune_old_events(dry_run: bool = False) -> dict[str, int]:
    """Retention as the settings say; returns what was (or would be) removed."""
    keep = hookconsole_settings.retention
    result = prune(
        succeeded=duration(keep["succeeded"]),
        failed=duration(keep["failed"]),
        rejected=duration(keep["rejected"]),
        dry_run=dry_run,
    )
    return asdict(result)
