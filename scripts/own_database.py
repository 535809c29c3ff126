"""The databases of `make bench` and `make load`: each its own, named after DATABASE_URL's
(`<name>_bench`, `<name>_load`), created on the same server if absent."""

from urllib.parse import urlsplit, urlunsplit

import psycopg


def own_postgres_database(url: str, suffix: str) -> str:
    """The URL of ``<name><suffix>`` beside the database of ``url`` (created if absent)."""
    parts = urlsplit(url)
    name = (parts.path.lstrip("/") or "cnfs") + suffix
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if not exists.fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path="/" + name))
