"""Delete the applications (candidates and structures) whose address was not confirmed
within 30 days. Cron: daily, ``--apply``; idempotent (what is deleted is gone)."""

from cnfs.candidates import retention
from cnfs.candidates.services import erase
from cnfs.common import audit
from cnfs.common.periodic import PeriodicCommand
from cnfs.common.retention import UNCONFIRMED_KEPT_DAYS
from cnfs.structures import services as structures


class Command(PeriodicCommand):
    help = (
        f"Suppression des candidatures non confirmées depuis {UNCONFIRMED_KEPT_DAYS} jours "
        "(candidats et structures)."
    )

    def run(self, *, first, last, apply):
        candidates = list(retention.unconfirmed_applications(last))
        applications = list(structures.unconfirmed_applications(last))
        if apply:
            for candidate in candidates:
                erase(candidate, by=None)
            for structure in applications:
                structures.delete_unconfirmed(structure, today=last)
        counts = {
            "Candidatures de candidats supprimées": len(candidates),
            "Candidatures de structures supprimées": len(applications),
        }
        if apply and any(counts.values()):
            audit.record(
                "retention.unconfirmed_applications",
                summary=", ".join(f"{label} : {n}" for label, n in counts.items()),
            )
        return counts
