"""`make load`: the site under load from a separate locust process.

    DATABASE_URL=postgres://…/cnfs make load     # LOAD_USERS=50 LOAD_TIME=3m LOAD_SCALE=1

1. the database `<name>_load` (from DATABASE_URL) is created if absent and filled once at
   LOAD_SCALE (scripts/load/prepare.py);
2. the site is served by gunicorn as docs/deploy.md says (production settings,
   `--workers 4 --timeout 60 --preload`, static files collected, shared cache in the database);
3. locust (LOAD_USERS users, 1–3 s between actions, LOAD_TIME) drives it headless, from
   its own virtualenv (.venv-load, requirements-load.txt);
4. var/load/results.json: commit, row counts, users, duration, per-endpoint count, errors,
   p50/p95/p99, totals, and the CPU and memory of the server, the database and locust;
   a table is printed.
"""

import csv
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import psycopg

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
from own_database import own_postgres_database  # noqa: E402 (a script: its folder's sibling)

LOAD_DIR = Path(os.environ.get("LOAD_DIR", ROOT / "var" / "load"))
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _seconds(value: str) -> int:
    match = re.fullmatch(r"(\d+)\s*([smh]?)", value.strip())
    if not match:
        raise SystemExit(f"LOAD_TIME={value!r}: expected 20s, 3m or 1h")
    return int(match[1]) * {"": 1, "s": 1, "m": 60, "h": 3600}[match[2]]


def _proc(pid: int) -> tuple[float, int] | None:
    """(CPU seconds, RSS bytes) of a process from /proc, None once it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        fields = stat.rsplit(")", 1)[1].split()
        cpu = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
        rss = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
        return cpu, rss
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return None


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
            except (FileNotFoundError, ProcessLookupError, IndexError):
                continue
    return found


class Meter:
    """CPU seconds used during the run and peak memory of a changing set of processes."""

    def __init__(self):
        self.first: dict[int, float] = {}
        self.last: dict[int, float] = {}
        self.peak_rss = 0

    def sample(self, pids):
        rss = 0
        for pid in pids:
            measured = _proc(pid)
            if measured is None:
                continue
            self.first.setdefault(pid, measured[0])
            self.last[pid] = measured[0]
            rss += measured[1]
        self.peak_rss = max(self.peak_rss, rss)

    def result(self, duration: float) -> dict:
        cpu = sum(self.last[pid] - self.first[pid] for pid in self.last)
        return {
            "cpu_seconds": round(cpu, 1),
            "cpu_percent": round(100 * cpu / duration, 1) if duration else 0,
            "peak_rss_mb": round(self.peak_rss / 2**20, 1),
        }


def _database_pids(url: str, name: str) -> list[int]:
    with psycopg.connect(url, autocommit=True) as connection:
        rows = connection.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [name],
        ).fetchall()
    return [pid for (pid,) in rows]


def _stats(csv_path: Path) -> tuple[list[dict], dict]:
    endpoints, total = [], {}
    with csv_path.open() as handle:
        for row in csv.DictReader(handle):
            entry = {
                "method": row["Type"],
                "name": row["Name"],
                "count": int(row["Request Count"]),
                "errors": int(row["Failure Count"]),
                "p50_ms": float(row["50%"] or 0),
                "p95_ms": float(row["95%"] or 0),
                "p99_ms": float(row["99%"] or 0),
                "mean_ms": round(float(row["Average Response Time"] or 0), 1),
                "rps": round(float(row["Requests/s"] or 0), 2),
            }
            if row["Name"] == "Aggregated":
                total = entry
            else:
                endpoints.append(entry)
    return endpoints, total


def _table(result: dict) -> str:
    lines = [f"{'endpoint':<70} {'count':>6} {'err':>4} {'p50':>6} {'p95':>6} {'p99':>6}"]
    for e in sorted(result["endpoints"], key=lambda e: -e["p95_ms"]):
        lines.append(
            f"{(e['method'] + ' ' + e['name'])[:70]:<70} {e['count']:>6} {e['errors']:>4} "
            f"{e['p50_ms']:>6.0f} {e['p95_ms']:>6.0f} {e['p99_ms']:>6.0f}"
        )
    t = result["totals"]
    lines.append(
        f"{'total':<70} {t.get('count', 0):>6} {t.get('errors', 0):>4} "
        f"{t.get('p50_ms', 0):>6.0f} {t.get('p95_ms', 0):>6.0f} {t.get('p99_ms', 0):>6.0f}"
    )
    lines.append(
        f"{t.get('rps', 0)} requests/s; CPU % and peak memory — server "
        f"{result['resources']['server']}, database {result['resources']['database']}, "
        f"locust {result['resources']['locust']}"
    )
    return "\n".join(lines)


def main():
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        raise SystemExit("make load needs DATABASE_URL=postgres://… (its own <name>_load is used)")
    load_url = own_postgres_database(url, "_load")
    name = urlsplit(load_url).path.lstrip("/")
    users = int(os.environ.get("LOAD_USERS", "50"))
    duration = _seconds(os.environ.get("LOAD_TIME", "3m"))
    port = int(os.environ.get("LOAD_PORT", "8765"))
    workers = os.environ.get("LOAD_WORKERS", "4")
    locust = os.environ.get("LOCUST", str(ROOT / ".venv-load" / "bin" / "locust"))
    LOAD_DIR.mkdir(parents=True, exist_ok=True)

    env = {
        **os.environ,
        "DATABASE_URL": load_url,
        "DEBUG": "0",
        "SECRET_KEY": "load-" + "s3cr3t-k3y-for-the-load-database-only-" * 2,
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "HSTS_SECONDS": "0",
        "CNFS_VAR_DIR": str(LOAD_DIR / "site"),
        "CACHE_BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "CACHE_LOCATION": "cnfs_cache",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "LOG_LEVEL": "WARNING",
        "LOAD_DIR": str(LOAD_DIR),
    }
    python = sys.executable
    subprocess.run(
        [python, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    subprocess.run([python, "scripts/load/prepare.py"], cwd=ROOT, env=env, check=True)
    prepared = json.loads((LOAD_DIR / "plan.json").read_text())

    server = subprocess.Popen(
        [
            python,
            "-m",
            "gunicorn",
            "cnfs.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            workers,
            "--timeout",
            "60",
            "--preload",
        ],
        cwd=ROOT,
        env=env,
        stdout=(LOAD_DIR / "server.log").open("w"),
        stderr=subprocess.STDOUT,
    )
    meters = {"server": Meter(), "database": Meter(), "locust": Meter()}
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5)  # noqa: S310
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit("gunicorn did not start: see var/load/server.log") from None
                time.sleep(0.5)
        print(f"load: {users} users for {duration} s on {name} (scale {prepared['scale']})")
        started = time.monotonic()
        generator = subprocess.Popen(
            [
                locust,
                "-f",
                str(ROOT / "scripts" / "load" / "locustfile.py"),
                "--headless",
                "--users",
                str(users),
                "--spawn-rate",
                str(max(1, users // 10)),
                "--run-time",
                f"{duration}s",
                "--host",
                f"http://127.0.0.1:{port}",
                "--csv",
                str(LOAD_DIR / "locust"),
                "--only-summary",
                "--stop-timeout",
                "10",
            ],
            env={**os.environ, "LOAD_PLAN": str(LOAD_DIR / "plan.json")},
            stdout=(LOAD_DIR / "locust.log").open("w"),
            stderr=subprocess.STDOUT,
        )
        while generator.poll() is None:
            meters["server"].sample([server.pid, *_children(server.pid)])
            meters["database"].sample(_database_pids(load_url, name))
            meters["locust"].sample([generator.pid, *_children(generator.pid)])
            time.sleep(2)
        elapsed = time.monotonic() - started
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)

    endpoints, totals = _stats(LOAD_DIR / "locust_stats.csv")
    commit = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    result = {
        "commit": commit,
        "scale": prepared["scale"],
        "rows": prepared["rows"],
        "users": users,
        "duration_s": round(elapsed, 1),
        "wait_s": [1, 3],
        "gunicorn": {
            "workers": int(workers),
            "timeout": 60,
            "worker_class": "sync",
            "preload": True,
        },
        "endpoints": endpoints,
        "totals": totals,
        "resources": {k: meter.result(elapsed) for k, meter in meters.items()},
        "skipped": prepared["plan"]["skipped"],
    }
    (LOAD_DIR / "results.json").write_text(json.dumps(result, indent=2, ensure_ascii=False))
    print(_table(result))
    print(f"results: {LOAD_DIR / 'results.json'}")


if __name__ == "__main__":
    main()
