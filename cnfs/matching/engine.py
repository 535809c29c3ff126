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
    score: np.ndarray


def allowed_pairs(candidates: CandidateSide, structures: Side, today: date | None = None) -> Pairs:
    """Every (candidate, structure) pair the rules allow, with its score.

    Candidates are grouped by their maximum distance (a handful of values): one k-d tree
    per group, and scipy returns all the pairs within that distance as arrays.
    """
    empty = np.empty(0, dtype=np.int64)
    if not len(candidates) or not len(structures):
        return Pairs(empty, empty, np.empty(0), np.empty(0))
    structure_tree = cKDTree(structures.xyz)
    found_c, found_s = [empty], [empty]
    for km in np.unique(candidates.max_km):
        group = np.nonzero(candidates.max_km == km)[0]
        pairs = cKDTree(candidates.xyz[group]).sparse_distance_matrix(
            structure_tree, max_distance=float(chord(km)) + 1e-12, output_type="ndarray"
        )
        found_c.append(group[pairs["i"]])
        found_s.append(pairs["j"].astype(np.int64))
    ci, si = np.concatenate(found_c), np.concatenate(found_s)
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
    ci, si, km = ci[keep], si[keep], km[keep]
    return Pairs(ci, si, km, scores(candidates, ci, km, today64))


def scores(c: CandidateSide, ci: np.ndarray, km: np.ndarray, today64) -> np.ndarray:
    """Pertinence: closeness, then what makes an advisor operational sooner."""
    return np.round(
        40 * (1 - np.minimum(km, 100) / 100)
        + 25 * c.trained[ci]
        + 20 * c.diploma[ci]
        + 15 * c.experience[ci]
        + 5 * c.pix[ci]
        + 10 * (c.dates[ci] <= today64),
        2,
    )


def reasons_for(c: CandidateSide, i: int, km: float, today64) -> list[str]:
    """Why the structure sees this candidate, in words."""
    reasons = [f"À {km:.0f} km" if km >= 1 else "À moins d’1 km"]
    if c.trained[i]:
        reasons.append("Déjà formé(e) : ancien conseiller numérique")
    if c.diploma[i]:
        reasons.append("Diplômé(e) en médiation numérique")
    if c.experience[i]:
        reasons.append("Expérience en médiation numérique")
    if c.pix[i]:
        reasons.append(f"Compétences numériques : niveau Pix {c.pix[i]}")
    if c.dates[i] <= today64:
        reasons.append("Disponible dès maintenant")
    else:
        reasons.append(f"Disponible le {c.dates[i].astype(date):%d/%m/%Y}")
    return reasons


def best_per_structure(pairs: Pairs, limit: int, candidate_ids=None) -> np.ndarray:
    """Indexes of the ``limit`` best-ranked pairs of each structure (ties: lowest id)."""
    tie = pairs.candidate if candidate_ids is None else candidate_ids[pairs.candidate]
    order = np.lexsort((tie, -pairs.score, pairs.structure))
    grouped = pairs.structure[order]
    first = np.searchsorted(grouped, grouped, side="left")
    rank = np.arange(len(order)) - first
    return order[rank < limit]


ANYWHERE_KM = 2000
SCORED_KM = 100  # beyond this distance, the distance no longer changes the score


def _subset(c: CandidateSide, index: np.ndarray, **override) -> CandidateSide:
    fields = {
        name: getattr(c, name)[index]
        for name in ("ids", "xyz", "territory", "dates", "max_km", "diploma", "experience",
                     "pix", "trained", "zone_version")
    }  # fmt: skip
    fields.update(override)
    return CandidateSide(**fields)


def best_pairs(candidates: CandidateSide, structures: Side, limit: int, today=None) -> Pairs:
    """Each structure's ``limit`` best-ranked allowed pairs, without listing every pair.

    Candidates who accept "partout" reach every structure of their territory; beyond
    SCORED_KM their score no longer depends on the distance, so a structure's best among
    them are those within SCORED_KM plus the best-ranked of the others — taken from one
    ranking shared by all structures instead of millions of pairs.
    """
    today64 = np.datetime64(today or timezone.localdate(), "D")
    far = np.nonzero(candidates.max_km >= ANYWHERE_KM)[0]
    near = np.nonzero(candidates.max_km < ANYWHERE_KM)[0]
    parts = []
    near_pairs = allowed_pairs(_subset(candidates, near), structures, today)
    parts.append((near[near_pairs.candidate], near_pairs.structure, near_pairs.km))
    local = allowed_pairs(
        _subset(candidates, far, max_km=np.full(len(far), float(SCORED_KM))), structures, today
    )
    parts.append((far[local.candidate], local.structure, local.km))
    if len(far) and len(structures):
        bonus = scores(candidates, far, np.full(len(far), float(SCORED_KM)), today64)
        ranked = far[np.lexsort((candidates.ids[far], -bonus))]
        local_sets = {}
        for c, s_ in zip(far[local.candidate].tolist(), local.structure.tolist(), strict=True):
            local_sets.setdefault(s_, set()).add(c)
        deadlines = np.where(structures.dates <= today64, today64, structures.dates)
        for s_ in range(len(structures)):
            eligible = ranked[
                (candidates.territory[ranked] == structures.territory[s_])
                & (candidates.dates[ranked] <= deadlines[s_])
            ]
            nearby = local_sets.get(s_, set())
            chosen = [c for c in eligible[: limit + len(nearby)].tolist() if c not in nearby]
            chosen = np.array(chosen[:limit], dtype=np.int64)
            if len(chosen):
                km = great_circle_km(
                    candidates.xyz[chosen], np.broadcast_to(structures.xyz[s_], (len(chosen), 3))
                )
                parts.append((chosen, np.full(len(chosen), s_, dtype=np.int64), km))
    ci = np.concatenate([p[0] for p in parts]).astype(np.int64)
    si = np.concatenate([p[1] for p in parts]).astype(np.int64)
    km = np.concatenate([p[2] for p in parts])
    merged = Pairs(ci, si, km, scores(candidates, ci, km, today64))
    kept = best_per_structure(merged, limit, candidates.ids)
    return Pairs(ci[kept], si[kept], km[kept], merged.score[kept])


@dataclass
class SyncReport:
    created: int = 0
    updated: int = 0
    reproposed: int = 0
    removed: int = 0

    def add(self, other: "SyncReport"):
        self.created += other.created
        self.updated += other.updated
        self.reproposed += other.reproposed
        self.removed += other.removed


def _kept_for_one_candidate(pairs: Pairs, structures: Side, candidate_pk: int, limit: int):
    """A candidate enters a structure's list if it has room or ranks above its last one."""
    from django.db.models import Count, Min

    if not len(pairs.structure):
        return np.empty(0, dtype=np.int64)
    ids = structures.ids[pairs.structure]
    standing = {
        row["structure_id"]: (row["n"], row["lowest"])
        for row in Proposal.objects.filter(
            structure_id__in=ids.tolist(), status=ProposalStatus.PROPOSED, origin=Origin.ENGINE
        )
        .exclude(candidate_id=candidate_pk)
        .values("structure_id")
        .annotate(n=Count("id"), lowest=Min("score"))
        .order_by()
    }  # fmt: skip
    keep = [
        k for k, (sid, score) in enumerate(zip(ids.tolist(), pairs.score.tolist(), strict=True))
        if standing.get(sid, (0, 0))[0] < limit or score > standing[sid][1]
    ]  # fmt: skip
    return np.array(keep, dtype=np.int64)


@transaction.atomic
def sync(candidates: CandidateSide, structures: Side, *, scope: dict) -> SyncReport:
    """Make the stored proposals of ``scope`` (``{"candidate_id": …}`` or
    ``{"structure_id__in": …}``) match what the rules allow now.

    Each structure keeps its ``MATCHING_PROPOSALS_PER_STRUCTURE`` best-ranked proposals.
    Untouched proposals that no longer fit are removed; declined ones come back only when the
    candidate's zone or availability changed since; those a structure acted on stay.
    """
    from django.conf import settings

    limit = settings.MATCHING_PROPOSALS_PER_STRUCTURE
    today64 = np.datetime64(timezone.localdate(), "D")
    if "candidate_id" in scope:
        pairs = allowed_pairs(candidates, structures)
        kept = _kept_for_one_candidate(pairs, structures, scope["candidate_id"], limit)
    else:
        pairs = best_pairs(candidates, structures, limit)
        kept = np.arange(len(pairs.km))
    wanted = {}
    for k in kept.tolist():
        ci, si, km = pairs.candidate[k], pairs.structure[k], float(pairs.km[k])
        wanted[(int(candidates.ids[ci]), int(structures.ids[si]))] = (
            round(km, 2), float(pairs.score[k]), ci, int(candidates.zone_version[ci])
        )  # fmt: skip
    existing = {
        (p.candidate_id, p.structure_id): p
        for p in Proposal.objects.filter(**scope).only(
            "pk", "candidate_id", "structure_id", "status", "origin", "declined_zone_version",
            "score", "distance_km",
        )
    }  # fmt: skip
    to_create, to_update, reproposed = [], [], []
    for key, (km, score, ci, zone_version) in wanted.items():
        proposal = existing.get(key)
        if proposal is None:
            to_create.append(
                Proposal(candidate_id=key[0], structure_id=key[1], distance_km=km, score=score,
                         reasons=reasons_for(candidates, ci, km, today64))
            )  # fmt: skip
        elif proposal.status == ProposalStatus.PROPOSED and (
            proposal.score != score or proposal.distance_km != km
        ):
            proposal.score, proposal.distance_km = score, km
            proposal.reasons = reasons_for(candidates, ci, km, today64)
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
            proposal.reasons = reasons_for(candidates, ci, km, today64)
            proposal.declined_zone_version = None
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
    return SyncReport(len(to_create), len(to_update), len(reproposed), len(stale))


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
    report = sync(candidate_side(), structures, scope={"structure_id__in": [structure_pk]})
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


def recompute_all(*, chunk: int = 300) -> SyncReport:
    """Full recomputation (recovery, and the periodic trim of each structure's list): every
    matchable candidate against every open post, by chunks of structures to bound memory."""
    candidates = candidate_side()
    open_ids = list(open_structures().order_by("pk").values_list("pk", flat=True))
    report = SyncReport()
    for start in range(0, len(open_ids), chunk):
        ids = open_ids[start : start + chunk]
        structures = structure_side(open_structures().filter(pk__in=ids))
        report.add(sync(candidates, structures, scope={"structure_id__in": ids}))
    # Structures with no open post left keep only the proposals they acted on.
    removed, _ = (
        Proposal.objects.filter(status=ProposalStatus.PROPOSED, origin=Origin.ENGINE)
        .exclude(structure_id__in=open_structures().values("pk"))
        .delete()
    )
    report.removed += removed
    return report
