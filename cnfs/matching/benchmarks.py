import time
import tracemalloc

import numpy as np

from cnfs.bench.registry import Figure, benchmark, ensure_national_scale
from cnfs.candidates.models import Candidate
from cnfs.matching import engine
from cnfs.structures.enums import StructureStatus
from cnfs.structures.models import Structure


def first_platform_method(candidates, structures, today64):
    """The first platform's nightly method, reproduced: for every validated structure, the
    1,000 nearest available candidates within 500 km by brute force, then the same rules."""
    kept = 0
    for s in range(len(structures)):
        km = engine.great_circle_km(
            candidates.xyz, np.broadcast_to(structures.xyz[s], candidates.xyz.shape)
        )
        within = np.nonzero(km <= 500)[0]
        if len(within) > 1000:
            within = within[np.argpartition(km[within], 999)[:1000]]
        start = structures.dates[s]
        deadline = today64 if start <= today64 else start
        keep = (
            (km[within] <= candidates.max_km[within])
            & (candidates.territory[within] == structures.territory[s])
            & (candidates.dates[within] <= deadline)
        )
        kept += int(keep.sum())
    return kept


def ours(candidates, structures):
    """What our full recomputation computes: every allowed pair, each structure's best."""
    from django.conf import settings

    return len(
        engine.best_pairs(candidates, structures, settings.MATCHING_PROPOSALS_PER_STRUCTURE).km
    )


def timed(function, *args):
    started = time.perf_counter()
    function(*args)
    return time.perf_counter() - started


def peak_mib(function, *args) -> float:
    tracemalloc.start()
    function(*args)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 1024 / 1024


@benchmark
def matching_at_national_scale():
    ensure_national_scale()
    today64 = np.datetime64(engine.timezone.localdate(), "D")
    candidates, structures = engine.candidate_side(), engine.structure_side()
    validated = engine.structure_side(Structure.objects.filter(status=StructureStatus.VALIDATED))
    ours_s = timed(ours, candidates, structures)
    baseline_s = timed(first_platform_method, candidates, validated, today64)
    ours_mib = peak_mib(ours, candidates, structures)
    baseline_mib = peak_mib(first_platform_method, candidates, validated, today64)

    engine.recompute_all()  # settle
    full = timed(engine.recompute_all)
    candidate = Candidate.objects.matchable().order_by("pk").first()
    incremental = timed(engine.refresh_candidate, candidate.pk)

    from cnfs.matching.shortage import national_shortage

    shortage = timed(national_shortage)
    scale = (
        f"{len(candidates)} candidats disponibles ; {len(structures)} structures à postes "
        f"ouverts ({len(validated)} validées)"
    )
    return [
        Figure(
            "mise en relation : calcul complet (meilleurs candidats par structure)", ours_s, "s",
            baseline_s,
            f"{scale} ; référence : méthode de la première plateforme (1 000 plus proches "
            "à moins de 500 km par force brute pour chaque structure validée, mêmes règles)",
        ),
        Figure(
            "mise en relation : mémoire de pointe du calcul", ours_mib, "Mio", baseline_mib,
            "tracemalloc ; référence : la méthode de la première plateforme",
        ),
        Figure(
            "mise en relation : recalcul complet en base (sans changement)", full, "s", ours_s,
            "lecture et comparaison des mises en relation enregistrées ; "
            "référence : le calcul seul",
        ),
        Figure(
            "mise en relation : mise à jour incrémentale d’un candidat", incremental * 1000, "ms",
            full * 1000, "référence : le recalcul complet en base",
        ),
        Figure(
            "postes sans candidats : couplage biparti maximal national", shortage, "s", ours_s,
            "référence : le calcul complet des mises en relation",
        ),
    ]  # fmt: skip
