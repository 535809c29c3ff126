"""`make bench`: the benchmarks on a database of their own, never the demo's.

    make bench                                        # SQLite: var/bench.sqlite3
    DATABASE_URL=postgres://…/cnfs make bench         # PostgreSQL: cnfs_bench
    BENCH_ARGS="--only matching" make bench           # some of them

The database is created if absent and migrated; the benchmarks build the national-scale
data there once (`seed_demo --scale 1`, synthetic recruitments, reports and places) and
reuse it at the next run.
"""

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
from own_database import own_postgres_database  # noqa: E402 (a script: its folder's sibling)


def database_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        var = Path(os.environ.get("CNFS_VAR_DIR", ROOT / "var"))
        var.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{var / 'bench.sqlite3'}"
    return own_postgres_database(url, "_bench")


def main():
    env = {**os.environ, "DATABASE_URL": database_url()}
    print(f"bench: base {urlsplit(env['DATABASE_URL']).path.lstrip('/')}", flush=True)
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
    result = subprocess.run([*manage, "bench", *sys.argv[1:]], cwd=ROOT, env=env)
    sys.exit(result.returncode)


if __name__ == "__main__":
    main()
