"""What the days set off for contracts and trainings; run daily by cron:

    manage.py contract_days --apply

Without ``--apply`` it only says what it would do (see ``cnfs.common.periodic``).
"""

from cnfs.common.periodic import PeriodicCommand
from cnfs.contracts.services import days_events


class Command(PeriodicCommand):
    help = (
        "Contrats arrivés à terme, départs après une fin validée, formations en retard. "
        "Simulation sans --apply."
    )

    def run(self, *, first, last, apply):
        return days_events(first, last, apply=apply)
