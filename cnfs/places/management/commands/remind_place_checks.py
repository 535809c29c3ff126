"""Remind the editors of the places not checked for 6 months (DOMAIN §8); run daily by
cron:

    manage.py remind_place_checks --apply

Without ``--apply`` it only says what it would do (see ``cnfs.common.periodic``). A place
is reminded once per stretch between two checks, however often the command runs.
"""

from cnfs.common.periodic import PeriodicCommand
from cnfs.places.services import remind_stale_places


class Command(PeriodicCommand):
    help = (
        "Rappel aux conseillers et gestionnaires des lieux non vérifiés depuis 6 mois. "
        "Simulation sans --apply."
    )

    def run(self, *, first, last, apply):
        return remind_stale_places(first, last, apply=apply)
