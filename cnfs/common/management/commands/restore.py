import subprocess
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cnfs.common.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restaure une sauvegarde (manage.py backup) dans la base de DATABASE_URL, qui doit "
        "être vide, et dans PRIVATE_MEDIA_ROOT et MEDIA_ROOT, vides ou absents."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", help="dossier daté écrit par manage.py backup")
        parser.add_argument("--jobs", type=int, default=1, help="pg_restore en parallèle")

    def handle(self, *args, folder, jobs, **options):
        try:
            manifest = restore(Path(folder), jobs=jobs)
        except BackupError as error:
            raise CommandError(str(error)) from error
        except subprocess.CalledProcessError as error:
            raise CommandError(f"pg_restore a échoué : {error.stderr.decode()[-2000:]}") from error
        self.stdout.write(f"Restauré : sauvegarde du {manifest['created_at']}.")
