"""On SQLite, hookconsole's writers queue for the database instead of polling for it.

SQLite admits one writer at a time. A writer that finds the database locked
retries on a back-off that grows to 100 ms sleeps, so under concurrent deliveries
some wait hundreds of milliseconds while the lock sits free between others'
turns. hookconsole's own write transactions first take an OS lock on a file
beside the database (``flock``, whose waiters wake as soon as it is released),
then BEGIN. Hand-rolled: neither Django nor a maintained library offers a
waiting queue for SQLite writers. Elsewhere this is a plain ``transaction.atomic()``.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction

try:
    import fcntl
except ImportError:  # Windows: SQLite's own back-off applies
    fcntl = None  # type: ignore[assignment]

_held = threading.RLock()
_depth = 0
# Per process: a forked child shares its parent's open files, and flock() locks
# an open file, so a descriptor opened before a fork would not exclude the two.
_files: dict[tuple[int, str], int] = {}


def _lock_path() -> str | None:
    if connection.vendor != "sqlite" or fcntl is None:
        return None
    name = str(connection.settings_dict["NAME"])
    if not os.path.isabs(name):  # ":memory:" and "file:...?mode=memory" included
        return None
    return f"{name}-hookconsole.lock"


@contextmanager
def _file_lock(path: str) -> Iterator[None]:
    global _depth
    # Threads of one process share the file descriptor, so they queue on _held first.
    with _held:
        key = (os.getpid(), path)
        if _depth == 0:
            if key not in _files:
                _files[key] = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
            fcntl.flock(_files[key], fcntl.LOCK_EX)
        _depth += 1
        try:
            yield
        finally:
            _depth -= 1
            if _depth == 0:
                fcntl.flock(_files[key], fcntl.LOCK_UN)


@contextmanager
def write_transaction() -> Iterator[None]:
    """``transaction.atomic()``, entered after the writers' queue on SQLite."""
    path = None if connection.in_atomic_block else _lock_path()
    if path is None:
        # Already in a transaction (it may hold SQLite's lock: waiting here could
        # deadlock with a queued writer), or not SQLite: nothing to queue for.
        with transaction.atomic():
            yield
        return
    with _file_lock(path), transaction.atomic():
        yield
