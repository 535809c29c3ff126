"""Where posts lack candidates: per département, the open posts, the candidates within reach
and how many posts could be filled at once.

"Could be filled at once" is the size of a maximum bipartite matching between posts (each
validated structure contributes one row per open post) and candidates, over the pairs the
matching rules allow (``engine.allowed_pairs``). The matching is computed once, nationally:
a candidate within reach of two départements is counted within reach of both, but fills
at most one post. A département's "could be filled" is therefore the number of posts of
that département the national matching fills; the départements' figures add up to the
national one.

The computation is national (a second or so at national scale): pages never run it. It is
kept in a ``BackgroundResult`` row, marked out of date by the changes it depends on
(``mark_stale``) and computed again by a worker task (database task backend) or by the
periodic command ``refresh_shortage``; the pages read it and say when it was computed.
"""

from dataclasses import asdict, dataclass
from datetime import datetime

import numpy as np
from django.db import transaction
from django.utils import timezone
from scipy.sparse import csr_array
from scipy.sparse.csgraph import maximum_bipartite_matching

from cnfs.matching import engine
from cnfs.matching.models import BackgroundResult


@dataclass(frozen=True)
class Shortage:
    """One département's figures."""

    departement: str
    open_posts: int
    within_reach: int
    fillable: int

    @property
    def gap(self) -> int:
        """Posts that stay empty even if every candidate within reach were recruited."""
        return self.open_posts - self.fillable


def posts_graph(open_posts, pair_structure, pair_candidate, n_candidates: int):
    """The biadjacency matrix (rows: posts, columns: candidates) and each post's structure.

    Structure ``s`` has ``open_posts[s]`` rows, each a copy of its row in the
    structure × candidate matrix of the pairs.
    """
    open_posts = np.asarray(open_posts, dtype=np.int64).clip(min=0)
    pairs = csr_array(
        (np.ones(len(pair_structure), dtype=np.int8), (pair_structure, pair_candidate)),
        shape=(len(open_posts), n_candidates),
    )
    post_structure = np.repeat(np.arange(len(open_posts)), open_posts)
    return pairs[post_structure], post_structure


@dataclass(frozen=True)
class ShortageReport:
    rows: list[Shortage]  # per département with open posts, the largest gap first
    open_posts: int
    within_reach: int  # distinct candidates within reach of at least one open post
    fillable: int  # size of the national matching
    computed_at: datetime | None = None  # stored results: when
    pending: bool = False  # stored results: changes since, a new computation is due

    @property
    def gap(self) -> int:
        return self.open_posts - self.fillable


def shortage_by_departement(
    *, structure_departements, open_posts, pair_structure, pair_candidate, n_candidates: int
) -> ShortageReport:
    """The figures per département of a structure with open posts, and nationally.

    ``structure_departements[s]`` and ``open_posts[s]`` describe structure ``s`` (granted
    − occupied); ``pair_structure`` and ``pair_candidate`` are the allowed pairs as indexes
    (``engine.Pairs.structure`` and ``engine.Pairs.candidate``).
    """
    structure_departements = np.asarray(structure_departements, dtype=str)
    open_posts = np.asarray(open_posts, dtype=np.int64).clip(min=0)
    if not len(structure_departements):
        return ShortageReport([], 0, 0, 0)
    codes, structure_code = np.unique(structure_departements, return_inverse=True)
    pair_structure = np.asarray(pair_structure, dtype=np.int64)
    pair_candidate = np.asarray(pair_candidate, dtype=np.int64)

    open_by_code = np.bincount(structure_code, weights=open_posts, minlength=len(codes))
    # A candidate counts once per département within reach (a hundred rows of booleans).
    reached = np.zeros((len(codes), n_candidates), dtype=bool)
    reached[structure_code[pair_structure], pair_candidate] = True
    reach_by_code = reached.sum(axis=1)

    graph, post_structure = posts_graph(open_posts, pair_structure, pair_candidate, n_candidates)
    matched = maximum_bipartite_matching(graph, perm_type="column") >= 0
    filled_by_code = np.bincount(structure_code[post_structure[matched]], minlength=len(codes))
    rows = [
        Shortage(str(code), int(posts), int(reach), int(filled))
        for code, posts, reach, filled in zip(
            codes, open_by_code, reach_by_code, filled_by_code, strict=True
        )
        if posts
    ]
    rows.sort(key=lambda row: (-row.gap, -row.open_posts, row.departement))
    return ShortageReport(
        rows, int(open_posts.sum()), int(reached.any(axis=0).sum()), int(matched.sum())
    )


def compute_national_shortage(today=None) -> ShortageReport:
    """The figures of every département, from the database, in one national pass."""
    structures = engine.open_structures()
    posts = {
        pk: (departement, granted - occupied)
        for pk, departement, granted, occupied in structures.values_list(
            "pk", "departement_id", "granted_posts", "occupied_posts"
        )
    }
    structure_side = engine.structure_side(structures.filter(pk__in=list(posts)))
    candidates = engine.candidate_side()
    pairs = engine.allowed_pairs(candidates, structure_side, today)
    described = [posts[int(pk)] for pk in structure_side.ids]
    return shortage_by_departement(
        structure_departements=[departement for departement, _ in described],
        open_posts=[count for _, count in described],
        pair_structure=pairs.structure,
        pair_candidate=pairs.candidate,
        n_candidates=len(candidates),
    )


def national_shortage() -> ShortageReport:
    """The stored figures (one small row read): what the pages show. Empty, with no date,
    until the first computation."""
    stored = (
        BackgroundResult.objects.filter(name=BackgroundResult.SHORTAGE)
        .values_list("result", "computed_at", "dirty_since")
        .first()
    )
    result, computed_at, dirty_since = stored or (None, None, None)
    if not result:
        return ShortageReport([], 0, 0, 0, pending=True)
    return ShortageReport(
        rows=[Shortage(**row) for row in result["rows"]],
        open_posts=result["open_posts"],
        within_reach=result["within_reach"],
        fillable=result["fillable"],
        computed_at=computed_at,
        pending=dirty_since is not None,
    )


def mark_stale() -> bool:
    """Something the figures depend on changed (a candidate, a structure's posts, a
    recruitment, the date). True when they were up to date until now (one UPDATE that
    touches nothing when they are already out of date)."""
    now = timezone.now()
    if BackgroundResult.objects.filter(
        name=BackgroundResult.SHORTAGE, dirty_since__isnull=True
    ).update(dirty_since=now):
        return True
    _, created = BackgroundResult.objects.get_or_create(
        name=BackgroundResult.SHORTAGE, defaults={"dirty_since": now}
    )
    return created


def refresh(*, force: bool = False) -> bool:
    """Compute the figures again if they are out of date (or ``force``) and store them.
    The mark is cleared first: a change made during the computation marks them again."""
    with transaction.atomic():
        row, _ = BackgroundResult.objects.select_for_update().get_or_create(
            name=BackgroundResult.SHORTAGE, defaults={"dirty_since": timezone.now()}
        )
        if row.dirty_since is None and row.result is not None and not force:
            return False
        row.dirty_since = None
        row.save(update_fields=["dirty_since"])
    started = timezone.now()
    try:
        report = compute_national_shortage()
    except Exception:
        mark_stale()
        raise
    BackgroundResult.objects.filter(name=BackgroundResult.SHORTAGE).update(
        computed_at=started, result=as_json(report)
    )
    return True


def as_json(report: ShortageReport) -> dict:
    return {
        "rows": [asdict(row) for row in report.rows],
        "open_posts": report.open_posts,
        "within_reach": report.within_reach,
        "fillable": report.fillable,
    }
