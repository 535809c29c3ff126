"""Backups: the PostgreSQL database and the private files (CVs) together, and their restore.

A backup is one dated folder::

    cnfs-20240301-103000/
        database.dump     pg_dump, custom format (pg_restore reads it, in parallel if asked)
        private.tar.gz    PRIVATE_MEDIA_ROOT (CVs)
        media.tar.gz      MEDIA_ROOT
        manifest.json     date, sizes, SHA-256 of each file, last migration of each app

The database is dumped first, then the files: every CV a restored row names is in the
archive (a CV uploaded meanwhile is only an unreferenced file).
"""

import hashlib
import json
import os
import shutil
import subprocess
import tarfile
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

DUMP = "database.dump"
FOLDERS = {"private.tar.gz": "PRIVATE_MEDIA_ROOT", "media.tar.gz": "MEDIA_ROOT"}
MANIFEST = "manifest.json"


class BackupError(Exception):
    pass


def _pg_tool(name: str) -> str:
    folder = os.environ.get("PG_BIN_DIR")
    path = shutil.which(name, path=folder) if folder else shutil.which(name)
    if path is None:
        raise BackupError(f"{name} introuvable (installez postgresql-client ou PG_BIN_DIR).")
    return path


def _connection_args(alias: str = "default") -> tuple[list[str], dict]:
    """libpq arguments and environment (the password never on the command line)."""
    database = settings.DATABASES[alias]
    if database["ENGINE"] != "django.db.backends.postgresql":
        raise BackupError(
            "Sauvegarde prévue pour PostgreSQL ; avec SQLite, copiez var/db.sqlite3 à l’arrêt."
        )
    args = ["--dbname", database["NAME"]]
    if database.get("HOST"):
        args += ["--host", database["HOST"]]
    if database.get("PORT"):
        args += ["--port", str(database["PORT"])]
    if database.get("USER"):
        args += ["--username", database["USER"]]
    env = {**os.environ, "PGCONNECT_TIMEOUT": "10"}
    if database.get("PASSWORD"):
        env["PGPASSWORD"] = database["PASSWORD"]
    return args, env


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _last_migrations() -> dict:
    recorder = MigrationRecorder(connections["default"])
    last = {}
    for app, name in recorder.applied_migrations():
        last[app] = max(last.get(app, name), name)
    return dict(sorted(last.items()))


def backup(output_dir: Path, *, now: datetime | None = None) -> Path:
    """Write one dated backup folder under ``output_dir`` and return it."""
    stamp = timezone.localtime(now or timezone.now()).strftime("%Y%m%d-%H%M%S")
    target = Path(output_dir) / f"cnfs-{stamp}"
    partial = target.with_name(target.name + ".partial")
    if target.exists():
        raise BackupError(f"{target} existe déjà.")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    args, env = _connection_args()
    subprocess.run(
        [_pg_tool("pg_dump"), "--format=custom", "--no-owner", "--file", partial / DUMP, *args],
        env=env,
        check=True,
        capture_output=True,
        timeout=6 * 3600,
    )
    for archive, setting in FOLDERS.items():
        root = Path(getattr(settings, setting))
        with tarfile.open(partial / archive, "w:gz") as tar:
            if root.is_dir():
                tar.add(root, arcname=".")
    files = sorted(path for path in partial.iterdir())
    manifest = {
        "created_at": timezone.now().isoformat(),
        "database": settings.DATABASES["default"]["NAME"],
        "migrations": _last_migrations(),
        "files": {
            path.name: {"bytes": path.stat().st_size, "sha256": _sha256(path)} for path in files
        },
    }
    (partial / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False))
    partial.rename(target)
    return target


def verify(folder: Path) -> dict:
    """The manifest, once every file's size and checksum match it."""
    folder = Path(folder)
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
    except FileNotFoundError:
        raise BackupError(f"{folder} n’est pas une sauvegarde (pas de {MANIFEST}).") from None
    for name, expected in manifest["files"].items():
        path = folder / name
        if not path.is_file() or _sha256(path) != expected["sha256"]:
            raise BackupError(f"{name} manque ou est altéré : sauvegarde inutilisable.")
    return manifest


def _database_is_empty() -> bool:
    with connections["default"].cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', "
            "'information_schema')"
        )
        return cursor.fetchone()[0] == 0


def _empty_or_absent(folder: Path) -> bool:
    return not folder.exists() or not any(folder.iterdir())


def restore(folder: Path, *, jobs: int = 1) -> dict:
    """Restore a backup into the configured database (empty) and file folders (empty or
    absent): a restore never overwrites live data."""
    manifest = verify(folder)
    if not _database_is_empty():
        raise BackupError(
            f"La base {settings.DATABASES['default']['NAME']} n’est pas vide : restaurez dans "
            "une base neuve (createdb), puis faites-y pointer DATABASE_URL."
        )
    for setting in FOLDERS.values():
        root = Path(getattr(settings, setting))
        if not _empty_or_absent(root):
            raise BackupError(
                f"{setting} ({root}) n’est pas vide : restaurez dans un dossier neuf."
            )
    args, env = _connection_args()
    subprocess.run(
        [
            _pg_tool("pg_restore"),
            "--no-owner",
            "--exit-on-error",
            f"--jobs={jobs}",
            *args,
            Path(folder) / DUMP,
        ],
        env=env,
        check=True,
        capture_output=True,
        timeout=12 * 3600,
    )
    for archive, setting in FOLDERS.items():
        root = Path(getattr(settings, setting))
        root.mkdir(parents=True, exist_ok=True)
        with tarfile.open(Path(folder) / archive, "r:gz") as tar:
            tar.extractall(root, filter="data")
    return manifest
