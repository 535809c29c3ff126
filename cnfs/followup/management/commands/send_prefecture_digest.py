"""The prefectures' daily digest: the requests of their territory newly awaiting an opinion.

Run daily by cron: ``manage.py send_prefecture_digest --apply``. Without ``--apply`` it
only says what it would send.
"""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from cnfs.accounts.enums import Role
from cnfs.accounts.models import User
from cnfs.accounts.scope import resolve_active_role
from cnfs.common.mail import send_templated_email
from cnfs.followup.forms import OPINION_KINDS
from cnfs.structures.models import PostRequest

TEMPLATE = "followup/email/prefecture_digest.txt"


def new_requests_for(user, since):
    """Applications and additions of ``user``'s territory awaiting an opinion, new since
    ``since``: filed then, or whose structure confirmed its e-mail then (an application
    reaches the prefecture once the address is confirmed)."""
    return (
        PostRequest.objects.visible_to(user)
        .awaiting_opinion()
        .filter(structure__email_confirmed_at__isnull=False)
        .filter(Q(created_at__gte=since) | Q(structure__email_confirmed_at__gte=since))
        .select_related("structure__commune")
        .order_by("created_at", "id")
    )


def prefecture_users():
    """Active users holding a prefecture role, each with that role as the active one."""
    users = (
        User.objects.filter(is_active=True, roles__role=Role.PREFECTURE)
        .distinct()
        .prefetch_related("roles")
        .order_by("email")
    )
    for user in users:
        user.active_role = resolve_active_role(user, Role.PREFECTURE)
        yield user


class Command(BaseCommand):
    help = (
        "Envoie à chaque préfecture le récapitulatif des demandes de postes de son "
        "territoire en attente d’avis (simulation sans --apply)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--apply", action="store_true", help="Envoyer les e-mails (sinon : simulation)."
        )
        parser.add_argument(
            "--since-hours",
            type=int,
            default=24,
            help="Demandes nouvelles depuis ce nombre d’heures (24 par défaut).",
        )

    def handle(self, *args, apply=False, since_hours=24, **options):
        if since_hours < 1:
            raise CommandError("--since-hours doit être au moins 1.")
        since = timezone.now() - timedelta(hours=since_hours)
        workspace_path = reverse("followup:opinions")
        sent = 0
        for user in prefecture_users():
            items = list(new_requests_for(user, since))
            if not items:
                continue
            counts = [
                (label, sum(1 for item in items if item.kind == kind))
                for kind, label in OPINION_KINDS
            ]
            summary = ", ".join(f"{label.lower()} : {count}" for label, count in counts)
            if apply:
                send_templated_email(
                    user.email,
                    TEMPLATE,
                    {
                        "recipient": user,
                        "since": since,
                        "total": len(items),
                        "counts": counts,
                        "items": items,
                        "workspace_path": workspace_path,
                    },
                )
                self.stdout.write(f"Envoyé à {user.email} ({summary})")
            else:
                self.stdout.write(f"Serait envoyé à {user.email} ({summary})")
            sent += 1
        if apply:
            self.stdout.write(self.style.SUCCESS(f"{sent} récapitulatif(s) envoyé(s)."))
        else:
            self.stdout.write(
                f"Simulation : {sent} récapitulatif(s) seraient envoyé(s), aucun e-mail n’est "
                "parti. Relancez avec --apply pour les envoyer."
            )
