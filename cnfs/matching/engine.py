"""The matching engine (DOMAIN §4.2): which candidate may be proposed to which structure.

Points are unit vectors on the sphere, so a great-circle distance limit is a straight-line
(chord) limit and a k-d tree finds the structures within each candidate's own radius in
one vectorised call, instead of scanning every candidate for every structure.
"""

import functools
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date

import numpy as np
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Greatest
from django.utils import timezone
from scipy.spatial import cKDTree

from cnfs.candidates.models import Candidate
from cnfs.common.models import TransitionLog
from cnfs.matching.enums import Origin, ProposalStatus
from cnfs.matching.models import ListLength, Proposal
from cnfs.structures.enums import StructureStatus
from cnfs.structures.models import Structure
from cnfs.territories.models import OVERSEAS_DEPARTEMENTS, SAINT_MARTIN_POSTAL_CODE, Commune

EARTH_RADIUS_KM = 6371.0088
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def unit_vectors(latitudes, longitudes) -> np.ndarray:
    lat, lon = np.radians(latitudes), np.radians(longitudes)
    return np.column_stack((np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)))


def chord(km):
    return 2 * np.sin(
        np.minimum(np.asarray(km, dtype=float), np.pi * EARTH_RADIUS_KM) / (2 * EARTH_RADIUS_KM)
    )


def arc_km(chords: np.ndarray) -> np.ndarray:
    """The great-circle distances of straight-line distances between unit vectors."""
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.clip(chords / 2, 0, 1))


def _km(dx: np.ndarray, dy: np.ndarray, dz: np.ndarray) -> np.ndarray:
    return arc_km(np.sqrt(dx * dx + dy * dy + dz * dz))


def great_circle_km(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Distances between rows of unit vectors ``a`` and ``b`` (same shape)."""
    d = a - b
    return _km(d[:, 0], d[:, 1], d[:, 2])


def _km_between(a: np.ndarray, i: np.ndarray, b: np.ndarray, j: np.ndarray) -> np.ndarray:
    """``great_circle_km(a[i], b[j])``, gathering one coordinate at a time (faster)."""
    return _km(*(a[:, k].take(i) - b[:, k].take(j) for k in range(3)))


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


UNIX_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


def _dates(values, default: date) -> np.ndarray:
    """Dates as days (``datetime64[D]``), from their ordinals: numpy converts ``date``
    objects one by one, ten times slower."""
    fallback = default.toordinal()
    days = np.fromiter(
        (v.toordinal() if v else fallback for v in values), dtype=np.int64, count=len(values)
    )
    return (days - UNIX_EPOCH_ORDINAL).astype("datetime64[D]")


@functools.cache
def _territory(departement: str, postal_codes: str) -> str:
    return territory(departement, postal_codes)


def _territories(departements, postal_codes) -> np.ndarray:
    """Each row's closed world (one per commune: remembered)."""
    return np.array([_territory(d, p) for d, p in zip(departements, postal_codes, strict=True)])


def candidate_side(queryset=None) -> CandidateSide:
    queryset = Candidate.objects.matchable() if queryset is None else queryset
    rows = list(
        queryset.order_by("pk").values_list(
            "pk",
            "commune_id",
            "available_from",
            "max_distance_km",
            "has_diploma",
            "has_experience",
            "pix_level",
            "former_advisor",
            "zone_version",
        )
    )
    communes = _communes(sorted({row[1] for row in rows}))
    rows = [(pk, *communes[commune], *rest) for pk, commune, *rest in rows]
    today = timezone.localdate()
    columns = list(zip(*rows, strict=True)) if rows else [[]] * 12
    return CandidateSide(
        ids=np.array(columns[0], dtype=np.int64),
        xyz=unit_vectors(np.array(columns[1], float), np.array(columns[2], float)).reshape(-1, 3),
        territory=_territories(columns[4], columns[3]),
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
    return Structure.objects.filter(
        status=StructureStatus.VALIDATED, granted_posts__gt=F("occupied_posts")
    )


def structure_side(queryset=None) -> Side:
    """The structures, and their communes read apart by their keys: joined, PostgreSQL
    hashes every commune of France to find a few hundred (4 ms for a candidate's update)."""
    queryset = open_structures() if queryset is None else queryset
    rows = list(
        queryset.order_by("pk").values_list(
            "pk", "commune_id", "departement_id", "desired_start_date"
        )
    )
    communes = _communes(sorted({row[1] for row in rows}))
    rows = [
        (pk, *communes[commune][:2], departement, communes[commune][2], start)
        for pk, commune, departement, start in rows
    ]
    today = timezone.localdate()
    columns = list(zip(*rows, strict=True)) if rows else [[]] * 6
    return Side(
        ids=np.array(columns[0], dtype=np.int64),
        xyz=unit_vectors(np.array(columns[1], float), np.array(columns[2], float)).reshape(-1, 3),
        territory=_territories(columns[3], columns[4]),
        dates=_dates(columns[5], today),
    )


def _communes(insee: list[str]) -> dict:
    """Latitude, longitude, postal codes and département of these communes, by code, read
    apart from the rows that name them: joined, PostgreSQL hashes every commune of France
    (on PostgreSQL the codes are one array parameter: half the time of one each)."""
    columns = ("insee", "latitude", "longitude", "postal_codes", "departement_id")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {', '.join(columns)} FROM {Commune._meta.db_table} "  # noqa: S608
                "WHERE insee = ANY(%s)",
                [insee],
            )
            return {code: rest for code, *rest in cursor.fetchall()}
    communes = {}
    for start in range(0, len(insee), 900):  # SQLite's bound on a query's parameters
        communes.update(
            (code, rest)
            for code, *rest in Commune.objects.filter(
                insee__in=insee[start : start + 900]
            ).values_list(*columns)
        )
    return communes


@dataclass
class Pairs:
    candidate: np.ndarray  # indexes into the candidate side
    structure: np.ndarray  # indexes into the structure side
    km: np.ndarray
    score: np.ndarray

    @classmethod
    def none(cls) -> "Pairs":
        empty = np.empty(0, dtype=np.int64)
        return cls(empty, empty, np.empty(0), np.empty(0))

    def take(self, index: np.ndarray) -> "Pairs":
        return Pairs(
            self.candidate[index], self.structure[index], self.km[index], self.score[index]
        )


def allowed_pairs(candidates: CandidateSide, structures: Side, today: date | None = None) -> Pairs:
    """Every (candidate, structure) pair the rules allow, with its score.

    Candidates are grouped by their maximum distance (a handful of values): one k-d tree
    per group, and scipy returns all the pairs within that distance as arrays.
    """
    if not len(candidates) or not len(structures):
        return Pairs.none()
    empty = np.empty(0, dtype=np.int64)
    structure_tree = cKDTree(structures.xyz)
    found_c, found_s = [empty], [empty]
    for km in np.unique(candidates.max_km):
        group = np.nonzero(candidates.max_km == km)[0]
        pairs = cKDTree(candidates.xyz[group]).sparse_distance_matrix(
            structure_tree, max_distance=float(chord(km + METRE_SLACK_KM)), output_type="ndarray"
        )
        found_c.append(group[pairs["i"]])
        found_s.append(pairs["j"].astype(np.int64))
    ci, si = np.concatenate(found_c), np.concatenate(found_s)
    m = metres(great_circle_km(candidates.xyz[ci], structures.xyz[si]))
    today64 = np.datetime64(today or timezone.localdate(), "D")
    start = structures.dates[si]
    # Started missions need someone available now; later ones, someone available by then.
    deadline = np.where(start <= today64, today64, start)
    keep = (
        (m <= max_metres(candidates.max_km[ci]))
        & (candidates.territory[ci] == structures.territory[si])
        & (candidates.dates[ci] <= deadline)
    )
    ci, si, m = ci[keep], si[keep], m[keep]
    return Pairs(ci, si, m / 1000, scores(candidates, ci, m, today64))


SCORED_KM = 100  # beyond this distance, the distance no longer changes the score
SCORED_M = SCORED_KM * 1000
CLOSENESS_POINTS = 40  # what the distance is worth at 0 km
METRE_SLACK_KM = 0.001  # searches reach this much farther: distances are rounded to the metre


def metres(km) -> np.ndarray:
    """Distances in whole metres, rounded half up: the unit of every comparison, so a
    candidate exactly at the radius is in, whatever the floating-point noise."""
    return np.floor(np.asarray(km, dtype=float) * 1000 + 0.5).astype(np.int64)


def max_metres(max_km) -> np.ndarray:
    return np.rint(np.asarray(max_km, dtype=float) * 1000).astype(np.int64)


def shown_km(km: float) -> int:
    """A distance as shown: rounded half up to the kilometre (204.5 km is "205 km")."""
    return int((int(metres(km)) + 500) // 1000)


def distance_reason(km: float) -> str:
    shown = shown_km(km)
    return f"À {shown} km" if shown >= 1 else "À moins d’1 km"


def _closeness(km: np.ndarray) -> np.ndarray:
    return CLOSENESS_POINTS * (1 - np.minimum(km, SCORED_KM) / SCORED_KM)


def bonuses(c: CandidateSide, today64) -> np.ndarray:
    """The part of each candidate's score that does not depend on the structure: what
    makes an advisor operational sooner."""
    return (
        25 * c.trained + 20 * c.diploma + 15 * c.experience + 5 * c.pix + 10 * (c.dates <= today64)
    ).astype(float)


def scores(c: CandidateSide, ci: np.ndarray, m: np.ndarray, today64, bonus=None) -> np.ndarray:
    """Pertinence from distances in whole metres ``m``: closeness (40 points at 0 km, none
    from 100 km on) rounded half up to the hundredth, plus the bonus. Computed in integer
    hundredths, so the same pair always gets the same score on every path."""
    bonus = bonuses(c, today64) if bonus is None else bonus
    m = np.asarray(m, dtype=np.int64)
    closeness = (
        CLOSENESS_POINTS * 100 * (SCORED_M - np.minimum(m, SCORED_M)) + SCORED_M // 2
    ) // SCORED_M
    return (closeness + np.rint(bonus[ci] * 100).astype(np.int64)) / 100


def reasons_for(c: CandidateSide, i: int, km: float, today64) -> list[str]:
    """Why the structure sees this candidate, in words."""
    reasons = [distance_reason(km)]
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


# Each structure's best proposals (``best_pairs``) ------------------------------------

# "Partout" reaches every structure of the candidate's closed world: the largest of them,
# mainland France with Corsica, is less than 1,300 km across.
ANYWHERE_KM = 2000
SLACK_KM = 0.05  # margin of every pruning radius (rounded scores move by 0.0125 km)
WORTH_EDGES = np.array([2.5, 5, 7.5, 10, 15, 20, 30, 40, 60, 100, np.inf])
DENSE_PAIRS = 250_000  # a closed world this small is compared pair by pair


def _closeness_of_chord(chords: np.ndarray) -> np.ndarray:
    """``_closeness`` taking the chord for the arc: a chord is shorter (by 1 cm at
    100 km), so this never scores a pair below its exact score."""
    slope = CLOSENESS_POINTS / SCORED_KM * EARTH_RADIUS_KM
    return np.maximum(CLOSENESS_POINTS - slope * chords, 0)


def _dots(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The dot products of every row of ``a`` with every row of ``b`` (3 columns), in plain
    numpy: a matrix product goes to BLAS, whose threads, spinning after the call, take the
    core the computation needs on a busy machine (80 ms became 140–150 ms)."""
    return a[:, :1] * b[:, 0] + a[:, 1:2] * b[:, 1] + a[:, 2:] * b[:, 2]


def _cosine(km: float) -> float:
    """The dot product of two unit vectors ``km`` apart."""
    return float(np.cos(km / EARTH_RADIUS_KM))


class _Standing:
    """How many allowed pairs have been found for each site, by score point: enough to
    know a score its ``limit``-th best pair reaches at least (``floor``), hence how far each
    level of candidate is still worth looking for around it."""

    def __init__(self, sites: int, limit: int, top_score: float):
        self.limit, self.points = limit, int(top_score) + 2
        self.counts = np.zeros((sites, self.points), dtype=np.int64)

    def point(self, raw_score: np.ndarray) -> np.ndarray:
        """A point each pair's exact, rounded score cannot fall below."""
        return np.clip(np.floor(raw_score - 0.01), 0, self.points - 1).astype(np.int64)

    def add(self, site: np.ndarray, raw_score: np.ndarray, sign: int = 1):
        cells = site * self.points + self.point(raw_score)
        flat = self.counts.reshape(-1)
        if len(cells) * 8 < flat.size:
            np.add.at(flat, cells, sign)
        else:
            flat += sign * np.bincount(cells, minlength=flat.size)

    def floor(self, above: float = -1) -> np.ndarray:
        """A score each site's ``limit``-th best pair reaches (-inf: not known yet, or not
        above ``above``: only the points above it are summed)."""
        low = max(int(above) + 1, 0)
        point = _last_point(self.counts[:, low:], self.limit)
        return np.where(point >= 0, point + low, -np.inf)


def _last_point(counts: np.ndarray, limit: int) -> np.ndarray:
    """For counts of pairs by site (rows) and score point (columns): the highest point at
    or above which each site has ``limit`` pairs (-1: fewer than ``limit`` in all)."""
    return (_at_least(counts) >= limit).sum(axis=1) - 1


def _at_least(counts: np.ndarray) -> np.ndarray:
    """For each site (row) and score point (column): the pairs scoring that point or more."""
    return np.cumsum(counts[:, ::-1], axis=1)[:, ::-1]


@dataclass
class _Search:
    """One ranking problem: the candidates, and the sites (structures at one place, in
    one closed world, with one deadline: they have the same candidates in the same
    order, so each site is ranked once; a structure with pairs to leave out is a site of
    its own)."""

    candidates: CandidateSide
    bonus: np.ndarray
    c_world: np.ndarray
    reach: np.ndarray  # how far each candidate is searched (SCORED_KM for "partout")
    max_m: np.ndarray  # each candidate's reach in whole metres (SCORED_M for "partout")
    radius_m: np.ndarray  # each candidate's radius in whole metres
    later: np.ndarray  # available after today: the only ones a deadline can rule out
    xyz: np.ndarray  # sites
    world: np.ndarray
    deadline: np.ndarray
    standing: _Standing
    taken: np.ndarray  # sorted keys (candidate × sites + site) of the pairs not to rank

    def untaken(self, c_: np.ndarray, s_: np.ndarray) -> np.ndarray | None:
        """Which of these pairs may be ranked (None: all of them)."""
        if not len(self.taken):
            return None
        keys = c_ * len(self.xyz) + s_
        at = np.minimum(np.searchsorted(self.taken, keys), len(self.taken) - 1)
        return self.taken[at] != keys


def best_pairs(
    candidates: CandidateSide, structures: Side, limit: int, today=None, taken=None
) -> Pairs:
    """Each structure's ``limit`` best-ranked allowed pairs, without listing every pair.

    A score is a closeness part (40 points at 0 km, none from SCORED_KM on) plus a bonus
    that depends on the candidate only. So:

    - "partout" candidates reach every structure of their closed world and, beyond
      SCORED_KM, score their bonus: one ranking of them by bonus, shared by the structures
      of a closed world and deadline, gives the only ones that can matter there (its first
      ``limit``);
    - the others (and "partout" ones within SCORED_KM) are searched bonus level by bonus
      level, best first: once a structure holds ``limit`` pairs scoring at least T, a
      candidate of bonus b can only enter its list within 100 × (1 − (T − b) / 40) km, so
      each k-d tree search goes only as far as it can still change a list.

    ``taken``: (candidate indexes, structure indexes) of pairs the structures already acted
    on; they are not ranked, so each list holds ``limit`` profiles still to consider.

    Distances and scores of the kept pairs are exactly those of ``allowed_pairs``; tests
    check the result against ranking every allowed pair.
    """
    today64 = np.datetime64(today or timezone.localdate(), "D")
    if not len(candidates) or not len(structures) or limit < 1:
        return Pairs.none()
    c_world, s_world = _world_codes(candidates.territory, structures.territory)
    deadline = np.where(structures.dates <= today64, today64, structures.dates)
    taken_c, taken_s = (np.empty(0, np.int64),) * 2 if taken is None else taken
    own = np.full(len(structures), -1)
    own[taken_s] = taken_s  # a structure with pairs of its own to leave out is its own site
    keys = np.column_stack((structures.xyz, s_world, deadline.astype(np.int64), own))
    _, first, site_of = np.unique(keys, axis=0, return_index=True, return_inverse=True)
    site_of = site_of.ravel()
    if settings.MATCHING_ENGINE == "compiled":
        sites = _Sites(first, site_of, s_world, deadline)
        compiled = compiled_best_pairs(
            candidates, structures, limit, today64, c_world, sites, taken_c, taken_s
        )
        if compiled is not None:
            return compiled
    bonus = bonuses(candidates, today64)
    anywhere = candidates.max_km >= ANYWHERE_KM
    reach = np.where(anywhere, float(SCORED_KM), candidates.max_km)
    search = _Search(
        candidates=candidates,
        bonus=bonus,
        c_world=c_world,
        reach=reach,
        max_m=max_metres(reach),
        radius_m=max_metres(candidates.max_km),
        later=candidates.dates > today64,
        xyz=structures.xyz[first],
        world=s_world[first],
        deadline=deadline[first],
        standing=_Standing(len(first), limit, CLOSENESS_POINTS + bonus.max()),
        taken=np.unique(np.asarray(taken_c) * len(first) + site_of[taken_s]),
    )
    far = _ranked_anywhere(search, np.nonzero(anywhere)[0], limit)
    near = []
    for world in np.intersect1d(c_world, search.world).tolist():
        near += _near_pairs(
            search, np.nonzero(c_world == world)[0], np.nonzero(search.world == world)[0]
        )
    ci, si, km, score = _select(search, near, far, limit)
    return _expand(site_of, ci, si, km, score)


def _world_codes(*territories: np.ndarray) -> list[np.ndarray]:
    """The closed worlds as small integers (0: mainland France, the commonest)."""
    names = sorted(set().union(*(np.unique(t[t != ""]).tolist() for t in territories)))
    codes = []
    for t in territories:
        code = np.zeros(len(t), dtype=np.int64)
        overseas = np.nonzero(t != "")[0]
        code[overseas] = np.searchsorted(names, t[overseas]) + 1
        codes.append(code)
    return codes


def _ranked_anywhere(search: _Search, pool: np.ndarray, limit: int) -> list:
    """For each group of sites sharing a closed world and a deadline: the first ``limit``
    eligible "partout" candidates by bonus (ties: lowest id), the dot products of their
    unit vectors (sites × candidates) and the pairs left out (None: none). Their pairs
    beyond SCORED_KM are counted. Each pair left out may take one more from the ranking."""
    groups = []
    if not len(pool):
        return groups
    c, standing = search.candidates, search.standing
    extra = len(search.taken)
    taken_sites = np.unique(search.taken % len(search.xyz))
    keys, inverse = np.unique(
        np.column_stack((search.world, search.deadline.astype(np.int64))),
        axis=0,
        return_inverse=True,
    )
    inverse = inverse.ravel()
    for g, (world, day) in enumerate(keys.tolist()):
        eligible = pool[
            (search.c_world[pool] == world) & (c.dates[pool] <= np.datetime64(day, "D"))
        ]
        if not len(eligible):
            continue
        order = np.lexsort((c.ids[eligible], -search.bonus[eligible]))
        ranked = eligible[order][: limit + extra]
        members = np.nonzero(inverse == g)[0]
        dots = _dots(search.xyz[members], c.xyz[ranked])
        left_out = None
        rows = np.nonzero(np.isin(members, taken_sites))[0]
        if len(rows):
            left_out = np.zeros(dots.shape, dtype=bool)
            left_out[rows] = ~search.untaken(
                np.tile(ranked, len(rows)), np.repeat(members[rows], len(ranked))
            ).reshape(len(rows), len(ranked))
        groups.append((members, ranked, dots, left_out))
        # Counted beyond SCORED_KM only (the search counts the closer ones): all of them,
        # minus the few that are not surely that far, and those left out.
        levels = search.bonus[ranked]
        standing.counts[members] += np.bincount(standing.point(levels), minlength=standing.points)
        uncounted = dots >= _cosine(SCORED_KM + 0.01)
        if left_out is not None:
            uncounted |= left_out
        rows, cols = np.nonzero(uncounted)
        standing.add(members[rows], levels[cols], sign=-1)
    return groups


def _near_pairs(search: _Search, c_in: np.ndarray, s_in: np.ndarray):
    """Allowed pairs of one closed world (candidates ``c_in``, sites ``s_in``) within each
    candidate's reach, bonus level by bonus level, best first, each level searched around
    each site only as far as it can still enter its list. Returns candidate and site
    indexes, chords and approximate scores, in parts; the standing counts them as they
    come."""
    if len(c_in) * len(s_in) <= DENSE_PAIRS:
        return [_every_near_pair(search, c_in, s_in)]
    bonus, reach, standing = search.bonus, search.reach, search.standing
    c = search.candidates
    within = chord(reach) - 1e-9
    found = []
    for level in np.unique(bonus[c_in])[::-1].tolist():
        floor = standing.floor(above=level)[s_in]
        worth = np.where(
            floor <= level, np.inf, SCORED_KM * (1 - (floor - level) / CLOSENESS_POINTS) + SLACK_KM
        )
        band = np.searchsorted(WORTH_EDGES, worth)
        band[worth < 0] = -1
        live = np.nonzero(band >= 0)[0]
        if not len(live):
            continue
        # The sites band after band (a band is a slice of ``banded``), one tree each.
        live = live[np.argsort(band[live], kind="stable")]
        banded = s_in[live]
        starts = np.searchsorted(band[live], np.arange(len(WORTH_EDGES) + 1))
        bands = [
            (
                float(WORTH_EDGES[b]),
                int(starts[b]),
                cKDTree(search.xyz[banded[starts[b] : starts[b + 1]]]),
            )
            for b in range(len(WORTH_EDGES))
            if starts[b + 1] > starts[b]
        ]
        cut = np.zeros(len(search.xyz))
        cut[s_in] = chord(worth) + 1e-12
        in_level = c_in[bonus[c_in] == level]
        kind = np.where(search.later[in_level], -reach[in_level], reach[in_level])
        # Candidates kind after kind (a kind is a slice of ``grouped``), one tree each; one
        # k-d tree call per kind and band, then every pair of the level filtered at once.
        by_kind = np.argsort(kind, kind="stable")
        grouped = in_level[by_kind]
        kinds, first_of_kind = np.unique(kind[by_kind], return_index=True)
        ends = np.append(first_of_kind[1:], len(grouped))
        pieces, c_shift, s_shift = [], [], []
        for signed, first, end in zip(
            kinds.tolist(), first_of_kind.tolist(), ends.tolist(), strict=True
        ):
            tree = cKDTree(c.xyz[grouped[first:end]])
            extent = abs(signed) + METRE_SLACK_KM  # a pair a few millimetres beyond is in
            for upper, start, sites in bands:
                pieces.append(
                    tree.sparse_distance_matrix(
                        sites,
                        max_distance=float(chord(min(upper, extent))) + 1e-12,
                        output_type="ndarray",
                    )
                )
                c_shift.append(first)
                s_shift.append(start)
        sizes = [len(piece) for piece in pieces]
        pairs = np.concatenate(pieces)
        c_ = grouped[pairs["i"] + np.repeat(c_shift, sizes)]
        s_ = banded[pairs["j"] + np.repeat(s_shift, sizes)]
        v = pairs["v"]
        keep = v <= cut[s_]
        if kinds[0] < 0:  # available later: a deadline may rule them out
            keep &= c.dates[c_] <= search.deadline[s_]
        untaken = search.untaken(c_, s_)
        if untaken is not None:
            keep &= untaken
        keep = np.nonzero(keep)[0]
        c_, s_, v = c_[keep], s_[keep], v[keep]
        raw = _closeness_of_chord(v) + level
        found.append((c_, s_, v, raw))
        counted = v <= within[c_]  # within reach whatever the rounding
        standing.add(s_[counted], raw[counted])
    return found


def _every_near_pair(search: _Search, c_in: np.ndarray, s_in: np.ndarray):
    """``_near_pairs`` for a small closed world: every pair at once, from dot products."""
    c = search.candidates
    dots = _dots(c.xyz[c_in], search.xyz[s_in])
    km = arc_km(np.sqrt(np.maximum(2 - 2 * dots, 0)))
    rows, cols = np.nonzero(
        (km <= search.reach[c_in][:, None] + 0.01)
        & (c.dates[c_in][:, None] <= search.deadline[s_in][None, :])
    )
    c_, s_, km = c_in[rows], s_in[cols], km[rows, cols]
    untaken = search.untaken(c_, s_)
    if untaken is not None:
        c_, s_, km = c_[untaken], s_[untaken], km[untaken]
    raw = _closeness(km) + search.bonus[c_]
    inside = km <= search.reach[c_] - 0.01  # surely allowed: counted
    search.standing.add(s_[inside], raw[inside])
    # The chords again from the coordinates (a dot product loses precision up close).
    d = [c.xyz[:, k].take(c_) - search.xyz[:, k].take(s_) for k in range(3)]
    return c_, s_, np.sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]), raw


def _select(search: _Search, near: list, far: list, limit: int):
    """The ``limit`` best pairs of each site among those found, with exact distances and
    scores: ``(candidate, site, km, score)``."""
    c, bonus, floor = search.candidates, search.bonus, search.standing.floor()
    nc, ns, nv, raw = _concat(near)
    worth = np.nonzero(raw >= floor[ns] - 0.02)[0]
    nc, ns = nc[worth], ns[worth]
    nkm, nm = _exact_km(c.xyz, nc, search.xyz, ns, nv[worth])
    # Within reach: the radius in whole metres; for "partout", the near side of SCORED_KM
    # (the far side is ranked below, by the same test).
    ok = nm <= search.max_m[nc]  # for "partout": SCORED_M, then the exact test below
    edge = np.nonzero(ok & (nkm > SCORED_KM))[0]
    ok[edge] = c.max_km[nc[edge]] < ANYWHERE_KM
    nc, ns, nkm, nm = nc[ok], ns[ok], nkm[ok], nm[ok]
    nscore = scores(c, nc, nm, None, bonus=bonus)
    # "Partout" candidates farther than SCORED_KM score their bonus.
    fc, fs, fdots = [np.empty(0, np.int64)], [np.empty(0, np.int64)], [np.empty(0)]
    for members, ranked, dots, left_out in far:
        wanted = (dots < _cosine(SCORED_KM - 0.01)) & (
            bonus[ranked][None, :] >= floor[members][:, None] - 0.02
        )
        if left_out is not None:
            wanted &= ~left_out
        rows, cols = np.nonzero(wanted)
        fc.append(ranked[cols])
        fs.append(members[rows])
        fdots.append(dots[rows, cols])
    fc, fs, fdots = np.concatenate(fc), np.concatenate(fs), np.concatenate(fdots)
    unsure = np.nonzero(fdots >= _cosine(SCORED_KM + 0.01))[0]  # 100 km ± 10 m: exactly
    if len(unsure):
        closer = unsure[_km_between(c.xyz, fc[unsure], search.xyz, fs[unsure]) <= SCORED_KM]
        fc, fs = np.delete(fc, closer), np.delete(fs, closer)
    ci, si = np.concatenate((nc, fc)), np.concatenate((ns, fs))
    score = np.concatenate((nscore, bonus[fc]))
    kept = _first_of_each(ci, si, score, c.ids, limit, len(search.xyz))
    km = np.empty(len(kept))
    from_near = kept < len(nc)
    km[from_near] = nkm[kept[from_near]]
    far_kept = kept[~from_near]
    km[~from_near] = _km_between(c.xyz, ci[far_kept], search.xyz, si[far_kept])
    ci, si, score = ci[kept], si[kept], score[kept]
    m = metres(km)
    ok = m <= search.radius_m[ci]  # "partout" is farther than any closed world: a safeguard
    if ok.all():
        return ci, si, m / 1000, score
    return ci[ok], si[ok], m[ok] / 1000, score[ok]


def _concat(found: list):
    if not found:
        return np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0), np.empty(0)
    return tuple(np.concatenate(parts) for parts in zip(*found, strict=True))


def _exact_km(a: np.ndarray, i: np.ndarray, b: np.ndarray, j: np.ndarray, chords: np.ndarray):
    """``(great_circle_km(a[i], b[j]), its whole metres)`` from ``chords``, the same
    distances computed elsewhere (by the k-d tree: within a few units in the last place).
    Only a pair whose distance lies within a micrometre of a half metre, or of SCORED_KM,
    could round otherwise: those few are computed again exactly as ``_km_between`` does."""
    km = arc_km(chords)
    half = km * 1000 + 0.5
    m = np.floor(half)
    unsure = np.nonzero(
        (half - m < 1e-6) | (m + 1 - half < 1e-6) | (np.abs(km - SCORED_KM) < 1e-6)
    )[0]
    if len(unsure):
        km[unsure] = _km_between(a, i[unsure], b, j[unsure])
        m[unsure] = np.floor(km[unsure] * 1000 + 0.5)
    return km, m.astype(np.int64)


def _first_of_each(ci, si, score, candidate_ids, limit: int, sites: int) -> np.ndarray:
    """Indexes of the ``limit`` best pairs of each site (ties: lowest candidate id).

    Exact counts by score point give each site's last point: pairs above it are all kept,
    and only the pairs on it are sorted to fill the remaining places."""
    if not len(si):
        return np.empty(0, dtype=np.int64)
    points = score.astype(np.int64)  # scores are never negative: this is their floor
    width = int(points.max()) + 1
    counts = np.bincount(si * width + points, minlength=sites * width).reshape(sites, width)
    at_least = np.column_stack((_at_least(counts), np.zeros(sites, dtype=np.int64)))
    site_last = (at_least >= limit).sum(axis=1) - 1  # -1: fewer than ``limit``, all kept
    last = site_last[si]
    sure = np.nonzero(points > last)[0]
    room = limit - at_least[np.arange(sites), site_last + 1]  # places left on the last point
    tied = np.nonzero(points == last)[0]
    order = tied[_ranking(si[tied], score[tied], _id_rank(candidate_ids)[ci[tied]])]
    grouped = si[order]
    first = np.concatenate(([0], np.cumsum(np.bincount(grouped, minlength=sites))))[grouped]
    return np.concatenate((sure, order[np.arange(len(order)) - first < room[grouped]]))


def _id_rank(ids: np.ndarray) -> np.ndarray:
    """Each candidate's rank by id (the sides are usually read in id order already)."""
    if np.all(ids[1:] > ids[:-1]):
        return np.arange(len(ids))
    rank = np.empty(len(ids), dtype=np.int64)
    rank[np.argsort(ids, kind="stable")] = np.arange(len(ids))
    return rank


def _ranking(site: np.ndarray, score: np.ndarray, id_rank: np.ndarray) -> np.ndarray:
    """The order by site, best score first, then lowest id: one integer key, one sort."""
    if not len(site):
        return np.empty(0, dtype=np.int64)
    hundredths = np.rint(score * 100).astype(np.int64)
    top, count = int(hundredths.max()) + 1, int(id_rank.max()) + 1
    if (int(site.max()) + 1) * top * count >= 2**62:
        return np.lexsort((id_rank, -hundredths, site))
    return np.argsort((site * top + (top - 1 - hundredths)) * count + id_rank)


def _expand(site_of: np.ndarray, ci, si, km, score) -> Pairs:
    """From sites back to structures: each structure gets its site's pairs."""
    sites = int(site_of.max()) + 1
    structures = np.argsort(site_of, kind="stable")
    size = np.bincount(site_of, minlength=sites)
    start = np.concatenate(([0], np.cumsum(size)[:-1]))
    copies = size[si]
    pair = np.repeat(np.arange(len(si)), copies)
    offset = np.arange(len(pair)) - np.repeat(np.cumsum(copies) - copies, copies)
    return Pairs(ci[pair], structures[start[si[pair]] + offset], km[pair], score[pair])


# The same ranking, compiled (``MATCHING_ENGINE=compiled``: cnfs.matching.kernel) ------


@dataclass
class _Sites:
    first: np.ndarray  # a structure of each site
    site_of: np.ndarray  # each structure's site
    world: np.ndarray  # each structure's closed world (code)
    deadline: np.ndarray  # each structure's deadline


UNSURE_HAIR_M = 1e-8  # a distance this close to a half metre is computed again by numpy
KERNEL_BUFFER = 1 << 16  # entries a site may collect (a few thousand at most, measured)
GUESS_MARGIN = 100  # hundredths below the previous site's floor, besides the distance


def compiled_best_pairs(
    candidates: CandidateSide,
    structures: Side,
    limit: int,
    today64,
    c_world: np.ndarray,
    sites: _Sites,
    taken_c: np.ndarray,
    taken_s: np.ndarray,
) -> Pairs | None:
    """``best_pairs`` by the compiled kernel: the same pairs, distances and scores (tests
    compare both with the reference). None when the kernel does not apply (numba missing;
    a reach between SCORED_KM and "partout"; more candidates than an entry can rank; a
    buffer too small): the numpy engine then computes it."""
    # Imported when this engine is chosen: numba takes 0.2–0.4 s to load, which every
    # process (site, commands, workers) would otherwise pay at start-up for nothing.
    from cnfs.matching import kernel

    bonus_h = np.rint(bonuses(candidates, today64) * 100).astype(np.int64)
    anywhere = candidates.max_km >= ANYWHERE_KM
    if (
        not kernel.AVAILABLE
        or len(candidates) > kernel.RANK_MASK
        or np.any(~anywhere & (candidates.max_km > SCORED_KM))
        or bonus_h.min() < 0
        or bonus_h.max() + CLOSENESS_POINTS * 100 >= kernel.POINTS * 100
    ):
        return None
    first, site_of = sites.first, sites.site_of
    nsites = len(first)
    s_members = np.argsort(site_of, kind="stable")
    members = np.bincount(site_of, minlength=nsites)
    s_start = np.concatenate(([0], np.cumsum(members)))
    sxyz = np.ascontiguousarray(structures.xyz[first])
    slat, slon = _degrees(sxyz)
    sworld = sites.world[first]
    taken_keys = np.unique(np.asarray(taken_c, np.int64) * nsites + site_of[taken_s])
    staken = np.zeros(nsites, bool)
    staken[taken_keys % nsites] = True

    cxyz = np.ascontiguousarray(candidates.xyz)
    clat, clon = _degrees(cxyz)
    crank = _id_rank(candidates.ids)
    rank_to_j = np.empty(len(crank), np.int64)
    rank_to_j[crank] = np.arange(len(crank))
    cdate = candidates.dates.astype(np.int64)
    reach_m = np.where(anywhere, SCORED_M, max_metres(candidates.max_km))
    # Groups: bonus level (best first) × reach; rings: the usual ones and every reach.
    level_h, c_level = np.unique(-bonus_h, return_inverse=True)
    level_h = -level_h
    reaches, c_reach = np.unique(reach_m, return_inverse=True)
    rings = np.union1d(np.array(kernel.RINGS_KM), reaches / 1000)
    reach_ring = np.searchsorted(rings, reaches / 1000)
    group_level = np.repeat(np.arange(len(level_h)), len(reaches))
    group_ring = np.tile(reach_ring, len(level_h))
    c_group = c_level.ravel() * len(reaches) + c_reach.ravel()
    groups = len(group_level)

    # The grid of each closed world: its box in degrees, in 0.2° cells, one per group.
    worlds = int(max(c_world.max(), sworld.max())) + 1
    wlat0, wlon0 = np.zeros(worlds), np.zeros(worlds)
    wrows, wcols = np.ones(worlds, np.int64), np.ones(worlds, np.int64)
    for w in np.union1d(c_world, sworld).tolist():
        lat = np.concatenate((clat[c_world == w], slat[sworld == w]))
        lon = np.concatenate((clon[c_world == w], slon[sworld == w]))
        if lon.max() - lon.min() > 90:
            return None  # across the antimeridian: none of France's closed worlds is
        wlat0[w], wlon0[w] = lat.min() - 0.05, lon.min() - 0.05
        wrows[w] = int((lat.max() - wlat0[w]) / kernel.CELL_DEG) + 2
        wcols[w] = int((lon.max() - wlon0[w]) / kernel.CELL_DEG) + 2
    cells = wrows * wcols * groups
    wbase = np.concatenate(([0], np.cumsum(cells)[:-1]))
    row = ((clat - wlat0[c_world]) / kernel.CELL_DEG).astype(np.int64)
    col = ((clon - wlon0[c_world]) / kernel.CELL_DEG).astype(np.int64)
    cell = wbase[c_world] + c_group * (wrows * wcols)[c_world] + row * wcols[c_world] + col
    cell_start = np.concatenate(([0], np.cumsum(np.bincount(cell, minlength=int(cells.sum())))))
    g = kernel.counting_order(cell, cell_start)
    reach2 = (chord(reach_m / 1000 + 0.002) + 1e-9) ** 2

    far = np.nonzero(anywhere)[0]
    far = far[np.lexsort((crank[far], -bonus_h[far], c_world[far]))]
    far_start = np.searchsorted(c_world[far], np.arange(worlds + 1))

    # Blocks: a group's candidates within one ring, by the best score they can reach.
    inner = np.concatenate(([0.0], rings[:-1]))
    top = np.floor(CLOSENESS_POINTS * 100 * (1 - inner / SCORED_KM) + 0.5)[:, None]
    top = (top + level_h[group_level][None, :]).ravel()
    block_ring, block_group = np.divmod(np.arange(len(top)), groups)
    useful = np.nonzero(block_ring <= group_ring[block_group])[0]
    useful = useful[np.lexsort((useful, -top[useful]))]
    band = np.floor(slat / 0.5).astype(np.int64)
    visit = np.lexsort((np.where(band % 2, -slon, slon), band, sworld))

    size = int((members * limit).sum())
    out = (np.empty(size, np.int64), np.empty(size, np.int64), np.empty(size), np.empty(size))
    over_keys, over_m = np.empty(0, np.int64), np.empty(0, np.int64)
    unsure = np.empty(1024, np.int64)
    arguments = (
        (sxyz, slat, slon, sworld, sites.deadline[first].astype(np.int64), staken, visit),
        (s_start, s_members, np.ascontiguousarray(cxyz[g]), cdate[g], reach2[g], g),
        (cxyz, cdate, bonus_h, crank, reach_m, rank_to_j),
        (level_h, group_level, group_ring, np.argsort(-level_h[group_level], kind="stable")),
        (rings, (chord(rings + 0.001) + 1e-9) ** 2),
        (block_ring[useful], block_group[useful], top[useful].astype(np.int64)),
        (wlat0, wlon0, wrows, wcols, wbase, cell_start, far_start, far, taken_keys),
    )
    flat = [value for part in arguments for value in part]
    while True:
        code, total = kernel.rank(
            *flat,
            over_keys,
            over_m,
            limit,
            UNSURE_HAIR_M,
            GUESS_MARGIN,
            KERNEL_BUFFER,
            unsure,
            *out,
        )
        if code < 0:
            return None
        if code == 0:
            return Pairs(*(column[:total] for column in out))
        # Distances within a hair of a half metre: computed as numpy computes them, then
        # the ranking again with them.
        if code > len(unsure):
            unsure = np.empty(code, np.int64)
            continue
        found = np.setdiff1d(unsure[:code], over_keys)
        metres_found = metres(_km_between(cxyz, found // nsites, sxyz, found % nsites))
        over_keys = np.concatenate((over_keys, found))
        over_m = np.concatenate((over_m, metres_found))[np.argsort(over_keys, kind="stable")]
        over_keys = np.sort(over_keys)


def _degrees(xyz: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Latitudes and longitudes of unit vectors, in degrees."""
    return (
        np.degrees(np.arcsin(np.clip(xyz[:, 2], -1, 1))),
        np.degrees(np.arctan2(xyz[:, 1], xyz[:, 0])),
    )


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


def _is_taken(status, origin, declined_zone, zone) -> bool:
    """Whether a stored pair is left out of the ranking: the structure acted on it
    (shortlisted, recruiting, withdrawn, ended, declined — unless the candidate's zone or
    availability changed since), or it is not the engine's (named, found by search)."""
    if status == ProposalStatus.PROPOSED:
        return origin != Origin.ENGINE
    if status == ProposalStatus.DECLINED:
        return declined_zone in (None, zone)
    return status != ProposalStatus.RECRUITED  # recruited people are never matchable


def acted_on(candidates: CandidateSide, structures: Side) -> tuple[np.ndarray, np.ndarray]:
    """(candidate indexes, structure indexes) of the pairs left out of the ranking
    (``_is_taken``), so each list is filled with ``limit`` profiles to consider."""
    rows = list(
        Proposal.objects.filter(structure_id__in=structures.ids.tolist())
        .filter(~Q(status=ProposalStatus.PROPOSED) | ~Q(origin=Origin.ENGINE))
        .exclude(status=ProposalStatus.RECRUITED)
        .values_list(
            "candidate_id",
            "structure_id",
            "status",
            "origin",
            "declined_zone_version",
            "candidate__zone_version",
        )
        .order_by()
    )
    candidate_at = {pk: i for i, pk in enumerate(candidates.ids.tolist())} if rows else {}
    structure_at = {pk: i for i, pk in enumerate(structures.ids.tolist())}
    pairs = [
        (candidate_at[candidate], structure_at[structure])
        for candidate, structure, status, origin, declined_zone, zone in rows
        if candidate in candidate_at and _is_taken(status, origin, declined_zone, zone)
    ]
    if not pairs:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    ci, si = zip(*pairs, strict=True)
    return np.array(ci, dtype=np.int64), np.array(si, dtype=np.int64)


@transaction.atomic
def sync(
    candidates: CandidateSide,
    structures: Side,
    *,
    scope: dict,
    pairs: Pairs | None = None,
    counted: bool = True,
) -> SyncReport:
    """Make the stored proposals of ``scope`` (``{"candidate_id": …}`` or
    ``{"structure_id__in": …}``) be ``pairs``: the pairs wanted in the lists (by default,
    each structure's best pairs, computed here).

    Untouched proposals that are not wanted are removed; declined ones come back only when
    the candidate's zone or availability changed since; those a structure acted on stay.
    The lists' stored lengths follow (``counted=False``: the caller counts them again).
    """
    today64 = np.datetime64(timezone.localdate(), "D")
    if pairs is None:
        pairs = best_pairs(
            candidates,
            structures,
            settings.MATCHING_PROPOSALS_PER_STRUCTURE,
            taken=acted_on(candidates, structures),
        )
    wanted = {}
    for k in range(len(pairs.km)):
        ci, si, km = pairs.candidate[k], pairs.structure[k], float(pairs.km[k])
        wanted[(int(candidates.ids[ci]), int(structures.ids[si]))] = (
            km,
            float(pairs.score[k]),
            ci,
            int(candidates.zone_version[ci]),
        )
    existing = {
        (p.candidate_id, p.structure_id): p
        for p in Proposal.objects.filter(**scope)
        .order_by()
        .only(
            "pk",
            "candidate_id",
            "structure_id",
            "status",
            "origin",
            "declined_zone_version",
            "score",
            "distance_km",
        )
    }
    to_create, to_update, reproposed = [], [], []
    for key, (km, score, ci, zone_version) in wanted.items():
        proposal = existing.get(key)
        if proposal is None:
            to_create.append(
                Proposal(
                    candidate_id=key[0],
                    structure_id=key[1],
                    distance_km=km,
                    score=score,
                    reasons=reasons_for(candidates, ci, km, today64),
                )
            )
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
        p.pk
        for key, p in existing.items()
        if key not in wanted and p.status == ProposalStatus.PROPOSED and p.origin == Origin.ENGINE
    ]
    stale_pks = set(stale)
    moves = Counter(p.structure_id for p in to_create)
    moves.update(p.structure_id for p in reproposed if p.origin == Origin.ENGINE)
    moves.subtract(key[1] for key, p in existing.items() if p.pk in stale_pks)
    Proposal.objects.bulk_create(to_create, batch_size=2000)
    Proposal.objects.bulk_update(to_update, ["score", "distance_km", "reasons"], batch_size=2000)
    Proposal.objects.bulk_update(
        reproposed,
        ["status", "score", "distance_km", "reasons", "declined_zone_version"],
        batch_size=2000,
    )
    _log_engine_transitions(reproposed, "repropose", "declined", "proposed")
    for start in range(0, len(stale), 2000):
        Proposal.objects.filter(pk__in=stale[start : start + 2000]).delete()
    if counted:
        count_moves(moves)
    return SyncReport(len(to_create), len(to_update), len(reproposed), len(stale))


def count_moves(moves: dict):
    """Profiles that entered (positive) or left (negative) each structure's list, once
    written: its stored length follows. A list with no stored length yet is counted from
    scratch (it was written around the engine, e.g. by hand); a length never goes below
    zero (a drift is healed by the next count)."""
    moves = {pk: change for pk, change in moves.items() if change}
    if not moves:
        return
    known = set(
        ListLength.objects.filter(structure_id__in=list(moves)).values_list(
            "structure_id", flat=True
        )
    )
    if len(known) < len(moves):
        recount([pk for pk in moves if pk not in known])
    by_change = defaultdict(list)
    for structure_pk, change in moves.items():
        if structure_pk in known:
            by_change[change].append(structure_pk)
    for change, pks in by_change.items():
        ListLength.objects.filter(structure_id__in=pks).update(
            length=Greatest(F("length") + change, 0)
        )


@transaction.atomic
def recount(structure_pks=None):
    """The lists' stored lengths counted again from scratch (all of them by default): any
    drift (a list written around the engine) lasts until the next full recomputation."""
    lists = Proposal.objects.filter(status=ProposalStatus.PROPOSED, origin=Origin.ENGINE)
    lengths = ListLength.objects.all()
    if structure_pks is not None:
        structure_pks = list(structure_pks)
        lists = lists.filter(structure_id__in=structure_pks)
        lengths = lengths.filter(structure_id__in=structure_pks)
    counts = dict(lists.order_by().values_list("structure_id").annotate(n=Count("*")))
    lengths.exclude(structure_id__in=list(counts)).exclude(length=0).update(length=0)
    ListLength.objects.bulk_create(
        [ListLength(structure_id=pk, length=n) for pk, n in counts.items()],
        update_conflicts=True,
        unique_fields=["structure"],
        update_fields=["length"],
        batch_size=2000,
    )


def _log_engine_transitions(proposals, name, from_state, to_state):
    if not proposals:
        return
    content_type = ContentType.objects.get_for_model(Proposal)
    TransitionLog.objects.bulk_create(
        TransitionLog(
            content_type=content_type,
            object_id=str(p.pk),
            transition=name,
            from_state=from_state,
            to_state=to_state,
            reason="Zone ou disponibilité du candidat modifiée",
        )
        for p in proposals
    )


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


def _last_of_lists(structure_pks: list[int], candidate_pk: int) -> dict:
    """For each list the candidate ``candidate_pk`` is not in: (its length, and its last
    proposal as (pk, score, candidate id)). One query: each list's stored length
    (``ListLength``) and its last read through the lists' own index (``engine_list_rank``),
    no list counted or sorted."""
    if not structure_pks:
        return {}
    if connection.vendor == "postgresql":
        return _last_of_lists_joined(structure_pks, candidate_pk)
    lists = Proposal.objects.filter(
        structure_id=OuterRef("pk"), status=ProposalStatus.PROPOSED, origin=Origin.ENGINE
    ).exclude(candidate_id=candidate_pk)
    length = ListLength.objects.filter(structure_id=OuterRef("pk")).values("length")
    last = lists.order_by("score", "-candidate_id")
    rows = (
        Structure.objects.filter(pk__in=structure_pks)
        .order_by()
        .annotate(
            length=Subquery(length),
            last_pk=Subquery(last.values("pk")[:1]),
            last_score=Subquery(last.values("score")[:1]),
            last_candidate=Subquery(last.values("candidate_id")[:1]),
        )
        .values_list("pk", "length", "last_pk", "last_score", "last_candidate")
    )
    return {
        sid: (length, (pk, score, cid))
        for sid, length, pk, score, cid in rows
        if length and pk is not None
    }


def _last_of_lists_joined(structure_pks: list[int], candidate_pk: int) -> dict:
    """``_last_of_lists`` on PostgreSQL: the structures as one array parameter and each
    list's last in one lateral read of the index, 4 times faster than three subqueries and
    a parameter per structure (a "partout" candidate's update compares hundreds of lists)."""
    lengths, proposals = ListLength._meta.db_table, Proposal._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT l.structure_id, l.length, p.id, p.score, p.candidate_id
            FROM {lengths} l
            CROSS JOIN LATERAL (
                SELECT u.id, u.score, u.candidate_id FROM {proposals} u
                WHERE u.structure_id = l.structure_id AND u.status = %s AND u.origin = %s
                AND u.candidate_id <> %s
                ORDER BY u.score, u.candidate_id DESC LIMIT 1
            ) p
            WHERE l.structure_id = ANY(%s) AND l.length > 0
            """,  # noqa: S608 (table names from the models, values as parameters)
            [ProposalStatus.PROPOSED, Origin.ENGINE, candidate_pk, list(structure_pks)],
        )
        rows = cursor.fetchall()
    return {sid: (length, (pk, score, cid)) for sid, length, pk, score, cid in rows}


@transaction.atomic
def refresh_candidate(candidate_pk: int) -> SyncReport:
    """One candidate changed (or left): the lists follow, exactly as a full recomputation.

    - a list the candidate enters: at once if it has room, otherwise if the candidate ranks
      above its last (better score, or equal score and lower number), who then leaves it;
    - a list the candidate stays in with an equal or better score: updated;
    - a list the candidate leaves, or stays in with a lower score: the structure's list is
      computed again, so the next-best profile takes the place.
    """
    limit = settings.MATCHING_PROPOSALS_PER_STRUCTURE
    # One update of a candidate at a time.
    list(Candidate.objects.select_for_update().filter(pk=candidate_pk).values_list("pk"))
    candidates = candidate_side(Candidate.objects.matchable().filter(pk=candidate_pk))
    structures = structure_side(_reachable_structures(candidates))
    pairs = allowed_pairs(candidates, structures)
    stored = {
        sid: (status, origin, declined, score)
        for sid, status, origin, declined, score in Proposal.objects.filter(
            candidate_id=candidate_pk
        )
        .order_by()
        .values_list("structure_id", "status", "origin", "declined_zone_version", "score")
    }
    zone = int(candidates.zone_version[0]) if len(candidates) else 0
    sids = structures.ids[pairs.structure].tolist()
    scores_ = pairs.score.tolist()
    keep, entering = [], []
    for k, (sid, score) in enumerate(zip(sids, scores_, strict=True)):
        status, origin, declined, old_score = stored.get(sid, (None, None, None, None))
        if status is not None and _is_taken(status, origin, declined, zone):
            continue
        if status == ProposalStatus.PROPOSED:
            if score >= old_score:  # still ranks where it did, or better
                keep.append(k)
        else:
            entering.append(k)
    last = _last_of_lists([sids[k] for k in entering], candidate_pk)
    pushed_out = {}  # last proposal of a full list → its structure
    for k in entering:
        length, (pk, score, cid) = last.get(sids[k], (0, (None, None, None)))
        if length < limit:
            keep.append(k)
        elif (scores_[k], -candidate_pk) > (score, -cid):
            keep.append(k)
            if length == limit:
                pushed_out[pk] = sids[k]
    refill = [
        sid
        for sid, (status, origin, _, _) in stored.items()
        if status == ProposalStatus.PROPOSED and origin == Origin.ENGINE
    ]
    kept_sids = {sids[k] for k in keep}
    refill = [sid for sid in refill if sid not in kept_sids]
    report = sync(
        candidates,
        structures,
        scope={"candidate_id": candidate_pk},
        pairs=pairs.take(np.array(sorted(keep), dtype=np.int64)),
    )
    if pushed_out:
        report.removed += Proposal.objects.filter(pk__in=list(pushed_out)).delete()[0]
        count_moves(dict.fromkeys(pushed_out.values(), -1))
    if refill:
        report.add(refresh_structures(refill))
    return report


def _reachable_structures(candidates: CandidateSide):
    """The open structures a candidate may reach: a box around them, or their whole closed
    world for "partout" (cut exactly by the engine)."""
    if not len(candidates):
        return open_structures().none()
    (x, y, z), km = candidates.xyz[0].tolist(), float(candidates.max_km[0])
    if km >= ANYWHERE_KM:
        return open_structures()
    latitude, longitude = np.degrees(np.arcsin(z)), np.degrees(np.arctan2(y, x))
    margin = np.degrees((km + 1) / EARTH_RADIUS_KM)
    wide = margin / max(np.cos(np.radians(min(abs(latitude) + margin, 89.0))), 0.01)
    return open_structures().filter(
        Q(commune__latitude__range=(latitude - margin, latitude + margin)),
        Q(commune__longitude__range=(longitude - wide, longitude + wide)),
    )


def within_reach_of(structures: Side) -> CandidateSide:
    """The matchable candidates who may reach one of ``structures``: those living within
    SCORED_KM of it (a box around it, read through the communes' position index, cut
    exactly by the engine), and those who go farther ("partout"). One scan of the
    candidates: on PostgreSQL both halves scan them anyway; the communes in the boxes are
    a subquery (their position index), the found candidates' communes read by code."""
    matchable = Candidate.objects.matchable()
    farther = Q(max_distance_km__gt=SCORED_KM)
    if not len(structures):
        return candidate_side(matchable.filter(farther))
    boxes = Q()
    margin = np.degrees((SCORED_KM + 1) / EARTH_RADIUS_KM)  # degrees of latitude
    for x, y, z in structures.xyz.tolist():
        latitude, longitude = np.degrees(np.arcsin(z)), np.degrees(np.arctan2(y, x))
        wide = margin / max(np.cos(np.radians(min(abs(latitude) + margin, 89.0))), 0.01)
        boxes |= Q(
            latitude__range=(latitude - margin, latitude + margin),
            longitude__range=(longitude - wide, longitude + wide),
        )
    near = Commune.objects.filter(boxes).values("insee")
    return candidate_side(matchable.filter(farther | Q(commune_id__in=near)))


FEW_STRUCTURES = 20  # beyond this, a refresh reads every candidate rather than boxes


@transaction.atomic
def refresh_structures(structure_pks) -> SyncReport:
    """The lists of these structures computed again (a place freed, posts changed): exactly
    what the full recomputation gives them. Structures with no open post lose their list."""
    structure_pks = sorted(set(structure_pks))
    structures = structure_side(open_structures().filter(pk__in=structure_pks))
    if not len(structures):
        candidates = candidate_side(Candidate.objects.none())
    elif len(structures) <= FEW_STRUCTURES:
        candidates = within_reach_of(structures)
    else:
        candidates = candidate_side()
    report = sync(candidates, structures, scope={"structure_id__in": structure_pks}, counted=False)
    recount(structure_pks)
    return report


def refresh_structure(structure_pk: int) -> SyncReport:
    report = refresh_structures([structure_pk])
    structure = Structure.objects.get(pk=structure_pk)
    if structure.identified_candidate and open_structures().filter(pk=structure_pk).exists():
        named = named_candidates(structure)
        for candidate_pk in named:
            Proposal.objects.update_or_create(
                candidate_id=candidate_pk,
                structure=structure,
                defaults={"origin": Origin.NAMED},
                create_defaults={
                    "origin": Origin.NAMED,
                    "distance_km": 0,
                    "score": 1000,
                    "reasons": ["Candidat nommé par la structure lors de sa candidature"],
                },
            )
        if named:  # a profile of the list may have become a named one
            recount([structure_pk])
    return report


def recompute_all(*, chunk: int = 300) -> SyncReport:
    """Full recomputation (recovery, and the periodic trim of each structure's list): every
    matchable candidate against every open post in one ranking, then stored by chunks of
    structures (one transaction each, to keep them short)."""
    candidates, structures = candidate_side(), structure_side()
    pairs = best_pairs(
        candidates,
        structures,
        settings.MATCHING_PROPOSALS_PER_STRUCTURE,
        taken=acted_on(candidates, structures),
    )
    order = np.argsort(pairs.structure, kind="stable")
    by_structure = pairs.structure[order]
    report = SyncReport()
    for start in range(0, len(structures), chunk):
        part = order[slice(*np.searchsorted(by_structure, [start, start + chunk]))]
        report.add(
            sync(
                candidates,
                structures,
                scope={"structure_id__in": structures.ids[start : start + chunk].tolist()},
                pairs=pairs.take(part),
                counted=False,
            )
        )
    # Structures with no open post left keep only the proposals they acted on.
    removed, _ = (
        Proposal.objects.filter(status=ProposalStatus.PROPOSED, origin=Origin.ENGINE)
        .exclude(structure_id__in=open_structures().values("pk"))
        .delete()
    )
    report.removed += removed
    recount()
    return report
