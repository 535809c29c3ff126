"""What recording costs: one report through the service (rules + counters) against a bare
INSERT, and a 500-report batch through the API against a bare bulk_create."""

import json
import uuid
from datetime import date

from django.db import transaction
from django.test import Client
from django.test.utils import override_settings

from cnfs.accounts.enums import Role
from cnfs.accounts.scope import SESSION_KEY
from cnfs.activity import services
from cnfs.activity.models import Report
from cnfs.bench.registry import Figure, benchmark, best_of, ensure_national_scale
from cnfs.contracts.models import Contract

BATCH = 500
# Where cnfs/api/urls.py mounts the activity router.
BATCH_URL = "/api/v1/activity/reports/batch"


class _Rollback(Exception):
    pass


def _rolled_back(function):
    """Run ``function`` in a transaction that is undone: the benchmark leaves no trace."""

    def run():
        try:
            with transaction.atomic():
                function()
                raise _Rollback
        except _Rollback:
            pass

    return run


def _advisor():

    contract = (
        Contract.objects.in_post()
        .filter(candidate__user__roles__role=Role.ADVISOR)
        .select_related("candidate__user", "structure")
        .first()
    )
    if contract is None:
        ensure_national_scale()
        return _advisor()
    return contract.candidate.user, contract.structure


def _data(day=date(2021, 6, 15)):
    return {
        "date": day,
        "kind": "individual",
        "channel": "remote",
        "participants": 1,
        "ages": {"over_60": 1},
        "statuses": {"retired": 1},
        "themes": ["email"],
        "duration": "30_60",
    }


@benchmark
def report_writes():
    advisor, structure = _advisor()
    fields = services.clean_report(_data(), services._Context.of(advisor))

    def bare():
        for _ in range(50):
            Report.objects.create(
                advisor=advisor,
                structure=structure,
                departement_id=structure.departement_id,
                **fields,
            )

    def through_service():
        for _ in range(50):
            services.create_report(advisor=advisor, data=_data())

    service_ms = best_of(_rolled_back(through_service)) * 1000 / 50
    bare_ms = best_of(_rolled_back(bare)) * 1000 / 50
    return [
        Figure(
            "activité : enregistrer un compte rendu (règles + compteurs)",
            service_ms,
            "ms",
            bare_ms,
            "référence : Report.objects.create sans contrôle ni compteur",
        )
    ]


@benchmark
def batch_ingestion():
    advisor, structure = _advisor()
    fields = services.clean_report(_data(), services._Context.of(advisor))
    client = Client(SERVER_NAME="localhost")
    client.force_login(advisor)
    session = client.session
    session[SESSION_KEY] = Role.ADVISOR  # the advisor may hold other roles too
    session.save()

    def through_api():
        items = [
            {**_data(), "date": "2021-06-15", "client_key": uuid.uuid4().hex} for _ in range(BATCH)
        ]
        with override_settings(DEBUG=False):
            response = client.post(
                BATCH_URL,
                json.dumps({"items": items}),
                content_type="application/json",
            )
        if response.status_code != 201:
            raise RuntimeError(f"lot refusé : {response.status_code} {response.content[:300]}")

    def bare():
        Report.objects.bulk_create(
            Report(
                advisor=advisor,
                structure=structure,
                departement_id=structure.departement_id,
                **fields,
            )
            for _ in range(BATCH)
        )

    api_rate = BATCH / best_of(_rolled_back(through_api), repeat=3)
    bare_rate = BATCH / best_of(_rolled_back(bare), repeat=3)
    return [
        Figure(
            f"activité : lot de {BATCH} comptes rendus par l’API",
            round(api_rate),
            "comptes rendus/s",
            round(bare_rate),
            "référence : bulk_create des mêmes lignes, sans contrôle ni compteur",
        )
    ]
