from django.core.management.base import BaseCommand

from cnfs.demo.second_factor import current_code


class Command(BaseCommand):
    help = (
        "Affiche le code du second facteur des comptes de démonstration (équipe nationale, "
        "opérateur financier), valable 30 secondes."
    )

    def handle(self, *args, **options):
        self.stdout.write(current_code())
