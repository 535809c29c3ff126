"""Tell a structure's managers that new candidates were proposed to them: at most once a day,
whatever path put them on the list (full recomputation, a candidate's or a structure's
update, a refill after a refusal). Cron: daily, ``--apply``."""

from datetime import datetime, time, timedelta

from django.db.models import Count, Min
from django.utils import timezone

from cnfs.common import audit
from cnfs.common.periodic import PeriodicCommand
from cnfs.matching.enums import ProposalStatus
from cnfs.matching.models import Proposal
from cnfs.notifications.kinds import Kind
from cnfs.notifications.services import notify, structure_managers
from cnfs.structures.models import Structure

TEMPLATE = "notifications/email/new_proposals.txt"


class Command(PeriodicCommand):
    help = "Prévenir les structures des nouveaux candidats proposés (au plus une fois par jour)."

    def run(self, *, first, last, apply):
        tz = timezone.get_current_timezone()
        since = datetime.combine(first, time.min, tz)
        until = datetime.combine(last + timedelta(days=1), time.min, tz)
        fresh = (
            Proposal.objects.filter(
                status=ProposalStatus.PROPOSED, created_at__gte=since, created_at__lt=until
            )
            .values("structure")
            .annotate(count=Count("id"), first=Min("created_at"))
            .order_by("structure")
        )
        counts = {row["structure"]: row["count"] for row in fresh}
        told = 0
        structures = Structure.objects.filter(pk__in=counts).order_by("pk")
        for structure in structures:
            about = f"proposals:{structure.pk}:{last:%Y-%m-%d}"
            if apply:
                told += bool(
                    notify(
                        structure_managers(structure),
                        Kind.NEW_PROPOSALS,
                        TEMPLATE,
                        {"structure": structure, "count": counts[structure.pk]},
                        link="/recrutement/",
                        about=about,
                    )
                )
            else:
                told += 1
        result = {"Structures prévenues": told}
        if apply and told:
            audit.record("notifications.new_proposals", summary=f"Structures prévenues : {told}")
        return result
