import time
import tracemalloc

import numpy as np
from django.conf import settings
from django.db.models import Count
from django.test import override_settings
from django.urls import reverse

from cnfs.accounts.enums import Role
from cnfs.accounts.models import RoleAssignment, User
from cnfs.bench.registry import (
    Figure,
    benchmark,
    best_of,
    ensure_national_recruitments,
    ensure_national_scale,
    time_page,
)
from cnfs.candidates.models import Candidate
from cnfs.matching import engine, kernel, shortage
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


def peak_mib(function, *args) -> float:
    tracemalloc.start()
    function(*args)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 1024 / 1024


@benchmark
def matching_at_national_scale():
    """Our full recomputation (each structure's best proposals) against the first
    platform's method, at DOMAIN §1's benchmark scale (the programme as in September 2022)
    and in the worst case, where every validated structure recruits at once."""
    ensure_national_scale()
    ensure_national_recruitments()
    today64 = np.datetime64(engine.timezone.localdate(), "D")
    limit = settings.MATCHING_PROPOSALS_PER_STRUCTURE
    candidates, recruiting = engine.candidate_side(), engine.structure_side()
    validated = engine.structure_side(Structure.objects.filter(status=StructureStatus.VALIDATED))
    baseline = best_of(lambda: first_platform_method(candidates, validated, today64), repeat=3)
    steady = best_of(lambda: engine.best_pairs(candidates, recruiting, limit), repeat=3)
    worst = best_of(lambda: engine.best_pairs(candidates, validated, limit), repeat=3)
    worst_pairs = len(engine.best_pairs(candidates, validated, limit).km)
    worst_mib = peak_mib(engine.best_pairs, candidates, validated, limit)
    baseline_mib = peak_mib(first_platform_method, candidates, validated, today64)

    engine.recompute_all()  # settle
    full = best_of(engine.recompute_all, repeat=2)
    candidate = Candidate.objects.matchable().order_by("pk").first()
    incremental = best_of(lambda: engine.refresh_candidate(candidate.pk), repeat=3)
    # The costliest candidate: one who accepts any distance is in every list of their world.
    anywhere = (
        Candidate.objects.matchable()
        .filter(max_distance_km__gte=engine.ANYWHERE_KM)
        .order_by("pk")
        .first()
    )
    anywhere_update = best_of(lambda: engine.refresh_candidate(anywhere.pk), repeat=3)
    structure_pk = int(recruiting.ids[0])
    refill = best_of(lambda: engine.refresh_structure(structure_pk), repeat=3)

    started = time.perf_counter()
    shortage.compute_national_shortage()
    national = time.perf_counter() - started
    compiled = compiled_figures(
        candidates, recruiting, validated, limit, (baseline, baseline_mib, refill)
    )
    reference = (
        f"référence : méthode de la première plateforme ({len(validated)} structures validées : "
        "les 1 000 candidats les plus proches à moins de 500 km par force brute, mêmes règles)"
    )
    return [
        Figure(
            "mise en relation : calcul complet (programme en régime)",
            steady,
            "s",
            baseline,
            f"{len(candidates)} candidats disponibles, {len(recruiting)} structures qui "
            f"recrutent (après {Structure.objects.filter(occupied_posts__gt=0).count()} "
            f"structures pourvues, comme en septembre 2022) ; les {limit} meilleures mises "
            f"en relation de chacune ; {reference}",
        ),
        Figure(
            "mise en relation : calcul complet (toutes les structures validées recrutent)",
            worst,
            "s",
            baseline,
            f"pire cas : {len(validated)} structures, {worst_pairs} mises en relation "
            f"gardées ; {reference}",
        ),
        Figure(
            "mise en relation : mémoire de pointe du calcul (pire cas)",
            worst_mib,
            "Mio",
            baseline_mib,
            "tracemalloc ; référence : la méthode de la première plateforme",
        ),
        Figure(
            "mise en relation : recalcul complet en base (sans changement)",
            full,
            "s",
            steady,
            "calcul, lecture et comparaison des mises en relation enregistrées ; "
            "référence : le calcul seul",
        ),
        Figure(
            "mise en relation : mise à jour incrémentale d’un candidat",
            incremental * 1000,
            "ms",
            full * 1000,
            "référence : le recalcul complet en base",
        ),
        Figure(
            "mise en relation : mise à jour d’un candidat « partout »",
            anywhere_update * 1000,
            "ms",
            full * 1000,
            "le candidat est comparé à la dernière place de chaque liste "
            "de son territoire ; référence : le recalcul complet en base",
        ),
        Figure(
            "mise en relation : mise à jour d’une structure (après un refus)",
            refill * 1000,
            "ms",
            full * 1000,
            "liste de la structure recalculée et complétée ; "
            "référence : le recalcul complet en base",
        ),
        Figure(
            "postes sans candidats : couplage biparti maximal national",
            national,
            "s",
            steady,
            "calcul de fond (tâche ou commande périodique) ; référence : le calcul complet "
            "des mises en relation (programme en régime)",
        ),
        *compiled,
    ]


def _same(a, b) -> bool:
    order_a = np.lexsort((a.candidate, a.structure))
    order_b = np.lexsort((b.candidate, b.structure))
    return all(
        np.array_equal(getattr(a, name)[order_a], getattr(b, name)[order_b])
        for name in ("candidate", "structure", "km", "score")
    )


def compiled_figures(candidates, recruiting, validated, limit, baselines) -> list:
    """The same computations by the compiled engine (MATCHING_ENGINE=compiled), checked
    equal to the numpy engine's on these data, against the same baselines."""
    if not kernel.AVAILABLE:
        return []
    baseline, baseline_mib, refill = baselines
    numpy_worst = engine.best_pairs(candidates, validated, limit)
    with override_settings(MATCHING_ENGINE="compiled"):
        started = time.perf_counter()
        worst_pairs = engine.best_pairs(candidates, validated, limit)
        first_call = time.perf_counter() - started
        if not _same(worst_pairs, numpy_worst):
            raise AssertionError("the compiled engine differs from the numpy engine")
        steady = best_of(lambda: engine.best_pairs(candidates, recruiting, limit), repeat=3)
        worst = best_of(lambda: engine.best_pairs(candidates, validated, limit), repeat=5)
        worst_mib = peak_mib(engine.best_pairs, candidates, validated, limit)
        structure_pk = int(recruiting.ids[0])
        structure = best_of(lambda: engine.refresh_structure(structure_pk), repeat=3)
    same = f"mêmes {len(worst_pairs.km)} mises en relation que le moteur numpy (vérifié)"
    return [
        Figure(
            "mise en relation compilée : calcul complet (programme en régime)",
            steady,
            "s",
            baseline,
            "MATCHING_ENGINE=compiled (numba) ; référence : méthode de la première plateforme",
        ),
        Figure(
            "mise en relation compilée : calcul complet (toutes les structures validées recrutent)",
            worst,
            "s",
            baseline,
            f"pire cas, {same} ; référence : méthode de la première plateforme "
            f"({len(validated)} structures validées)",
        ),
        Figure(
            "mise en relation compilée : premier appel du processus (pire cas)",
            first_call,
            "s",
            worst,
            "compilation, ou lecture du cache de numba sur disque ; référence : les appels "
            "suivants",
        ),
        Figure(
            "mise en relation compilée : mémoire de pointe (pire cas)",
            worst_mib,
            "Mio",
            baseline_mib,
            "tracemalloc ; référence : la méthode de la première plateforme",
        ),
        Figure(
            "mise en relation compilée : mise à jour d’une structure (après un refus)",
            structure * 1000,
            "ms",
            refill * 1000,
            "référence : la même mise à jour par le moteur numpy",
        ),
    ]


def naive_search(structure, km: float) -> int:
    """The search page's former method: every matchable candidate's position read, then the
    distances computed and sorted."""
    points = list(
        Candidate.objects.matchable().values_list(
            "pk", "commune__latitude", "commune__longitude", "available_from"
        )
    )
    _, latitudes, longitudes, _ = zip(*points, strict=True)
    xyz = engine.unit_vectors(np.array(latitudes, float), np.array(longitudes, float))
    origin = engine.unit_vectors([structure.commune.latitude], [structure.commune.longitude])
    distances = engine.great_circle_km(xyz, np.repeat(origin, len(xyz), axis=0))
    near = np.flatnonzero(distances <= km)
    return len(near[np.argsort(distances[near], kind="stable")])


@benchmark
def pages_read_stored_or_nearby_results():
    """The shortage page reads the stored figures; the search page reads the candidates in
    a box around the structure. Each against the method it replaces, on the same data."""

    story = ensure_national_scale()
    ensure_national_recruitments()
    shortage.refresh(force=True)
    page, queries = time_page(reverse("contracts:shortage"), user=story["national"])
    inline = best_of(shortage.compute_national_shortage, repeat=3)
    # The busiest place: the validated structure with the most candidates in its département.
    busiest = (
        Candidate.objects.matchable()
        .values("commune__departement_id")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()["commune__departement_id"]
    )
    structure = (
        Structure.objects.filter(status=StructureStatus.VALIDATED, departement_id=busiest)
        .select_related("commune")
        .order_by("pk")
        .first()
    )
    manager, _ = User.objects.get_or_create(
        email="bench-recherche@exemple.fr", defaults={"first_name": "Banc", "last_name": "Essai"}
    )
    RoleAssignment.objects.get_or_create(user=manager, role=Role.STRUCTURE, structure=structure)
    url = f"{reverse('matching:search')}?structure={structure.pk}"
    search, search_queries = time_page(url, user=manager)
    naive = best_of(lambda: naive_search(structure, 40), repeat=3)
    return [
        Figure(
            "postes sans candidats : page (résultat enregistré)",
            page,
            "ms",
            inline * 1000,
            f"{queries} requêtes SQL ; référence : le calcul national que la page faisait à "
            "chaque requête (ratio < 1 : la page est plus rapide)",
        ),
        Figure(
            "recherche de candidats : page (40 km, département le plus peuplé)",
            search,
            "ms",
            naive * 1000,
            f"{search_queries} requêtes SQL ; {Candidate.objects.matchable().count()} candidats "
            "disponibles ; référence : la seule lecture de toutes les positions et le tri des "
            "distances, sans la page (ratio < 1 : la page entière est plus rapide)",
        ),
    ]
