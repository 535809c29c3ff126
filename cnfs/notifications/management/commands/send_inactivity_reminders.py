"""Remind an advisor without activity report for 30 days, and the structure at 45 days.

Once per stretch of silence: the reminder is keyed by the contract and the first day of the
silence (a new report starts a new stretch). Cron: daily, ``--apply``."""

from cnfs.activity.inactivity import (
    ADVISOR_REMINDER_DAYS,
    STRUCTURE_REMINDER_DAYS,
    silent_contracts,
    silent_since,
)
from cnfs.common import audit
from cnfs.common.periodic import PeriodicCommand
from cnfs.notifications.kinds import Kind
from cnfs.notifications.models import Notification
from cnfs.notifications.services import notify, person, structure_managers

TEMPLATE = "notifications/email/inactivity_{}.txt"


class Command(PeriodicCommand):
    help = (
        "Relances des conseillers sans compte rendu d’activité (30 jours) et de leur "
        "structure (45 jours)."
    )

    def run(self, *, first, last, apply):
        counts = {}
        for days, who, label in (
            (ADVISOR_REMINDER_DAYS, "advisor", "Conseillers relancés"),
            (STRUCTURE_REMINDER_DAYS, "structure", "Structures relancées"),
        ):
            told = 0
            contracts = silent_contracts(days, last).select_related("candidate__user", "structure")
            for contract in contracts:
                about = f"silence-{who}:{contract.pk}:{silent_since(contract):%Y-%m-%d}"
                if Notification.objects.filter(kind=Kind.INACTIVITY_REMINDER, about=about).exists():
                    continue
                told += 1
                if apply:
                    recipients = (
                        person(contract.candidate)
                        if who == "advisor"
                        else structure_managers(contract.structure)
                    )
                    notify(
                        recipients,
                        Kind.INACTIVITY_REMINDER,
                        TEMPLATE.format(who),
                        {"contract": contract, "days": days, "last_report": contract.last_report},
                        link="/activite/",
                        about=about,
                    )
            counts[label] = told
        if apply and any(counts.values()):
            audit.record(
                "notifications.inactivity_reminders",
                summary=", ".join(f"{label} : {n}" for label, n in counts.items()),
            )
        return counts
