"""Erase the candidates (never recruited) without activity for 2 years: application and
account. Cron: daily, ``--apply``; idempotent (what is erased is gone)."""

from cnfs.candidates import retention
from cnfs.candidates.services import erase
from cnfs.common import audit
from cnfs.common.periodic import PeriodicCommand
from cnfs.common.retention import INACTIVE_ACCOUNT_YEARS


class Command(PeriodicCommand):
    help = f"Effacement des comptes candidats sans activité depuis {INACTIVE_ACCOUNT_YEARS} ans."

    def run(self, *, first, last, apply):
        due = list(retention.inactive_accounts(last).select_related("user"))
        if apply:
            for candidate in due:
                erase(candidate, by=None)
        counts = {"Comptes candidats effacés": len(due)}
        if apply and due:
            audit.record(
                "retention.inactive_candidates", summary=f"Comptes candidats effacés : {len(due)}"
            )
        return counts
