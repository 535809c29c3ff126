"""The matching engine (DOMAIN §4.2): which candidate may be proposed to which structure.

Points are unit vectors on the sphere, so a great-circle distance limit is a straight-line
(chord) limit and a k-d tree finds the structures within each candidate's own radius in
one vectorised call, instead of scanning every candidate for every structure.
"""

import re
from dataclasses import dataclass
from datetime import date

import numpy as np
from django.db import transaction
from django.utils import timezone
from scipy.spatial import cKDTree

from cnfs.candidates.models import Candidate
from cnfs.common.models import TransitionLog
from cnfs.matching.enums import Origin, ProposalStatus
from cnfs.matching.models import Proposal
from cnfs.structures.enums import StructureStatus
from cnfs.structures.models import Structure
from cnfs.territories.models import OVERSEAS_DEPARTEMENTS, SAINT_MARTIN_POSTAL_CODE

EARTH_RADIUS_KM = 6371.0088
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def unit_vectors(latitudes, longitudes) -> np.ndarray:
    lat, lon = np.radians(latitudes), np.radians(longitudes)
    return np.column_stack((np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)))


def chord(km):
    return 2 * np.sin(
        np.minimum(np.asarray(km, dtype=float), np.pi * EARTH_RADIUS_KM) / (2 * EARTH_RADIUS_KM)
    )


def great_circle_km(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Distances between rows of unit vectors ``a`` and ``b`` (same shape)."""
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.clip(np.linalg.norm(a - b, axis=1) / 2, 0, 1))


def territory(departement: str, postal_codes: str) -> str:
    """The closed world of a commune: '' for mainland France."""
    if SAINT_MARTIN_POSTAL_CODE in postal_codes.split():
        return "saint-martin"
    return departement if departement in OVERSEAS_DEPARTEMENTS else ""


@dataclass
class Side:
    ids: np.ndarray
    xyz: np.ndarray
    territory: np.ndarray
    dates: np.ndarray  # datetime64[D]: availability (candidates), mission start (structures)

    def __len__(self):
        return len(self.ids)


@dataclass
class CandidateSide(Side):
    max_km: np.ndarray
    diploma: np.ndarray
    experience: np.ndarray
    pix: np.ndarray
    trained: np.ndarray
    zone_version: np.ndarray


def _dates(values, default: date) -> np.ndarray:
    return np.array([v or default for v in values], dtype="datetime64[D]")


def candidate_side(queryset=None) -> CandidateSide:
    queryset = Candidate.objects.matchable() if queryset is None else queryset
    rows = list(
        queryset.order_by("pk").values_list(
            "pk", "commune__latitude", "commune__longitude", "commune__departement_id",
            "commune__postal_codes", "available_from", "max_distance_km", "has_diploma",
            "has_experience", "pix_level", "former_advisor", "zone_version",
        )
    )  # fmt: skip
    today = timezone.localdate()
    columns = list(zip(*rows, strict=True)) if rows else [[]] * 12
    return CandidateSide(
        ids=np.array(columns[0], dtype=np.int64),
        xyz=unit_vectors(np.array(columns[1], float), np.array(columns[2], float)).reshape(-1, 3),
        territory=np.array([territory(d, p) for d, p in zip(columns[3], columns[4], strict=True)]),
        dates=_dates(columns[5], today),
        max_km=np.array(columns[6], dtype=float),
        diploma=np.array(columns[7], dtype=bool),
        experience=np.array(columns[8], dtype=bool),
        pix=np.array([p or 0 for p in columns[9]], dtype=np.int64),
        trained=np.array(columns[10], dtype=bool),
        zone_version=np.array(columns[11], dtype=np.int64),
    )


def open_structures():
    """Validated structures with at least one open post."""
    from django.db.models import F

    return Structure.objects.filter(
        status=StructureStatus.VALIDATED, granted_posts__gt=F("occupied_posts")
    )


def structure_side(queryset=None) -> Side:
    queryset = open_structures() if queryset is None else queryset
    rows = list(
        queryset.order_by("pk").values_list(
            "pk", "commune__latitude", "commune__longitude", "departement_id",
            "commune__postal_codes", "desired_start_date",
        )
    )  # fmt: skip
    today = timezone.localdate()
    columns = list(zip(*rows, strict=True)) if rows else [[]] * 6
    return Side(
        ids=np.array(columns[0], dtype=np.int64),
        xyz=unit_vectors(np.array(columns[1], float), np.array(columns[2], float)).reshape(-1, 3),
        territory=np.array([territory(d, p) for d, p in zip(columns[3], columns[4], strict=True)]),
        dates=_dates(columns[5], today),
    )


@dataclass
class Pairs:
    candidate: np.ndarray  # indexes into the candidate side
    structure: np.ndarray  # indexes into the structure side
    km: np.ndarray


def allowed_pairs(candidates: CandidateSide, structures: Side, today: date | None = None) -> Pairs:
    """Every (candidate, structure) pair the rules allow."""
    empty = Pairs(np.empty(0, int), np.empty(0, int), np.empty(0))
    if not len(candidates) or not len(structures):
        return empty
    tree = cKDTree(structures.xyz)
    found = tree.query_ball_point(candidates.xyz, r=chord(candidates.max_km) + 1e-12)
    counts = np.fromiter((len(f) for f in found), dtype=np.int64, count=len(found))
    if not counts.sum():
        return empty
    ci = np.repeat(np.arange(len(candidates)), counts)
    si = np.fromiter((s for f in found for s in f), dtype=np.int64, count=int(counts.sum()))
    km = great_circle_km(candidates.xyz[ci], structures.xyz[si])
    today64 = np.datetime64(today or timezone.localdate(), "D")
    start = structures.dates[si]
    # Started missions need someone available now; later ones, someone available by then.
    deadline = np.where(start <= today64, today64, start)
    keep = (
        (km <= candidates.max_km[ci])
        & (candidates.territory[ci] == structures.territory[si])
        & (candidates.dates[ci] <= deadline)
    )
    return Pairs(ci[keep], si[keep], km[keep])


def score_and_reasons(c: CandidateSide, i: int, km: float, today64) -> tuple[float, list[str]]:
    reasons = [f"À {km:.0f} km" if km >= 1 else "À moins d’1 km"]
    score = 40 * (1 - min(km, 100) / 100)
    if c.trained[i]:
        score += 25
        reasons.append("Déjà formé(e) : ancien conseiller numérique")
    if c.diploma[i]:
        score += 20
        reasons.append("Diplômé(e) en médiation numérique")
    if c.experience[i]:
        score += 15
        reasons.append("Expérience en médiation numérique")
    if c.pix[i]:
        score += 5 * c.pix[i]
        reasons.append(f"Compétences numériques : niveau Pix {c.pix[i]}")
    if c.dates[i] <= today64:
        score += 10
        reasons.append("Disponible dès maintenant")
    else:
        day = c.dates[i].astype(date)
        reasons.append(f"Disponible le {day:%d/%m/%Y}")
    return round(score, 2), reasons


@dataclass
class SyncReport:
    created: int = 0
    updated: int = 0
    reproposed: int = 0
    removed: int = 0


@transaction.atomic
def sync(candidates: CandidateSide, structures: Side, *, scope: dict) -> SyncReport:
    """Make the stored proposals of ``scope`` (``{"candidate__in": …}`` or
    ``{"structure__in": …}``) match the pairs the rules allow now.

    Untouched proposals that no longer fit are removed; declined ones come back only when the
    candidate's zone or availability changed since; those a structure acted on stay.
    """
    today64 = np.datetime64(timezone.localdate(), "D")
    pairs = allowed_pairs(candidates, structures)
    wanted = {}
    for ci, si, km in zip(pairs.candidate, pairs.structure, pairs.km, strict=True):
        score, reasons = score_and_reasons(candidates, ci, float(km), today64)
        wanted[(int(candidates.ids[ci]), int(structures.ids[si]))] = (
            round(float(km), 2), score, reasons, int(candidates.zone_version[ci])
        )  # fmt: skip
    existing = {
        (p.candidate_id, p.structure_id): p
        for p in Proposal.objects.filter(**scope).only(
            "pk", "candidate_id", "structure_id", "status", "origin", "declined_zone_version",
            "score", "distance_km",
        )
    }  # fmt: skip
    report = SyncReport()
    to_create, to_update, reproposed = [], [], []
    for key, (km, score, reasons, zone_version) in wanted.items():
        proposal = existing.get(key)
        if proposal is None:
            to_create.append(
                Proposal(candidate_id=key[0], structure_id=key[1], distance_km=km, score=score,
                         reasons=reasons)
            )  # fmt: skip
        elif proposal.status == ProposalStatus.PROPOSED and (
            proposal.score != score or proposal.distance_km != km
        ):
            proposal.score, proposal.distance_km, proposal.reasons = score, km, reasons
            to_update.append(proposal)
        elif (
            proposal.status == ProposalStatus.DECLINED
            and proposal.declined_zone_version is not None
            and proposal.declined_zone_version != zone_version
        ):
            proposal.status, proposal.score, proposal.distance_km = (
                ProposalStatus.PROPOSED,
                score,
                km,
            )
            proposal.reasons, proposal.declined_zone_version = reasons, None
            reproposed.append(proposal)
    stale = [
        p.pk for key, p in existing.items()
        if key not in wanted and p.status == ProposalStatus.PROPOSED and p.origin == Origin.ENGINE
    ]  # fmt: skip
    Proposal.objects.bulk_create(to_create, batch_size=2000)
    Proposal.objects.bulk_update(to_update, ["score", "distance_km", "reasons"], batch_size=2000)
    Proposal.objects.bulk_update(
        reproposed, ["status", "score", "distance_km", "reasons", "declined_zone_version"],
        batch_size=2000,
    )  # fmt: skip
    _log_engine_transitions(reproposed, "repropose", "declined", "proposed")
    for start in range(0, len(stale), 2000):
        Proposal.objects.filter(pk__in=stale[start : start + 2000]).delete()
    report.created, report.updated = len(to_create), len(to_update)
    report.reproposed, report.removed = len(reproposed), len(stale)
    return report


def _log_engine_transitions(proposals, name, from_state, to_state):
    from django.contrib.contenttypes.models import ContentType

    content_type = ContentType.objects.get_for_model(Proposal)
    TransitionLog.objects.bulk_create(
        TransitionLog(
            content_type=content_type, object_id=str(p.pk), transition=name,
            from_state=from_state, to_state=to_state,
            reason="Zone ou disponibilité du candidat modifiée",
        )
        for p in proposals
    )  # fmt: skip


def named_candidates(structure) -> list[int]:
    """Candidates the structure named when applying (by e-mail address)."""
    emails = [e.lower() for e in EMAIL.findall(structure.identified_candidate or "")]
    if not emails:
        return []
    return list(
        Candidate.objects.active()
        .filter(email__in=emails, in_post=False)
        .values_list("pk", flat=True)
    )


def refresh_candidate(candidate_pk: int) -> SyncReport:
    candidates = candidate_side(Candidate.objects.matchable().filter(pk=candidate_pk))
    return sync(candidates, structure_side(), scope={"candidate_id": candidate_pk})


def refresh_structure(structure_pk: int) -> SyncReport:
    structures = structure_side(open_structures().filter(pk=structure_pk))
    report = sync(candidate_side(), structures, scope={"structure_id": structure_pk})
    structure = Structure.objects.get(pk=structure_pk)
    if len(structures):
        for candidate_pk in named_candidates(structure):
            Proposal.objects.update_or_create(
                candidate_id=candidate_pk, structure=structure,
                defaults={"origin": Origin.NAMED},
                create_defaults={
                    "origin": Origin.NAMED, "distance_km": 0, "score": 1000,
                    "reasons": ["Candidat nommé par la structure lors de sa candidature"],
                },
            )  # fmt: skip
    return report


def recompute_all() -> SyncReport:
    """Full recomputation (recovery): every matchable candidate against every open post."""
    return sync(candidate_side(), structure_side(), scope={})
