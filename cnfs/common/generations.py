"""Cached results named after the data they show.

A topic ("places", …) has a generation number kept in the shared cache. A cached result
puts it in its key; a write that changes the topic moves the generation on once its
transaction commits, so every server stops reading the old copies at the same moment and
they expire on their own. Readers never wait for a write, and a write never deletes keys
one by one (the cache may hold hundreds of filter combinations).
"""

import time

from django.core.cache import cache
from django.db import transaction

PREFIX = "generation:"


def _fresh() -> int:
    # A number no earlier generation of the topic had, even if its key was evicted while
    # copies keyed under it survive: microseconds since the epoch.
    return time.time_ns() // 1000


def current(topic: str) -> int:
    """The topic's generation."""
    key = PREFIX + topic
    value = cache.get(key)
    if value is None:
        cache.add(key, _fresh(), timeout=None)
        value = cache.get(key)
    return value if value is not None else _fresh()


def advance(topic: str) -> None:
    """Move the topic on after the current transaction commits (now if there is none)."""
    transaction.on_commit(lambda: _increment(topic))


def _increment(topic: str) -> None:
    key = PREFIX + topic
    try:
        cache.incr(key)
    except ValueError:  # never read yet, or evicted
        cache.add(key, _fresh(), timeout=None)


def key(topic: str, *parts: str) -> str:
    """A cache key that changes with the topic's generation."""
    return ":".join((topic, str(current(topic)), *parts))
