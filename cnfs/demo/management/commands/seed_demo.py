from django.conf import settings
from django.core.management.base import BaseCommand
from django.test.utils import override_settings
from django_otp.plugins.otp_totp.models import TOTPDevice

from cnfs.accounts import mfa
from cnfs.demo.building import DEMO_ACCOUNTS, build_demo
from cnfs.demo.second_factor import DEMO_BACKUP_CODES, DEMO_TOTP_KEY
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
        self.stdout.write(
            "\nSecond facteur de l’équipe nationale et de l’opérateur financier "
            "(clé de démonstration) :"
        )
        device = TOTPDevice(key=DEMO_TOTP_KEY)
        self.stdout.write(
            f"  clé à saisir dans une application d’authentification : {mfa.secret_of(device)}"
        )
        self.stdout.write("  code du moment, sans téléphone : .venv/bin/python manage.py demo_code")
        self.stdout.write(
            f"  codes de secours (une fois chacun) : {', '.join(DEMO_BACKUP_CODES[:2])}"
        )
        self.stdout.write(f"\nSe connecter : {settings.SITE_URL}/compte/connexion/")
        if settings.OIDC_DEV_PROVIDER:
            self.stdout.write(
                "« Se connecter avec ProConnect » passe par un fournisseur d’identité local "
                "(développement) : mêmes comptes, même mot de passe.\n"
            )
