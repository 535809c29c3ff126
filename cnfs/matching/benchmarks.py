import time

import numpy as np

from cnfs.bench.registry import Figure, benchmark, ensure_national_scale
from cnfs.candidates.models import Candidate
from cnfs.matching import engine


@benchmark
def matching_at_national_scale():
    ensure_national_scale()
    candidates, structures = engine.candidate_side(), engine.structure_side()
    started = time.perf_counter()
    pairs = engine.allowed_pairs(candidates, structures)
    indexed = time.perf_counter() - started

    # Baseline: what scanning every candidate for every structure costs, measured on a
    # sample of structures and scaled to all of them.
    sample = min(len(structures), 100)
    started = time.perf_counter()
    for s in range(sample):
        km = engine.great_circle_km(
            candidates.xyz, np.repeat(structures.xyz[s : s + 1], len(candidates), 0)
        )
        np.nonzero(km <= candidates.max_km)
    scan = (time.perf_counter() - started) * len(structures) / max(sample, 1)

    engine.recompute_all()  # settle
    started = time.perf_counter()
    engine.recompute_all()
    full = time.perf_counter() - started
    candidate = Candidate.objects.matchable().order_by("pk").first()
    started = time.perf_counter()
    engine.refresh_candidate(candidate.pk)
    incremental = time.perf_counter() - started

    from cnfs.matching.shortage import national_shortage

    started = time.perf_counter()
    national_shortage()
    shortage = time.perf_counter() - started
    scale = (
        f"{len(candidates)} candidats disponibles × {len(structures)} structures à postes ouverts"
    )
    return [
        Figure(
            "mise en relation : paires permises (arbre k-d)", indexed, "s", scan,
            f"{scale}, {len(pairs.km)} paires ; référence : balayage de tous les candidats "
            "pour chaque structure (extrapolé d’un échantillon de 100 structures)",
        ),
        Figure(
            "mise en relation : recalcul complet (sans changement)", full, "s", indexed,
            "référence : le seul calcul des paires permises",
        ),
        Figure(
            "mise en relation : mise à jour incrémentale d’un candidat", incremental * 1000, "ms",
            full * 1000, "référence : le recalcul complet",
        ),
        Figure(
            "postes sans candidats : couplage biparti maximal national", shortage, "s", indexed,
            "référence : le seul calcul des paires permises",
        ),
    ]  # fmt: skip
