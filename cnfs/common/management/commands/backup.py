import subprocess
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cnfs.common.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Sauvegarde la base PostgreSQL (pg_dump, format custom) et les fichiers privés (CV) "
        "et publics dans un dossier daté."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", default="var/backups", help="dossier des sauvegardes")

    def handle(self, *args, output, **options):
        try:
            folder = backup(Path(output))
        except BackupError as error:
            raise CommandError(str(error)) from error
        except subprocess.CalledProcessError as error:
            raise CommandError(f"pg_dump a échoué : {error.stderr.decode()[-2000:]}") from error
        self.stdout.write(str(folder))
