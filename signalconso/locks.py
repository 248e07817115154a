"""A lock held in the database, so that two schedulers (or a job started by
hand while beat runs it) never run the same periodic job at once."""

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection


def _key(name: str) -> int:
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "big", signed=True)


@contextmanager
def job_lock(name: str) -> Iterator[bool]:
    """Yields whether the lock was taken; the job should do nothing if not.

    On PostgreSQL, a session-level advisory lock. SQLite serves one process
    (`make run`), which runs its jobs eagerly one at a time.
    """
    if connection.vendor != "postgresql":
        yield True
        return
    key = _key(name)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
        taken = cursor.fetchone()[0]
    try:
        yield taken
    finally:
        if taken:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [key])
