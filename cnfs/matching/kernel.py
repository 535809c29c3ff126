"""The ranking of ``engine.best_pairs``, compiled with numba (``MATCHING_ENGINE=compiled``).

Same rules, same result, another method: each site (structures at one place, with one
deadline) keeps a buffer of entries and visits candidates from a grid, one block at a time,
the blocks that can score most first, until no block left can enter its list.

- The grid: candidates sorted by closed world, group (bonus level × reach), row and column
  of 0.2° cells, so one row of a block is one slice of the sorted arrays.
- Blocks: a group's candidates within a ring of distances (0–2.5 km, 2.5–5 km… up to its
  reach). A block's best possible score is its bonus plus the closeness at the ring's inner
  edge; once a list is full, a block that cannot reach the list's floor is skipped, and the
  others are searched only as far as they can still enter.
- A guess: sites are visited in a serpentine order, and each starts from the floor of the
  previous one, lowered by what the distance between them can change (40 hundredths per km)
  and a margin. With it, each group is searched once, up to where it can still enter; a
  site whose list ends below the guess is searched again without one (rare).
- "Partout" candidates beyond the scored distance score their bonus: the first ``limit``
  of their closed world by bonus (then rank) are the only ones that can matter.
- Entries are integers: score in hundredths, then the inverted rank (lowest id first), then
  the distance in whole metres, so sorting entries sorts the ranking. A histogram of scores
  by point gives each list's floor as entries come, and the best ``limit`` at the end.

Distances in whole metres are computed here as the numpy engine computes them, but
``asin`` may differ in the last bit from numpy's. A distance within a hair (1e-8 m) of a
half metre is therefore recorded as unsure; the caller computes those few with numpy and
runs the ranking again with them (``over_keys``, ``over_m``).

Return codes: 0 (done), ``OVERFLOW`` (a buffer was too small), ``TOO_FAR`` (a distance does
not fit the entry's bits), or the number of unsure distances. The caller falls back on the
numpy engine for the first two.
"""

import math

import numpy as np

try:
    from numba import njit

    AVAILABLE = True
except ImportError:  # the numpy engine is used instead (engine.best_pairs)
    AVAILABLE = False

    def njit(*args, **kwargs):
        return lambda function: function


CELL_DEG = 0.2
RINGS_KM = (2.5, 5.0, 10.0, 20.0, 40.0, 70.0, 100.0)
SCORED_M = 100_000
RANK_BITS = 21
M_BITS = 22
SCORE_SHIFT = RANK_BITS + M_BITS
RANK_MASK = (1 << RANK_BITS) - 1
M_MASK = (1 << M_BITS) - 1  # also "beyond the scored distance, measured if kept"
POINTS = 256  # score points a histogram counts (scores stay below 256 points)
TWICE_EARTH_KM = 2 * 6371.0088
OVERFLOW = -1
TOO_FAR = -2


@njit(cache=True, nogil=True, inline="always")
def _closeness(m):
    """Closeness in hundredths, rounded half up, from whole metres (as engine.scores)."""
    if m >= SCORED_M:
        return 0
    return (4000 * (SCORED_M - m) + SCORED_M // 2) // SCORED_M


@njit(cache=True, nogil=True, inline="always")
def _position(keys, key):
    """Where ``key`` is in the sorted ``keys`` (-1: absent)."""
    lo, hi = 0, len(keys)
    while lo < hi:
        mid = (lo + hi) // 2
        if keys[mid] < key:
            lo = mid + 1
        else:
            hi = mid
    return lo if lo < len(keys) and keys[lo] == key else -1


@njit(cache=True, nogil=True, inline="always")
def _metres(dx, dy, dz, key, over_keys, over_m, hair, unsure, n_unsure):
    """(distance in whole metres rounded half up, unsure count) from a chord's components."""
    x = math.sqrt(dx * dx + dy * dy + dz * dz) / 2
    half = TWICE_EARTH_KM * math.asin(min(x, 1.0)) * 1000 + 0.5
    m = math.floor(half)
    if half - m < hair or m + 1 - half < hair:
        at = _position(over_keys, key)
        if at >= 0:
            return over_m[at], n_unsure
        if n_unsure < len(unsure):
            unsure[n_unsure] = key
        n_unsure += 1
    return np.int64(m), n_unsure


@njit(cache=True, nogil=True, inline="always")
def _count(hist, point, full, floor, above, n, limit):
    """Counts an entry scoring ``point`` points: (full, floor, above). Once ``full``, at
    least ``limit`` entries score ``floor`` points or more, and ``above`` score more."""
    hist[point] += 1
    if full and point <= floor:
        return full, floor, above
    above += 1
    if not full and n == limit:
        full, floor, above = True, 0, n - hist[0]
    if full:
        while above >= limit:
            floor += 1
            above -= hist[floor]
    return full, floor, above


@njit(cache=True, nogil=True, inline="always")
def _add(buf, hist, n, score, rank, m, full, floor, above, limit, guess):
    """Adds an entry: (n, full, floor, above, least score still worth an entry)."""
    buf[n] = (score << SCORE_SHIFT) | ((RANK_MASK - rank) << M_BITS) | m
    n += 1
    full, floor, above = _count(hist, score // 100, full, floor, above, n, limit)
    return n, full, floor, above, (max(floor * 100, guess) if full else guess)


@njit(cache=True, nogil=True)
def _keep_best(buf, n, limit, full, floor, tied, out):
    """Writes the ``limit`` best entries of ``buf[:n]`` to ``out``: every one above the
    floor point, then the best on it. Returns how many."""
    if not full or n <= limit:
        out[:n] = buf[:n]
        return n
    kept = 0
    ties = 0
    for i in range(n):
        point = (buf[i] >> SCORE_SHIFT) // 100
        if point > floor:
            out[kept] = buf[i]
            kept += 1
        elif point == floor:
            tied[ties] = buf[i]
            ties += 1
    best = np.sort(tied[:ties])
    for i in range(limit - kept):
        out[kept + i] = best[ties - 1 - i]
    return limit


@njit(cache=True, nogil=True)
def counting_order(keys, starts):
    """The order sorting ``keys`` (small integers; ``starts`` their cumulated counts)."""
    order = np.empty(len(keys), np.int64)
    at = starts[:-1].copy()
    for i in range(len(keys)):
        order[at[keys[i]]] = i
        at[keys[i]] += 1
    return order


@njit(cache=True, nogil=True)
def rank(
    sxyz, slat, slon, sworld, sdeadline, staken, visit, s_start, s_members,
    gxyz, gdate, greach2, gindex,
    cxyz, cdate, cbonus, crank, cradius_m, rank_to_j,
    level_h, group_level, group_ring, group_order, rings, ring_cut2,
    block_ring, block_group, block_top,
    wlat0, wlon0, wrows, wcols, wbase, cell_start,
    far_start, far_order,
    taken, over_keys, over_m, limit, hair, margin, buffer,
    unsure, out_c, out_s, out_km, out_score,
):  # fmt: skip
    """Each site's ``limit`` best pairs, written for each of its structures to ``out_*``.
    Returns (code, pairs written): see the module's docstring for the code."""
    nsites = len(sxyz)
    n_unsure = 0
    total = 0
    buf = np.empty(buffer, np.int64)
    tied = np.empty(buffer, np.int64)
    best = np.empty(limit, np.int64)
    hist = np.zeros(POINTS, np.int64)
    box = np.empty((len(rings), 4), np.int64)
    near2 = (2 * math.sin((SCORED_M / 1000 - 0.01) / TWICE_EARTH_KM)) ** 2
    far2 = (2 * math.sin((SCORED_M / 1000 + 0.01) / TWICE_EARTH_KM)) ** 2
    prev, prev_floor, again, k = -1, 0, False, 0
    while k < nsites:
        s = visit[k]
        w = sworld[s]
        sx, sy, sz = sxyz[s, 0], sxyz[s, 1], sxyz[s, 2]
        guess = 0
        if not again and prev >= 0 and sworld[prev] == w:
            dx, dy, dz = sx - sxyz[prev, 0], sy - sxyz[prev, 1], sz - sxyz[prev, 2]
            # 41 hundredths per km of chord: the closeness changes 40 per km of arc.
            lowered = prev_floor - 41.0 * TWICE_EARTH_KM / 2 * math.sqrt(
                dx * dx + dy * dy + dz * dz
            )
            if lowered - margin > 0:
                guess = int((lowered - margin) // 100) * 100
        n, full, floor, above, least = 0, False, 0, 0, guess
        hist[:] = 0
        deadline = sdeadline[s]
        rows, cols = wrows[w], wcols[w]
        cells = rows * cols
        coslat = math.cos(math.radians(min(abs(slat[s]) + 1.0, 89.0)))
        lat_s, lon_s = slat[s] - wlat0[w], slon[s] - wlon0[w]
        for ring in range(len(rings)):
            box[ring, 0], box[ring, 1], box[ring, 2], box[ring, 3] = _box(
                rings[ring], lat_s, lon_s, coslat, rows, cols
            )
        # With a guess: each group once, as far as it can still enter. Without: block by
        # block, the best possible first.
        steps = len(group_order) if guess > 0 else len(block_ring)
        for step in range(steps):
            if guess > 0:
                group = group_order[step]
                b = level_h[group_level[group]]
                if least > b + 4000:
                    break  # no closeness makes up for it, here or in the lower groups
                ring, reach, inner2 = group_ring[group], rings[group_ring[group]], -1.0
            else:
                if block_top[step] < least:
                    break  # every later block scores less
                group, ring = block_group[step], block_ring[step]
                b = level_h[group_level[group]]
                reach = rings[ring]
                inner2 = ring_cut2[ring - 1] if ring > 0 else -1.0
            cut2 = ring_cut2[ring]
            r0, r1, c0, c1 = box[ring, 0], box[ring, 1], box[ring, 2], box[ring, 3]
            if least > b:
                # Closeness needed: least − b hundredths, i.e. within this many km.
                bound = SCORED_M / 1000 - (least - b - 0.5) / 40.0 + 0.05
                if bound < reach:
                    if guess == 0 and ring > 0 and bound <= rings[ring - 1]:
                        continue
                    cut = 2 * math.sin((bound + 0.001) / TWICE_EARTH_KM) + 1e-9
                    cut2 = cut * cut
                    r0, r1, c0, c1 = _box(bound, lat_s, lon_s, coslat, rows, cols)
            base = wbase[w] + group * cells
            for r in range(r0, r1 + 1):
                for q in range(
                    cell_start[base + r * cols + c0], cell_start[base + r * cols + c1 + 1]
                ):
                    dx = gxyz[q, 0] - sx
                    dy = gxyz[q, 1] - sy
                    dz = gxyz[q, 2] - sz
                    d2 = dx * dx + dy * dy + dz * dz
                    if d2 > cut2 or d2 <= inner2 or d2 > greach2[q] or gdate[q] > deadline:
                        continue
                    # The chord is shorter than the arc: this bounds the closeness.
                    if 4001.0 - 20.0 * TWICE_EARTH_KM * math.sqrt(d2) + b < least:
                        continue
                    j = gindex[q]
                    key = j * nsites + s
                    if staken[s] and _position(taken, key) >= 0:
                        continue
                    m, n_unsure = _metres(
                        dx, dy, dz, key, over_keys, over_m, hair, unsure, n_unsure
                    )
                    if m > cradius_m[j]:
                        continue
                    score = _closeness(m) + b
                    if score < least:
                        continue
                    if n == buffer:
                        return OVERFLOW, 0
                    n, full, floor, above, least = _add(
                        buf, hist, n, score, crank[j], m, full, floor, above, limit, guess
                    )
        # "Partout" candidates beyond the scored distance: their bonus, best first.
        ranked = 0
        for q in range(far_start[w], far_start[w + 1]):
            j = far_order[q]
            b = cbonus[j]
            if ranked == limit or b < least:
                break  # ``limit`` better-ranked ones are in reach, near or far
            if cdate[j] > deadline:
                continue
            key = j * nsites + s
            if staken[s] and _position(taken, key) >= 0:
                continue
            ranked += 1
            dx, dy, dz = cxyz[j, 0] - sx, cxyz[j, 1] - sy, cxyz[j, 2] - sz
            d2 = dx * dx + dy * dy + dz * dz
            if d2 < near2:
                continue  # within the scored distance: ranked above, with its closeness
            m = M_MASK  # surely beyond it: measured below if kept
            if d2 <= far2:
                m, n_unsure = _metres(dx, dy, dz, key, over_keys, over_m, hair, unsure, n_unsure)
                if m <= SCORED_M:
                    continue
            if n == buffer:
                return OVERFLOW, 0
            n, full, floor, above, least = _add(
                buf, hist, n, b, crank[j], m, full, floor, above, limit, guess
            )
        if guess > 0 and not (full and floor * 100 >= guess):
            again = True  # the guess was too high: this site again, without one
            continue
        kept = _keep_best(buf, n, limit, full, floor, tied, best)
        for i in range(kept):
            entry = best[i]
            j = rank_to_j[RANK_MASK - ((entry >> M_BITS) & RANK_MASK)]
            m = entry & M_MASK
            if m == M_MASK:
                m, n_unsure = _metres(
                    cxyz[j, 0] - sx, cxyz[j, 1] - sy, cxyz[j, 2] - sz,
                    j * nsites + s, over_keys, over_m, hair, unsure, n_unsure,
                )  # fmt: skip
                if m >= M_MASK:
                    return TOO_FAR, 0
            km = m / 1000
            score = (entry >> SCORE_SHIFT) / 100
            for t in range(s_start[s], s_start[s + 1]):
                out_c[total] = j
                out_s[total] = s_members[t]
                out_km[total] = km
                out_score[total] = score
                total += 1
        prev, prev_floor, again, k = s, (floor * 100 if full else 0), False, k + 1
    return n_unsure, total


@njit(cache=True, nogil=True, inline="always")
def _box(km, lat, lon, coslat, rows, cols):
    """The grid cells (first and last row, first and last column) around a point, ``km``
    around it at least."""
    dlat = km / 111.0 + 0.01
    dlon = km / (111.0 * coslat) + 0.01
    return (
        max(int(math.floor((lat - dlat) / CELL_DEG)), 0),
        min(int(math.floor((lat + dlat) / CELL_DEG)), rows - 1),
        max(int(math.floor((lon - dlon) / CELL_DEG)), 0),
        min(int(math.floor((lon + dlon) / CELL_DEG)), cols - 1),
    )
