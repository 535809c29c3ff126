from django.conf import settings
from django.core.management.base import BaseCommand
from django.test.utils import override_settings

from cnfs.demo.building import DEMO_ACCOUNTS, build_demo
from cnfs.demo.seeds import DEMO_DOMAIN, DEMO_PASSWORD


class Command(BaseCommand):
    help = (
        "Construit la démonstration (déterministe, relançable) : l'histoire des communiqués "
        "et un compte par rôle. --scale 1 ajoute les données synthétiques à l'échelle nationale."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            type=float,
            default=0.0,
            help="Données synthétiques à l'échelle nationale (1 = volumes réels du programme).",
        )

    def handle(self, *args, scale, **options):
        # The story goes through the real services: keep its e-mails off the console.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            build_demo(scale=scale)
        self.stdout.write(self.style.SUCCESS("Démonstration prête."))
        self.stdout.write(f"\nComptes de démonstration (mot de passe : {DEMO_PASSWORD}) :")
        for label, local_part in DEMO_ACCOUNTS:
            self.stdout.write(f"  {label:<58} {local_part}@{DEMO_DOMAIN}")
        self.stdout.write(f"\nSe connecter : {settings.SITE_URL}/compte/connexion/\n")
