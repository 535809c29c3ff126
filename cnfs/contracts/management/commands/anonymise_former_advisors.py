"""Anonymise the personal data of former advisors 5 years after the end of their last
contract (identity, contact details, CV; the account is closed unless it holds another
role). Contracts, payments and activity counts stay, without a name. Cron: daily,
``--apply``; idempotent (``Candidate.anonymised_at``)."""

from cnfs.candidates.services import anonymise
from cnfs.common import audit
from cnfs.common.periodic import PeriodicCommand
from cnfs.common.retention import ADVISOR_KEPT_YEARS
from cnfs.contracts.retention import former_advisors_due


class Command(PeriodicCommand):
    help = (
        f"Anonymisation des anciens conseillers {ADVISOR_KEPT_YEARS} ans après la fin de leur "
        "dernier contrat."
    )

    def run(self, *, first, last, apply):
        due = list(former_advisors_due(last).select_related("user"))
        if apply:
            for candidate in due:
                anonymise(candidate)
        if apply and due:
            audit.record(
                "retention.former_advisors", summary=f"Anciens conseillers anonymisés : {len(due)}"
            )
        return {"Anciens conseillers anonymisés": len(due)}
