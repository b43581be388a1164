"""The SQLite writers' queue: an OS lock other processes wait on, re-entrant in a thread."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
import warnings
from pathlib import Path

import pytest
from django.db import connection

from hookconsole import locking

pytestmark = pytest.mark.skipif(locking.fcntl is None, reason="flock is POSIX-only")

TRY_LOCK = (
    "import fcntl, os, sys; fd = os.open(sys.argv[1], os.O_RDWR);"
    "fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)"
)


def other_process_can_lock(path: Path) -> bool:
    return subprocess.run([sys.executable, "-c", TRY_LOCK, str(path)]).returncode == 0


def test_other_processes_wait_while_a_writer_holds_the_lock(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3-hookconsole.lock"
    with locking._file_lock(str(path)):
        with locking._file_lock(str(path)):  # re-entrant: a nested write transaction
            assert not other_process_can_lock(path)
        assert not other_process_can_lock(path)  # still held by the outer one
    assert other_process_can_lock(path)


def test_threads_of_one_process_take_turns(tmp_path: Path) -> None:
    path, acquired = str(tmp_path / "lock"), threading.Event()

    def writer() -> None:
        with locking._file_lock(path):
            acquired.set()

    with locking._file_lock(path):
        thread = threading.Thread(target=writer)
        thread.start()
        assert not acquired.wait(timeout=0.3)  # waiting for this thread's turn
    assert acquired.wait(timeout=5)
    thread.join()


@pytest.mark.django_db
def test_in_memory_databases_and_open_transactions_need_no_queue() -> None:
    if connection.vendor == "sqlite":
        assert locking._lock_path() is None  # the test database is in memory
    with locking.write_transaction():
        assert connection.in_atomic_block


def test_a_forked_child_takes_its_own_turn(tmp_path: Path) -> None:
    # As gunicorn forks workers: a descriptor the parent opened must not be shared.
    import os

    path = str(tmp_path / "lock")
    with locking._file_lock(path):
        pass  # the parent's descriptor is open from here on
    go_read, go_write = os.pipe()
    done_read, done_write = os.pipe()
    with warnings.catch_warnings():
        # The suite may have other threads (a live server); the child touches none of them.
        warnings.simplefilter("ignore", DeprecationWarning)
        child = os.fork()
    if child == 0:  # pragma: no cover - the child reports through the pipe
        os.read(go_read, 1)
        with locking._file_lock(path):
            os.write(done_write, b"x")
        os._exit(0)
    os.set_blocking(done_read, False)
    with locking._file_lock(path):
        os.write(go_write, b"x")
        time.sleep(0.3)
        with pytest.raises(BlockingIOError):
            os.read(done_read, 1)  # the child is still waiting for its turn
    os.waitpid(child, 0)
    assert os.read(done_read, 1) == b"x"
