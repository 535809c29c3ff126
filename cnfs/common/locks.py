"""One lock for the whole programme's limits, whatever rows or dates are involved."""

import zlib

from django.db import connection


def programme_lock(name: str = "programme-limits"):
    """Serialise, until the end of the current transaction, every writer taking this lock.

    PostgreSQL: a transaction-scoped advisory lock (no row whose choice could depend on a
    date). SQLite: writers are already serialised (``transaction_mode = IMMEDIATE``).
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [zlib.crc32(name.encode())])
