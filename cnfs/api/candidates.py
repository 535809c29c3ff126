"""Candidates in the API: the public application (the web form's rules, the same service)."""

from datetime import date
from typing import Annotated

from django.core.exceptions import ValidationError
from ninja import Field, Router, Schema, Status
from pydantic import StringConstraints, field_validator
from pydantic_core import PydanticCustomError

from cnfs.api.auth import ValidationErrorOut
from cnfs.candidates import services
from cnfs.candidates.enums import MaxDistance, Situation
from cnfs.candidates.models import MOTIVATION_MAX_LENGTH
from cnfs.www.candidates.forms import ApplicationForm
from cnfs.www.territories.forms import read_insee_codes

router = Router(tags=["Candidats"])


def _text(max_length: int, *, required: bool = False):
    return Annotated[
        str,
        StringConstraints(
            strip_whitespace=True, min_length=1 if required else 0, max_length=max_length
        ),
    ]


def _pix_score(label: str):
    return Field(None, ge=0, le=100, description=f"Score Pix « {label} » (0 à 100)")


class CandidateApplicationIn(Schema):
    """The fields of the web form but the CV, with the same rules (it validates them)."""

    first_name: _text(100, required=True) = Field(description="Prénom")
    last_name: _text(100, required=True) = Field(description="Nom")
    email: _text(254, required=True) = Field(
        description="Adresse e-mail : elle reçoit le lien de confirmation de la candidature"
    )
    phone: _text(30, required=True) = Field(
        description="Téléphone, français (métropole ou outre-mer)",
        examples=["06 12 34 56 78", "+33612345678"],
    )
    commune: _text(5, required=True) = Field(
        description="Code INSEE de la commune de résidence (et non le code postal)",
        examples=["39198"],
    )
    max_distance_km: MaxDistance = Field(
        description="Distance maximale acceptée pour travailler, en km (2000 : partout)"
    )
    available_from: date = Field(description="Disponible à partir du (aujourd’hui ou plus tard)")
    situation: Situation = Field(description="Situation actuelle")
    has_diploma: bool = Field(description="Diplômé(e) en médiation numérique")
    diploma_name: _text(200) = Field(
        "", description="Intitulé du diplôme (obligatoire si `has_diploma` vaut true)"
    )
    has_experience: bool = Field(description="Expérience en médiation numérique")
    motivation: _text(MOTIVATION_MAX_LENGTH, required=True) = Field(
        description=f"Motivation ({MOTIVATION_MAX_LENGTH} caractères au plus)"
    )
    pix_level: int | None = Field(None, ge=1, le=3, description="Niveau Pix (1 à 3), s’il y a lieu")
    pix_use: int | None = _pix_score("usages du numérique")
    pix_communication: int | None = _pix_score("communication et collaboration")
    pix_creation: int | None = _pix_score("création de contenus")
    consent: bool = Field(
        description="Consentement au traitement des données personnelles (doit valoir true)"
    )

    @field_validator("consent")
    @classmethod
    def _consented(cls, value):
        if value is not True:
            raise PydanticCustomError(
                "consent_required",
                "Vous devez accepter le traitement de vos données personnelles pour candidater.",
            )
        return value


class CandidateApplicationOut(Schema):
    reference: str = Field(
        description="Référence de la demande, à rappeler à l’équipe nationale (opaque)",
        examples=["3f9c0a7b12d4e5f60718"],
    )


@router.post(
    "/applications",
    auth=None,
    response={201: CandidateApplicationOut, 422: ValidationErrorOut},
    summary="Déposer une candidature de conseiller numérique",
)
def submit_application(request, payload: CandidateApplicationIn):
    """Sans compte ni jeton CSRF. Le consentement (`consent`) doit valoir `true`.

    Le CV (PDF) ne se dépose pas par l’API : le candidat l’ajoute par le formulaire du site
    ou depuis son espace. Le candidat est disponible dès le dépôt ; il le change dans son
    espace. Un e-mail de confirmation part au candidat : il n’est proposé aux structures
    qu’une fois son adresse confirmée. La réponse est la même quand une candidature active
    existe déjà pour cette adresse : rien n’est alors enregistré et l’adresse reçoit un
    e-mail qui le lui dit. Erreurs : 422, un message en français par champ refusé."""
    form = read_insee_codes(ApplicationForm(data=payload.model_dump()))
    if not form.is_valid():
        raise ValidationError(form.errors.as_data())
    # No CSRF check here, so the application is never attributed to a session's user.
    reference = services.submit_candidate(**form.application_data())
    return Status(201, {"reference": reference})
