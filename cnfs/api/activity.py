"""Activity reports in the API: an advisor's mobile or partner application records reports
one by one or in batches (offline first, sent again safely) and reads them back."""

import datetime as dt

from ninja import Field, Header, Router, Schema, Status
from ninja.pagination import paginate

from cnfs.accounts.enums import Role
from cnfs.activity import services
from cnfs.activity.enums import Channel, Duration, Kind, Theme
from cnfs.activity.models import Report
from cnfs.api.auth import (
    BODY_LOC,
    ErrorOut,
    RoleSession,
    ValidationErrorOut,
    require_role,
    session_auth,
)
from cnfs.api.pagination import Pagination

router = Router(tags=["Activité des conseillers"], auth=session_auth)

PAGE_SIZE = 50
COUNTS_EXAMPLE = {"over_60": 1}


class ReportIn(Schema):
    """One accompaniment (anonymous: never a beneficiary's name)."""

    date: dt.date = Field(description="Date (ni future, ni antérieure au 01/11/2020)")
    kind: Kind = Field(description="Type d’accompagnement")
    channel: Channel = Field(description="Lieu de l’accompagnement")
    place: int | None = Field(
        None, description="Identifiant d’un de vos lieux d’activité (lieu `place`)"
    )
    commune: str | None = Field(
        None, max_length=5, description="Code INSEE (lieu `other_place` ou `home`)"
    )
    participants: int = Field(1, description="1, ou de 1 à 100 pour un atelier")
    returning: int = Field(0, description="Dont personnes déjà accompagnées")
    ages: dict[str, int] = Field(
        description="Participants par tranche d’âge (under_12, 12_18, 18_35, 35_60, "
        "over_60) : le total est égal aux participants",
        examples=[COUNTS_EXAMPLE],
    )
    statuses: dict[str, int] = Field(
        description="Participants par statut (student, job_seeker, employed, retired, "
        "unknown) : le total est égal aux participants",
        examples=[{"retired": 1}],
    )
    themes: list[Theme] = Field(description="Au moins un thème")
    tags: list[str] = Field([], description="Étiquettes libres (10 au plus)")
    duration: Duration = Field(description="Moins de 30 min, 30 à 60 min, ou durée précise")
    minutes: int | None = Field(
        None, description="Durée précise (`minutes`) : multiple de 15, de 15 à 480"
    )
    followup_individual: int = Field(0, description="Personnes suivies en individuel")
    followup_workshop: int = Field(0, description="Personnes suivies en atelier")
    redirections: dict[str, int] = Field(
        {}, description="Personnes réorientées, par organisme (caf, cpam, france_travail…)"
    )
    aidants_connect: bool = Field(False, description="Démarche faite avec Aidants Connect")
    client_key: str | None = Field(
        None,
        max_length=64,
        description="Clé d’idempotence choisie par l’application : un renvoi ne crée rien",
    )

    def service_data(self) -> dict:
        return self.model_dump(mode="json", exclude={"client_key"}) | {"date": self.date}


class BatchIn(Schema):
    items: list[ReportIn] = Field(
        description=f"Au plus {services.MAX_BATCH} comptes rendus, chacun avec sa `client_key`"
    )


class ReportOut(Schema):
    id: int
    date: dt.date
    kind: Kind
    channel: Channel
    place: int | None
    commune: str | None = Field(description="Code INSEE")
    structure: int = Field(description="Structure employeuse à la date de saisie")
    participants: int
    returning: int
    ages: dict[str, int]
    statuses: dict[str, int]
    themes: list[str]
    tags: list[str]
    duration: Duration
    minutes: int | None
    followup_individual: int
    followup_workshop: int
    redirections: dict[str, int]
    aidants_connect: bool
    client_key: str | None
    created_at: dt.datetime

    @staticmethod
    def resolve_place(obj):
        return obj.place_id

    @staticmethod
    def resolve_commune(obj):
        return obj.commune_id

    @staticmethod
    def resolve_structure(obj):
        return obj.structure_id


class BatchOut(Schema):
    created: int = Field(description="Comptes rendus enregistrés par cet envoi")
    existing: int = Field(description="Comptes rendus déjà reçus (même `client_key`)")
    ids: list[int] = Field(description="Identifiants, dans l’ordre des éléments envoyés")


@router.post(
    "/reports",
    auth=RoleSession(Role.ADVISOR),
    response={
        200: ReportOut,
        201: ReportOut,
        401: ErrorOut,
        403: ErrorOut,
        422: ValidationErrorOut,
    },
    summary="Enregistrer un compte rendu d’activité",
)
def create_report(
    request,
    payload: ReportIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key", max_length=64),
):
    """Réservé au rôle conseiller. La clé d’idempotence (en-tête `Idempotency-Key` ou champ
    `client_key`) rend le renvoi sans effet : la réponse 200 renvoie le compte rendu déjà
    enregistré, 201 un nouveau. Erreurs : 422, un message en français par champ refusé."""
    require_role(request, Role.ADVISOR)
    report, created = services.create_or_get_report(
        advisor=request.user,
        data=payload.service_data(),
        client_key=idempotency_key or payload.client_key,
    )
    return Status(201 if created else 200, report)


@router.post(
    "/reports/batch",
    auth=RoleSession(Role.ADVISOR),
    response={200: BatchOut, 201: BatchOut, 401: ErrorOut, 403: ErrorOut, 422: ValidationErrorOut},
    summary="Enregistrer un lot de comptes rendus",
)
def create_batch(request, payload: BatchIn):
    """Tout ou rien : si un élément est refusé, aucun n’est enregistré et chaque erreur
    indique l’élément (`["body", "payload", "items", <index>, <champ>]`, à partir de 0).
    Renvoyer le même lot ne crée rien : les éléments dont la `client_key` est connue sont
    comptés dans `existing`. 201 si au moins un compte rendu est créé, sinon 200."""
    require_role(request, Role.ADVISOR)
    items = [item.service_data() | {"client_key": item.client_key} for item in payload.items]
    try:
        result = services.create_batch(advisor=request.user, items=items)
    except services.BatchError as error:
        return Status(422, {"detail": _item_errors(error)})
    body = {
        "created": result.created,
        "existing": result.existing,
        "ids": [report.pk for report in result.reports],
    }
    return Status(201 if result.created else 200, body)


def _item_errors(error: services.BatchError) -> list[dict]:
    errors = []
    for index, item_error in error.items.items():
        by_field = (
            item_error.error_dict if hasattr(item_error, "error_dict") else {None: [item_error]}
        )
        for field, field_errors in by_field.items():
            loc = [*BODY_LOC, "items", index] + ([field] if field and field != "__all__" else [])
            for sub in field_errors:
                for message in sub.messages:
                    errors.append({"loc": loc, "msg": message, "type": sub.code or "invalid"})
    return errors


@router.get("/reports", response=list[ReportOut], summary="Lister mes comptes rendus")
@paginate(Pagination, page_size=PAGE_SIZE)
def list_reports(request):
    """Vos comptes rendus, du plus récent au plus ancien, 50 par page."""
    require_role(request, Role.ADVISOR)
    return Report.objects.filter(advisor=request.user).order_by("-date", "-id")
