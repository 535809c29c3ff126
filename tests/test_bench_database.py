"""`make bench` measures on a database of its own, never the demo's."""

import importlib.util
import os
from pathlib import Path
from urllib.parse import urlsplit

import psycopg

from tests.conftest import postgres_only

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("bench_run", ROOT / "scripts" / "bench" / "run.py")
bench_run = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bench_run)


def test_without_postgresql_the_bench_has_its_own_sqlite_file(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("CNFS_VAR_DIR", str(tmp_path))
    url = bench_run.database_url()
    assert url == f"sqlite:///{tmp_path / 'bench.sqlite3'}"
    assert "db.sqlite3" not in url  # the demo's database


@postgres_only
def test_with_postgresql_the_bench_uses_name_bench_created_if_absent(monkeypatch):
    # A base of this test's own: a developer's <name>_bench keeps its national data.
    parts = urlsplit(os.environ["DATABASE_URL"])._replace(path=f"/cnfs_bench_test_{os.getpid()}")
    monkeypatch.setenv("DATABASE_URL", parts.geturl())
    name = parts.path.lstrip("/") + "_bench"
    maintenance = parts._replace(path="/postgres").geturl()
    with psycopg.connect(maintenance, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
    try:
        url = bench_run.database_url()
        assert urlsplit(url).path == "/" + name
        with psycopg.connect(url) as connection:  # it exists now
            assert connection.execute("SELECT current_database()").fetchone() == (name,)
        assert bench_run.database_url() == url  # and is reused
    finally:
        with psycopg.connect(maintenance, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
