"""manage.py backup / restore: the guards (the round trip runs in
scripts/ci/backup_restore_check.py on PostgreSQL)."""

import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from cnfs.common import backup
from tests.conftest import postgres_only


def _backup_folder(tmp_path):
    folder = tmp_path / "cnfs-20240301-100000"
    folder.mkdir()
    (folder / "database.dump").write_bytes(b"dump")
    manifest = {
        "created_at": "2024-03-01T09:00:00+00:00",
        "files": {
            "database.dump": {"bytes": 4, "sha256": backup._sha256(folder / "database.dump")}
        },
    }
    (folder / "manifest.json").write_text(json.dumps(manifest))
    return folder


def test_verify_accepts_an_intact_backup(tmp_path):
    assert backup.verify(_backup_folder(tmp_path))["created_at"].startswith("2024-03-01")


def test_verify_refuses_an_altered_file(tmp_path):
    folder = _backup_folder(tmp_path)
    (folder / "database.dump").write_bytes(b"dumq")
    with pytest.raises(backup.BackupError, match="altéré"):
        backup.verify(folder)


def test_verify_refuses_a_folder_without_manifest(tmp_path):
    with pytest.raises(backup.BackupError, match="pas une sauvegarde"):
        backup.verify(tmp_path)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite message")
def test_backup_of_sqlite_says_what_to_do(db, tmp_path):
    with pytest.raises(CommandError, match="SQLite"):
        call_command("backup", "--output", str(tmp_path))


@postgres_only
def test_restore_refuses_a_database_that_is_not_empty(db, tmp_path, settings):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"
    with pytest.raises(CommandError, match="n’est pas vide"):
        call_command("restore", str(_backup_folder(tmp_path)))


@postgres_only
def test_backup_writes_dump_files_and_manifest(db, tmp_path, settings):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    (tmp_path / "private" / "cv").mkdir(parents=True)
    (tmp_path / "private" / "cv" / "1-x.pdf").write_bytes(b"%PDF")
    settings.MEDIA_ROOT = tmp_path / "media"
    folder = backup.backup(tmp_path / "backups")
    manifest = backup.verify(folder)
    assert set(manifest["files"]) == {"database.dump", "private.tar.gz", "media.tar.gz"}
    assert manifest["migrations"]["common"] >= "0002"
