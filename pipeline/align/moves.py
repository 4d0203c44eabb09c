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

import re
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
    """The first pass's beads, with moved blocks paired, the gaps they leave re-aligned, and long
    runs of blocks that one side wrote as a single block folded into one pair."""
    items = [Item(list(range(bd.i0, bd.i1)), list(range(bd.j0, bd.j1)), bd.cost, spine=bool(bd.i1 > bd.i0 and bd.j1 > bd.j0),
                  at=bd.j0 if bd.j0 == bd.j1 else bd.i0) for bd in beads]
    items = _moves(items, aligner, params)
    items = repair_inconsistent(items, aligner)
    items = _ordered(fold_runs(_ordered(items), aligner, params))
    return _ordered(follow_closers(items, aligner))


def _moves(items: list[Item], aligner: Aligner, params: Params) -> list[Item]:
    """Steps 1-3 of the module's docstring."""
    n, m = aligner.a.n, aligner.b.n
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
    return items


MISPLACED = 1.0  # what a pair its neighbours do not bracket may cost more than its replacement


def repair_inconsistent(items: list[Item], aligner: Aligner) -> list[Item]:
    """A weak 1-1 pair whose block sits, on one side, between neighbours whose partners do not
    bracket its partner (a leftover of a moved section paired with a block far from where that
    section went) gives its partner to a block left alone that does fit there, unless that pair
    costs ``MISPLACED`` more: the path's monotone first pass often makes such a pair before the
    moves are found."""
    pair_a = {it.a[0]: it for it in items if len(it.a) == 1 and len(it.b) == 1}
    alone_a = sorted(it.a[0] for it in items if it.a and not it.b)
    if not alone_a:
        return items
    partner_a = {i: min(it.b) for it in items if it.a and it.b for i in it.a}
    partner_b = {j: min(it.a) for it in items if it.a and it.b for j in it.b}
    keys_a, keys_b = sorted(partner_a), sorted(partner_b)

    def fits(x: int, y: int, keys: list[int], partner: dict[int, int], exclude: int) -> bool:
        k = bisect_left(keys, x)
        before = next((partner[keys[q]] for q in range(k - 1, -1, -1) if keys[q] != exclude), None)
        after = next((partner[keys[q]] for q in range(k, len(keys)) if keys[q] not in (x, exclude)), None)
        return (before is None or before < y) and (after is None or y < after)

    for x, it in sorted(pair_a.items()):
        y = it.b[0]
        if it.moved or it.cost <= WEAK_LINK_COST or fits(x, y, keys_a, partner_a, x):
            continue
        best = None
        for x2 in alone_a:
            if fits(x2, y, keys_a, partner_a, x) and fits(y, x2, keys_b, partner_b, y):
                cost = aligner.bead_cost(x2, x2 + 1, y, y + 1)
                if cost < it.cost + MISPLACED and (best is None or cost < best[0]):
                    best = (cost, x2)
        if best is None:
            continue
        cost, x2 = best
        items = [i for i in items if i is not it and not (i.a == [x2] and not i.b)]
        items.append(Item([x2], [y], cost, spine=True))
        items.append(Item([x], [], aligner.bead_cost(x, x + 1, 0, 0), at=y))
        alone_a = [i for i in alone_a if i != x2] + [x]
        alone_a.sort()
        partner_a.pop(x, None)
        partner_a[x2] = y
        partner_b[y] = x2
        keys_a = sorted(partner_a)
    return items


_CLOSER = re.compile(r"^(?:\s*(?:\{\{[<%]\s*/[^}]*[%>]\}\}|</[A-Za-z][\w-]*\s*>))+\s*$")


def follow_closers(items: list[Item], aligner: Aligner) -> list[Item]:
    """A block that only closes tags (``{{% /notice %}}``, ``</details>``) belongs to what it
    closes: when the blocks just before two identical closers are paired, so are the closers,
    whatever a first pass made of these look-alike twins (a moved box, a deleted one)."""
    a, b = aligner.a, aligner.b
    pair_a = {i: it for it in items if it.a and it.b for i in it.a}
    pair_b = {j: it for it in items if it.a and it.b for j in it.b}
    changed = False
    for i in range(1, a.n):
        blk = a.blocks[i]
        if blk.markup is None or not _CLOSER.match(blk.text):
            continue
        before = pair_a.get(i - 1)
        if before is None or i - 1 != before.a[-1]:
            continue
        j = before.b[-1] + 1
        if j >= b.n or b.blocks[j].markup is None or normalized(b.blocks[j].text) != normalized(blk.text):
            continue
        if pair_a.get(i) is not None and pair_a.get(i) is pair_b.get(j):
            continue
        for it in {id(x): x for x in (pair_a.get(i), pair_b.get(j)) if x is not None}.values():
            items.remove(it)
            items.extend(Item([x], [], aligner.bead_cost(x, x + 1, 0, 0), at=it.b[0]) for x in it.a if x != i)
            items.extend(Item([], [y], aligner.bead_cost(0, 0, y, y + 1), at=it.a[0]) for y in it.b if y != j)
        items = [it for it in items if it.a != [i] or it.b] 
        items = [it for it in items if it.b != [j] or it.a]
        new = Item([i], [j], aligner.bead_cost(i, i + 1, j, j + 1), moved=before.moved, spine=not before.moved)
        items.append(new)
        pair_a = {x: it for it in items if it.a and it.b for x in it.a}
        pair_b = {y: it for it in items if it.a and it.b for y in it.b}
        changed = True
    return items if not changed else [it for it in items if it.a or it.b]


FOLD_MIN = 4  # runs the DP's beads cannot hold (they stop at three blocks a side)
FOLD_MAX = 12
FOLD_PRIOR = 1.0  # per block beyond three, on top of the 1-3 bead's prior
FOLD_GAIN = 0.5  # the folded pair must cost this much less than what it replaces


def fold_runs(items: list[Item], aligner: Aligner, params: Params) -> list[Item]:
    """A block that one version wrote as a run of four or more (a paragraph made a list of eight
    items, a sentence an intro and three items) becomes one pair with the whole run, when that
    costs less than what the path made of them (the block alone or paired with one of the run,
    the rest alone). ``items`` in document order."""
    for side in ("a", "b"):
        k = 0
        context = _FoldContext(items, side)
        while k < len(items):
            folded = _best_fold(items, k, side, aligner, params, context)
            if folded is not None:
                items = folded
                context = _FoldContext(items, side)
            k += 1
    return items


class _FoldContext:
    """For one side's pass: the other side's blocks left alone, and for each item the range of the
    other side between the pairs around it (where a folded run may lie)."""

    def __init__(self, items: list[Item], side: str):
        one_of = (lambda it: it.a) if side == "a" else (lambda it: it.b)
        other_of = (lambda it: it.b) if side == "a" else (lambda it: it.a)
        self.alone = {other_of(it)[0]: it for it in items if len(other_of(it)) == 1 and not one_of(it)}
        alone_sorted = sorted(self.alone)
        self.lo, self.hi = [0] * len(items), [0] * len(items)
        last = 0
        for k, it in enumerate(items):
            self.lo[k] = last
            if other_of(it) and one_of(it) and not it.moved:
                last = max(other_of(it)) + 1
        nxt = 1 << 60
        for k in range(len(items) - 1, -1, -1):
            self.hi[k] = nxt
            it = items[k]
            if other_of(it) and one_of(it) and not it.moved:
                nxt = min(other_of(it))
        self.alone_sorted = alone_sorted

    def alone_between(self, lo: int, hi: int) -> int:
        return bisect_left(self.alone_sorted, hi) - bisect_left(self.alone_sorted, lo)


def _best_fold(items: list[Item], k: int, side: str, aligner: Aligner, params: Params, ctx: "_FoldContext") -> list[Item] | None:
    item = items[k]
    one, other = (item.a, item.b) if side == "a" else (item.b, item.a)
    if len(one) != 1 or (other and other != list(range(other[0], other[-1] + 1))):
        return None
    one_side, other_side = (aligner.a, aligner.b) if side == "a" else (aligner.b, aligner.a)
    if not _foldable(one_side.blocks[one[0]]):
        return None
    lo, hi = ctx.lo[k], min(ctx.hi[k], other_side.n)
    if hi - lo < FOLD_MIN or ctx.alone_between(lo, hi) < FOLD_MIN - len(other):
        return None
    alone = ctx.alone
    best = None
    for start in range(lo, hi):
        for stop in range(start + FOLD_MIN, min(hi, start + FOLD_MAX) + 1):
            run = list(range(start, stop))
            if other and not (start <= other[0] and other[-1] < stop):
                continue
            if any(j not in alone and j not in other for j in run) or not all(_foldable(other_side.blocks[j]) for j in run):
                continue
            if not _one_list([other_side.blocks[j] for j in run]):
                continue
            cost = _fold_cost(aligner, params, one[0], run, side)
            old = item.cost + sum(alone[j].cost for j in run if j in alone)
            if cost < old - FOLD_GAIN and (best is None or cost - old < best[0]):
                best = (cost - old, run, cost)
    if best is None:
        return None
    _, run, cost = best
    drop = {id(alone[j]) for j in run if j in alone} | {id(item)}
    new = Item(one if side == "a" else run, run if side == "a" else one, cost, spine=True)
    out = [it for it in items if id(it) not in drop]
    out.insert(min(k, len(out)), new)
    return out


def _one_list(blocks) -> bool:
    """A run that reads as one block's worth: paragraphs, or list items, or paragraphs then list
    items (a list and its intro); never a list followed by more text."""
    from .features import LIST_ITEM

    seen_item = False
    for blk in blocks:
        if blk.cls == LIST_ITEM:
            seen_item = True
        elif seen_item:
            return False
    return True


def _foldable(block) -> bool:
    from .features import LIST_ITEM, PARAGRAPH, SENTENCE

    return block.markup is None and block.cls in (PARAGRAPH, LIST_ITEM, SENTENCE)


def _fold_cost(aligner: Aligner, params: Params, single: int, run: list[int], side: str) -> float:
    """The cost of one block against a run of n blocks, priced as ``Aligner.bead_cost`` prices a bead
    (lengths, anchors, contradiction, classes), with the prior of a 1-3 bead plus ``FOLD_PRIOR`` per
    block beyond three, and the costs of joining the run's blocks."""
    from .dp import COMPAT

    one_side, run_side = (aligner.a, aligner.b) if side == "a" else (aligner.b, aligner.a)
    la, lb = float(one_side.length[single]), float(run_side.length[run].sum())
    if side == "b":
        la, lb = lb, la
    cost = _whole_cost(aligner, params, la, lb, one_side.features[single], [run_side.features[j] for j in run])
    cost += float(COMPAT[one_side.cls[single], run_side.cls[run[0]]])
    return cost + params.priors.get((1, 3), 4.5) + FOLD_PRIOR * (len(run) - 3) + sum(float(run_side.gap[j]) for j in run[1:])


def _whole_cost(aligner: Aligner, params: Params, la: float, lb: float, feats_one, feats_run) -> float:
    from .dp import length_cost

    merged: dict[str, float] = {}
    for f in feats_run:
        for key, w in f.items():
            merged[key] = merged.get(key, 0.0) + w
    ov = sum(min(w, merged[key]) for key, w in feats_one.items() if key in merged)
    wsum = sum(feats_one.values()) + sum(merged.values())
    sim = min(2.0 * ov / (wsum + params.smooth), 1.0)
    cost = float(length_cost(la, lb, params)) - params.alpha * (wsum / (wsum + params.evidence)) * (sim - params.sim_mid)
    return cost


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
