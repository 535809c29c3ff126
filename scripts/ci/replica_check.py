"""Two application servers and two task workers over a primary and a streaming replica.

    DATABASE_URL=postgres://postgres@127.0.0.1:54329/cnfs python scripts/ci/replica_check.py

From the PostgreSQL server of DATABASE_URL (the primary: wal_level replica and a
`host replication` line in pg_hba.conf, as initdb makes them):

1. a database `<name>_replica` migrated, with the cache table, two territories and an
   account; `pg_basebackup -R` of the whole cluster into a new data directory, started
   as a hot standby on REPLICA_PORT (default 55433);
2. two gunicorn servers A and B, each with DATABASE_URL and DATABASE_REPLICA_URL, the
   cache in the primary's table, and two `db_worker` workers;
3. checks:
   - /healthz of B: database, replica (in recovery), cache and task queue all fine;
   - a write through A is read through B: a login (a session written by A) opens the
     account's page on B;
   - public reads come from the replica: with the replica's replay paused, a name changed
     on the primary is not on B's public page for a new visitor (the replica's data), but
     is for the person who just wrote (read-your-writes: primary); once replay resumes,
     everyone sees it;
   - 60 tasks enqueued: each runs exactly once, and both workers took part.

Run as root (CI), the PostgreSQL commands run as the postgres user. Everything it started
is stopped and removed at the end.
"""

import http.cookiejar
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

ROOT = Path(__file__).resolve().parents[2]
PGBIN = Path(os.environ.get("PGBIN", "/usr/lib/postgresql/15/bin"))
REPLICA_PORT = int(os.environ.get("REPLICA_PORT", "55433"))
PORTS = (int(os.environ.get("PORT_A", "58101")), int(os.environ.get("PORT_B", "58102")))
EMAIL, PASSWORD = "replica.check@exemple.fr", "mot-de-passe-de-verification"
MARKER = "Jura-replica-marker"
TASKS = 60


def _with(url: str, *, name: str | None = None, port: int | None = None) -> str:
    parts = urlsplit(url)
    netloc = parts.netloc
    if port is not None:
        netloc = re.sub(r":\d+$", "", netloc) + f":{port}"
    return urlunsplit(parts._replace(netloc=netloc, path="/" + (name or parts.path[1:])))


def _as_postgres(args: list) -> list:
    if os.geteuid() == 0:
        return ["su", "postgres", "-s", "/bin/sh", "-c", " ".join(map(str, args))]
    return [str(a) for a in args]


def _sql(url: str, sql: str, *params):
    with psycopg.connect(url, autocommit=True) as connection:
        cursor = connection.execute(sql, params or None)
        return cursor.fetchall() if cursor.description else None


def _log(folder: Path, name: str):
    return (folder / f"{name}.log").open("w")


def _wait(what: str, condition, timeout: float = 30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if condition():
                return
        except Exception:  # noqa: BLE001, S110 (not up yet)
            pass
        time.sleep(0.2)
    raise SystemExit(f"timed out waiting for {what}")


class Browser:
    """A visitor: cookies kept across requests and servers (same host)."""

    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()
        )

    def get(self, port: int, path: str) -> tuple[int, str]:
        return self._open(urllib.request.Request(f"http://127.0.0.1:{port}{path}"))

    def post(self, port: int, path: str, data: dict) -> tuple[int, str]:
        body = urllib.parse.urlencode(data).encode()
        return self._open(urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=body))

    def _open(self, request) -> tuple[int, str]:
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def main() -> None:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        raise SystemExit("DATABASE_URL=postgres://… is required")
    name = f"{urlsplit(url).path.lstrip('/') or 'cnfs'}_replica"
    primary_url = _with(url, name=name)
    replica_url = _with(url, name=name, port=REPLICA_PORT)
    maintenance = _with(url, name="postgres")
    processes: list[subprocess.Popen] = []
    replica_dir = Path(tempfile.mkdtemp(prefix="cnfs-replica-pg-"))
    work = Path(tempfile.mkdtemp(prefix="cnfs-replica-check-"))
    env = {
        **os.environ,
        "DATABASE_URL": primary_url,
        "DATABASE_REPLICA_URL": replica_url,
        "DEBUG": "1",  # static files from the finders: no collectstatic here
        "ALLOWED_HOSTS": "127.0.0.1",
        "CACHE_BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "CACHE_LOCATION": "cnfs_cache",
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "scripts" / "ci")]),
        "LOG_LEVEL": "WARNING",
    }
    manage = [sys.executable, "manage.py"]
    started = time.monotonic()
    try:
        _sql(maintenance, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        _sql(maintenance, f'CREATE DATABASE "{name}"')
        run = {"cwd": ROOT, "env": env, "check": True}
        subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], **run)
        subprocess.run([*manage, "createcachetable"], **run)
        subprocess.run(
            [
                *manage,
                "shell",
                "-v",
                "0",
                "-c",
                "from cnfs.accounts.models import User; from tests import factories; "
                "factories.DepartementFactory(code='39', name='Jura'); "
                f"User.objects.create_user(email='{EMAIL}', password='{PASSWORD}')",
            ],
            **run,
        )

        # The replica: a base backup of the whole cluster, streaming from the primary.
        if os.geteuid() == 0:
            shutil.chown(replica_dir, "postgres", "postgres")
        primary = urlsplit(url)
        subprocess.run(
            _as_postgres(
                [
                    PGBIN / "pg_basebackup",
                    "-h",
                    primary.hostname,
                    "-p",
                    primary.port,
                    "-U",
                    "postgres",
                    "-D",
                    replica_dir,
                    "-R",
                    "-X",
                    "stream",
                    "-c",
                    "fast",
                ]
            ),
            check=True,
        )
        options = f"-p {REPLICA_PORT} -k /tmp -c listen_addresses=127.0.0.1 -c hot_standby=on"
        subprocess.run(
            _as_postgres(
                [
                    PGBIN / "pg_ctl",
                    "-D",
                    replica_dir,
                    "-o",
                    f"'{options}'",
                    "-l",
                    replica_dir / "server.log",
                    "-w",
                    "start",
                ]
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )
        assert _sql(replica_url, "SELECT pg_is_in_recovery()")[0][0] is True
        print(f"replica streaming on port {REPLICA_PORT} ({time.monotonic() - started:.0f} s)")

        # Two application servers and two workers.
        for port in PORTS:
            processes.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "gunicorn",
                        "cnfs.wsgi",
                        "--bind",
                        f"127.0.0.1:{port}",
                        "--workers",
                        "2",
                        "--timeout",
                        "60",
                    ],
                    cwd=ROOT,
                    env=env,
                    stdout=_log(work, f"server-{port}"),
                    stderr=subprocess.STDOUT,
                )
            )
        for number in (1, 2):
            processes.append(
                subprocess.Popen(
                    [*manage, "db_worker", "--interval", "0.2", "--no-reload"],
                    cwd=ROOT,
                    env=env,
                    stdout=_log(work, f"worker-{number}"),
                    stderr=subprocess.STDOUT,
                )
            )
        for port in PORTS:
            _wait(f"server :{port}", lambda p=port: Browser().get(p, "/healthz")[0] == 200)
        status, body = Browser().get(PORTS[1], "/healthz")
        assert status == 200 and '"in_recovery": true' in body, body
        print("healthz on B: database, replica (in recovery), cache, tasks: ok")

        # A write through A is read through B.
        writer = Browser()
        writer.get(PORTS[0], "/compte/connexion/")
        token = next(c.value for c in writer.jar if c.name == "csrftoken")
        status, _ = writer.post(
            PORTS[0],
            "/compte/connexion/",
            {"csrfmiddlewaretoken": token, "username": EMAIL, "password": PASSWORD},
        )
        assert status == 302, f"login through A answered {status}"
        status, _ = writer.get(PORTS[1], "/compte/")
        assert status == 200, f"the session written through A is unknown to B ({status})"
        print("write through A (login) read through B (account page): ok")

        # Public reads from the replica; read-your-writes from the primary.
        _sql(replica_url, "SELECT pg_wal_replay_pause()")
        _sql(primary_url, "UPDATE territories_departement SET name = %s WHERE code = '39'", MARKER)
        _, public_page = Browser().get(PORTS[1], "/territoires/")
        assert "Jura" in public_page and MARKER not in public_page, "public read not on replica"
        _, own_page = writer.get(PORTS[1], "/territoires/")
        assert MARKER in own_page, "the person who just wrote did not read the primary"
        _sql(replica_url, "SELECT pg_wal_replay_resume()")
        _wait(
            "replay",
            lambda: (
                _sql(replica_url, "SELECT name FROM territories_departement WHERE code = '39'")[0][
                    0
                ]
                == MARKER
            ),
        )
        assert MARKER in Browser().get(PORTS[1], "/territoires/")[1]
        print("public page read from the replica (stale while paused), writer reads primary: ok")

        # Tasks: each exactly once across the two workers.
        log = work / "tasks.log"
        subprocess.run(
            [
                *manage,
                "shell",
                "-v",
                "0",
                "-c",
                "from replica_probe import probe\n"
                f"for i in range({TASKS}): probe.enqueue({str(log)!r}, f'task-{{i}}')",
            ],
            **run,
        )
        _wait(
            "tasks",
            lambda: (
                _sql(
                    primary_url,
                    "SELECT count(*) FROM django_tasks_database_dbtaskresult "
                    "WHERE status = 'SUCCESSFUL'",
                )[0][0]
                == TASKS
            ),
            timeout=60,
        )
        lines = log.read_text().split()
        tokens, pids = lines[0::2], set(lines[1::2])
        assert sorted(tokens) == sorted(f"task-{i}" for i in range(TASKS)), "a task ran twice"
        claims = _sql(
            primary_url,
            "SELECT jsonb_array_length(worker_ids::jsonb) FROM django_tasks_database_dbtaskresult",
        )
        assert all(count == 1 for (count,) in claims), claims
        assert len(pids) == 2, f"only {len(pids)} worker(s) took part"
        print(f"{TASKS} tasks, each run once, by 2 workers: ok")
        print(f"replica check passed in {time.monotonic() - started:.0f} s")
    except BaseException:
        for log in sorted(work.glob("*.log")):
            print(f"--- {log.name} (end)\n{log.read_text()[-3000:]}", file=sys.stderr)
        raise
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        subprocess.run(
            _as_postgres([PGBIN / "pg_ctl", "-D", replica_dir, "-m", "immediate", "stop"]),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        shutil.rmtree(replica_dir, ignore_errors=True)
        shutil.rmtree(work, ignore_errors=True)
        _sql(maintenance, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
