"""Backup and restore, end to end, on a PostgreSQL server (run by .ci/run).

    DATABASE_URL=postgres://postgres@127.0.0.1:54329/cnfs python scripts/ci/backup_restore_check.py

From DATABASE_URL's server: a source database `<name>_bk_src` migrated, with a candidate's
CV and an audit entry; `manage.py backup`; `manage.py restore` into a new database
`<name>_bk_restored` and new file folders; then, on the restored data only: `manage.py
check`, /healthz, the CV served to the national team and refused to an outsider, and the
append-only triggers present and refusing an UPDATE. Both databases are dropped at the end.
"""

import hashlib
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]
CV_BYTES = b"%PDF-1.4\n% CV de test pour la restauration\n%%EOF\n"


def _env(database_url: str, files: Path) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "PRIVATE_MEDIA_ROOT": str(files / "private"),
        "MEDIA_ROOT": str(files / "media"),
        "SECRET_KEY": "backup-restore-check-" + "k" * 40,
        "ALLOWED_HOSTS": "testserver",
        "SECURE_SSL_REDIRECT": "0",
        # Static files from the finders (no collectstatic): error pages render.
        "DEBUG": "1",
        "DJANGO_SETTINGS_MODULE": "cnfs.settings",
        "PYTHONPATH": str(ROOT),
    }


def _run(*args, env, capture=False) -> str:
    result = subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=env,
        text=True,
        capture_output=True,
        timeout=600,
    )
    if result.returncode != 0:
        sys.stderr.write((result.stdout + result.stderr)[-4000:])
        raise SystemExit(f"failed: {' '.join(map(str, args))}")
    return result.stdout.strip()


def _with_name(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


def _admin(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(_with_name(url, "postgres"), autocommit=True) as connection:
        connection.execute(sql)


def seed() -> None:
    """In the source database: a national user, a candidate with a CV, an audit entry."""
    import django

    django.setup()
    from django.core.files.base import ContentFile

    from cnfs.accounts.enums import Role
    from cnfs.common import audit
    from tests import factories

    national = factories.UserFactory(email="national@exemple.fr", roles=[(Role.NATIONAL, {})])
    factories.UserFactory(email="outsider@exemple.fr")
    candidate = factories.CandidateFactory(cv_token="abc123")
    candidate.cv.save("cv.pdf", ContentFile(CV_BYTES))
    audit.record("backup.check", by=national, obj=candidate, summary="candidat n° 1")
    print(candidate.pk)


def verify(candidate_pk: int) -> None:
    """On the restored database and folders."""
    import django

    django.setup()
    from django.db import connection, transaction
    from django.test import Client

    from cnfs.accounts.models import User
    from cnfs.common.models import AuditEntry

    health = Client().get("/healthz")
    assert health.status_code == 200, health.content
    national = Client()
    national.force_login(User.objects.get(email="national@exemple.fr"))
    response = national.get(f"/candidats/{candidate_pk}/cv/")
    assert response.status_code == 200, response.status_code
    served = b"".join(response.streaming_content)
    assert hashlib.sha256(served).digest() == hashlib.sha256(CV_BYTES).digest()
    outsider = Client()
    outsider.force_login(User.objects.get(email="outsider@exemple.fr"))
    assert outsider.get(f"/candidats/{candidate_pk}/cv/").status_code == 404
    with connection.cursor() as cursor:
        cursor.execute("SELECT tgname FROM pg_trigger WHERE tgname LIKE '%%append_only'")
        triggers = sorted(row[0] for row in cursor.fetchall())
    assert triggers == [
        "common_auditentry_append_only",
        "common_transitionlog_append_only",
    ], triggers
    assert AuditEntry.objects.count() == 1
    try:  # raw SQL: the ORM refuses before the database would
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("UPDATE common_auditentry SET summary = 'modifié'")
    except Exception as error:  # the trigger's exception, whatever its class
        assert "append-only" in str(error), error
    else:
        raise AssertionError("UPDATE of the audit journal accepted after restore")
    print("restored site: healthz, CV served to the national team only, triggers refuse UPDATE")


def main() -> None:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        raise SystemExit("DATABASE_URL=postgres://… is required")
    name = urlsplit(url).path.lstrip("/") or "cnfs"
    source_url = _with_name(url, f"{name}_bk_src")
    restored_url = _with_name(url, f"{name}_bk_restored")
    for database in (f"{name}_bk_src", f"{name}_bk_restored"):
        _admin(url, f'DROP DATABASE IF EXISTS "{database}"')
    _admin(url, f'CREATE DATABASE "{name}_bk_src"')
    _admin(url, f'CREATE DATABASE "{name}_bk_restored"')
    try:
        with tempfile.TemporaryDirectory(prefix="cnfs-backup-check-") as tmp:
            tmp = Path(tmp)
            source = _env(source_url, tmp / "source")
            _run("manage.py", "migrate", "--noinput", "-v", "0", env=source)
            candidate_pk = int(_run(__file__, "seed", env=source).splitlines()[-1])
            folder = _run("manage.py", "backup", "--output", tmp / "backups", env=source)
            print(f"backup: {folder}: " + ", ".join(sorted(p.name for p in Path(folder).iterdir())))
            restored = _env(restored_url, tmp / "restored")
            print(_run("manage.py", "restore", folder, env=restored))
            _run("manage.py", "check", env=restored)
            print(_run(__file__, "verify", str(candidate_pk), env=restored))
    finally:
        for database in (f"{name}_bk_src", f"{name}_bk_restored"):
            _admin(url, f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    print("backup/restore check passed")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "seed":
        seed()
    elif len(sys.argv) > 1 and sys.argv[1] == "verify":
        verify(int(sys.argv[2]))
    else:
        main()
