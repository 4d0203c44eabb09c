"""Moved blocks: what a monotone DP path cannot see.

The DP of ``dp`` aligns two sequences without crossing: a section that one
version moved comes out 1-0 where it was and 0-1 where it went, and a block
of its edge (a heading) may even pair with whatever heading stands where the
section used to be. ``refine`` repairs that after the first pass, in three
steps:

1. *Moves.* A second DP runs over the blocks the path left alone plus those
   it paired only weakly (a 1-1 whose cost the anchors do not support). Its
   1-1 beads that the anchors confirm (cost at most ``MOVE_MAX_COST``) are
   kept, even where they cross the path; a weak pair that loses a block to
   them is undone.
2. *Sections grow.* The neighbours of a kept move (the blocks just before or
   after it on both sides, both still alone) join it when their own 1-1 is
   plausible (``GROW_MAX_COST``): a moved section moves as a whole.
3. *Gaps close.* Blocks still alone are aligned again within each gap of the
   path (between two consecutive pairs it kept), with the first pass's own
   rule: a pair where it costs less than leaving both alone.

A pair that crosses the path is reported as moved.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from typing import Sequence

from .dp import Aligner, Bead, Params, Side
from .markup import normalized

MOVE_MAX_COST = -1.0  # a move must be confirmed by the anchors (a negative cost)
GROW_MAX_COST = 1.0  # a moved section's neighbour needs only a plausible pair
WEAK_LINK_COST = 0.5  # a first-pass 1-1 above this is open to being re-paired
MAX_SECOND_PASS_CELLS = 4_000_000  # the second DP is a full matrix over what was left alone


@dataclass
class Item:
    """One pair of the final alignment: blocks of A, blocks of B (either may be empty)."""

    a: list[int]
    b: list[int]
    cost: float
    moved: bool = False
    spine: bool = False  # kept from the first pass, in its order
    at: int = 0  # a block alone: where the other side's sequence stands (for its score)


def _sub_aligner(aligner: Aligner, left_a: Sequence[int], left_b: Sequence[int], params: Params) -> Aligner:
    sides = []
    for side, left in ((aligner.a, left_a), (aligner.b, left_b)):
        sub = Side([side.blocks[k] for k in left])
        sub.set_features([side.features[k] for k in left])
        sides.append(sub)
    return Aligner(sides[0], sides[1], params, beads=((1, 1), (1, 0)))


def _repeated_markup(blocks) -> set[str]:
    seen: dict[str, int] = {}
    for blk in blocks:
        if blk.markup is not None:
            key = normalized(blk.text)
            seen[key] = seen.get(key, 0) + 1
    return {k for k, n in seen.items() if n > 1}


def refine(beads: list[Bead], aligner: Aligner, params: Params) -> list[Item]:
    """The first pass's beads, with moved blocks paired and the gaps they leave re-aligned."""
    n, m = aligner.a.n, aligner.b.n
    items = [Item(list(range(bd.i0, bd.i1)), list(range(bd.j0, bd.j1)), bd.cost, spine=bool(bd.i1 > bd.i0 and bd.j1 > bd.j0),
                  at=bd.j0 if bd.j0 == bd.j1 else bd.i0) for bd in beads]
    pair_of_a = {i: it for it in items if it.a and it.b for i in it.a}
    pair_of_b = {j: it for it in items if it.a and it.b for j in it.b}
    weak = [it for it in items if len(it.a) == 1 and len(it.b) == 1 and it.cost > WEAK_LINK_COST]
    pool_a = sorted({i for i in range(n) if i not in pair_of_a} | {it.a[0] for it in weak})
    pool_b = sorted({j for j in range(m) if j not in pair_of_b} | {it.b[0] for it in weak})
    if not pool_a or not pool_b or len(pool_a) * len(pool_b) > MAX_SECOND_PASS_CELLS:
        return items  # nothing left alone, or two texts too different for moves to mean anything

    # 1. moves: a second DP over what the path left alone or held weakly
    repeated = _repeated_markup(aligner.a.blocks) | _repeated_markup(aligner.b.blocks)
    second = _sub_aligner(aligner, pool_a, pool_b, params)
    moves: list[tuple[int, int, float]] = []
    for bd in second.align(half=None):
        if bd.i1 - bd.i0 != 1 or bd.j1 - bd.j0 != 1:
            continue
        i, j = pool_a[bd.i0], pool_b[bd.j0]
        if pair_of_a.get(i) is not None and pair_of_a[i] is pair_of_b.get(j):
            continue  # the path's own weak pair: nothing moved
        blk = aligner.a.blocks[i]
        if blk.markup is not None and normalized(blk.text) in repeated:
            continue  # a closing {{% /notice %}} says nothing of where it moved
        cost = aligner.bead_cost(i, i + 1, j, j + 1)
        if cost <= MOVE_MAX_COST:
            moves.append((i, j, cost))
    if not moves:
        return items
    for i, j, _ in moves:  # undo the weak pairs that lose a block
        for it in (pair_of_a.get(i), pair_of_b.get(j)):
            if it is not None and it in items:
                items.remove(it)
                items.extend([Item([x], [], aligner.bead_cost(x, x + 1, 0, 0), at=it.b[0]) for x in it.a])
                items.extend([Item([], [y], aligner.bead_cost(0, 0, y, y + 1), at=it.a[0]) for y in it.b])
    items = [it for it in items if not ((not it.b and it.a[0] in {i for i, _, _ in moves})
                                        or (not it.a and it.b[0] in {j for _, j, _ in moves}))]
    for i, j, cost in moves:
        items.append(Item([i], [j], cost, moved=True))

    # 2. a moved section moves as a whole: its neighbours follow when their pair is plausible (and
    # better than a weak pair one of them had)
    frontier = list(moves)
    while frontier:
        i, j, _ = frontier.pop()
        for di in (-1, 1):
            x, y = i + di, j + di
            if not (0 <= x < n and 0 <= y < m):
                continue
            held = [it for it in items if it.a and it.b and (x in it.a or y in it.b)]
            if any(not _is_weak(it) for it in held):
                continue
            cost = aligner.bead_cost(x, x + 1, y, y + 1)
            if cost > GROW_MAX_COST or any(cost >= it.cost for it in held):
                continue
            for it in held:
                items.remove(it)
                items.extend(Item([a], [], aligner.bead_cost(a, a + 1, 0, 0), at=it.b[0]) for a in it.a if a != x)
                items.extend(Item([], [b], aligner.bead_cost(0, 0, b, b + 1), at=it.a[0]) for b in it.b if b != y)
            items = [it for it in items if not (it.a == [x] and not it.b) and not (it.b == [y] and not it.a)]
            items.append(Item([x], [y], cost, moved=True))
            frontier.append((x, y, cost))

    # 3. the gaps of the path: what is still alone pairs where the first pass would have paired it
    items = _close_gaps(items, aligner, params, n, m)
    for it in items:
        if it.moved:
            it.moved = _crosses(it, items)
    return _ordered(items)


def _is_weak(item: Item) -> bool:
    return item.spine and len(item.a) == 1 and len(item.b) == 1 and item.cost > WEAK_LINK_COST


def _close_gaps(items: list[Item], aligner: Aligner, params: Params, n: int, m: int) -> list[Item]:
    spine = sorted((it for it in items if it.spine), key=lambda it: it.a[0])
    bounds = [(-1, -1)] + [(it.a[-1], it.b[-1]) for it in spine] + [(n, m)]
    starts = [(0, 0)] + [(it.a[0], it.b[0]) for it in spine] + [(n, m)]
    alone_a = sorted(it.a[0] for it in items if it.a and not it.b)
    alone_b = sorted(it.b[0] for it in items if it.b and not it.a)
    out = [it for it in items if it.a and it.b]
    used_a: set[int] = set()
    used_b: set[int] = set()
    for g in range(len(bounds) - 1):
        lo_a, lo_b = bounds[g][0], bounds[g][1]
        hi_a, hi_b = starts[g + 1]
        gap_a = alone_a[bisect_right(alone_a, lo_a) : bisect_left(alone_a, hi_a)]
        gap_b = alone_b[bisect_right(alone_b, lo_b) : bisect_left(alone_b, hi_b)]
        if not gap_a or not gap_b:
            continue
        for bd in _sub_aligner(aligner, gap_a, gap_b, params).align(half=None):
            if bd.i1 - bd.i0 == 1 and bd.j1 - bd.j0 == 1:
                i, j = gap_a[bd.i0], gap_b[bd.j0]
                out.append(Item([i], [j], aligner.bead_cost(i, i + 1, j, j + 1), spine=True))
                used_a.add(i)
                used_b.add(j)
    out += [it for it in items if it.a and not it.b and it.a[0] not in used_a]
    out += [it for it in items if it.b and not it.a and it.b[0] not in used_b]
    return out


def _crosses(item: Item, items: list[Item]) -> bool:
    """Whether a pair crosses a pair of the path: the block moved, it was not just left out."""
    i, j = item.a[0], item.b[0]
    for it in items:
        if it.spine and it.a and it.b and ((it.a[-1] < i and it.b[0] > j) or (it.a[0] > i and it.b[-1] < j)):
            return True
    return False


def _ordered(items: list[Item]) -> list[Item]:
    """Document order of A; a block of B alone goes right after the pair holding the B block before it."""
    with_a = sorted((it for it in items if it.a), key=lambda it: it.a[0])
    size_b = 1 + max((j for it in items for j in it.b), default=-1)
    place = [-1] * size_b  # place[j]: the rank of the pair holding B block j, or of the last one before it
    for rank, it in enumerate(with_a):
        for j in it.b:
            place[j] = rank
    for j in range(1, size_b):
        place[j] = max(place[j], place[j - 1])
    keyed = [((rank, 0, 0), it) for rank, it in enumerate(with_a)]
    for it in items:
        if not it.a:
            j = it.b[0]
            keyed.append(((place[j - 1] if j else -1, 1, j), it))
    return [it for _, it in sorted(keyed, key=lambda kv: kv[0])]


__all__ = ["refine", "Item", "MOVE_MAX_COST", "GROW_MAX_COST"]
