"""The read replica. When DATABASE_REPLICA_URL is set, the heavy reads that
may lag a few seconds behind (the agents' search, the exports' rows, the
public statistics) go to it through `reads()`; everything else, and every
write, goes to the primary."""

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS

REPLICA = "replica"


def reads() -> str:
    """The alias to read the agents' searches, exports and statistics from."""
    if REPLICA in settings.DATABASES and settings.READ_REPLICA_ENABLED:
        return REPLICA
    return DEFAULT_DB_ALIAS


class ReplicaRouter:
    """Writes go to the primary, even for a row read from the replica; a
    related row is read where its parent was (Django's own rule, kept)."""

    def db_for_read(self, model, **hints):
        return None

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # The replica holds the same rows as the primary.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # `migrate` runs on the primary, which streams its schema to a real
        # replica; the test suite migrates its stand-in replica itself.
        return True
