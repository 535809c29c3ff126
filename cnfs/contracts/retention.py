"""Former advisors whose personal data is due for anonymisation: no contract for
``ADVISOR_KEPT_YEARS`` years (``cnfs.common.retention``)."""

from datetime import date

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce

from cnfs.candidates.models import Candidate
from cnfs.common.retention import ADVISOR_KEPT_YEARS, months_before
from cnfs.contracts.enums import ContractStatus
from cnfs.contracts.models import Contract

EMPLOYED = [ContractStatus.ACTIVE, ContractStatus.END_REQUESTED, ContractStatus.ENDED]


def former_advisors_due(today: date) -> QuerySet:
    """Advisors whose every contract ended ``ADVISOR_KEPT_YEARS`` years ago or more (by its
    effective end, or its term), not yet anonymised."""
    cutoff = months_before(today, 12 * ADVISOR_KEPT_YEARS)
    recent = (
        Contract.objects.filter(candidate=OuterRef("pk"))
        .exclude(status=ContractStatus.REJECTED)
        .annotate(end=Coalesce("ended_on", "end_date"))
        .filter(Q(end__isnull=True) | Q(end__gt=cutoff))
    )
    employed = Contract.objects.filter(candidate=OuterRef("pk"), status__in=EMPLOYED)
    return Candidate.objects.filter(
        Exists(employed), ~Exists(recent), anonymised_at__isnull=True, in_post=False
    )
