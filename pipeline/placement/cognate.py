"""Step 4 of the chain, ``cognate``: the span's words share a stem with target words (information/information,
sécurité/security); stands in for word alignment from the model's cross-attention."""
from __future__ import annotations

import difflib

from ..text import fold
from .context import Candidate, Context
from .words import WORD


def _cognate_score(a: str, b: str) -> float:
    """How likely two folded words are the same word across EN/FR (shared stem)."""
    if a == b:
        return 1.0
    common = len(_common_prefix(a, b))
    if common >= 5 or (common >= 4 and common >= 0.7 * min(len(a), len(b))):
        return 0.9
    ratio = difflib.SequenceMatcher(None, a, b).ratio()
    return ratio if ratio >= 0.8 else 0.0


def _common_prefix(a: str, b: str) -> str:
    k = 0
    while k < min(len(a), len(b)) and a[k] == b[k]:
        k += 1
    return a[:k]


def cognate_candidates(ctx: Context, core: str, src_span: tuple[int, int]) -> list[Candidate]:
    """The tightest target window holding words that share a stem with the span's content words."""
    words = [w for w in WORD.findall(fold(core)) if len(w) >= 4 or w.isdigit() or w in ctx.dnt]
    if not words:
        return []
    hits: dict[int, set[int]] = {}  # target token index -> span words it matches
    for k, (a, b) in enumerate(ctx.tgt_tokens):
        tw = fold(ctx.tgt[a:b])
        for j, w in enumerate(words):
            if _cognate_score(w, tw) > 0:
                hits.setdefault(k, set()).add(j)
    if not hits:
        return []
    n_src = len(WORD.findall(core))
    best = _best_cluster(sorted(hits), hits, n_src)
    matched = set().union(*(hits[k] for k in best))
    if len(matched) * 2 < len(words):
        return []
    a, b = ctx.tgt_tokens[best[0]][0], ctx.tgt_tokens[best[-1]][1]
    complete = len(matched) == len(words) and n_src <= best[-1] - best[0] + 1 <= n_src + 1
    note = "" if complete else f"only {len(matched)} of {len(words)} words matched by spelling"
    return [Candidate(a, b, "cognate", complete, note)]


def _best_cluster(indices: list[int], hits: dict[int, set[int]], n_src: int) -> list[int]:
    """Group matched token indices lying close together; keep the group matching most words."""
    groups: list[list[int]] = []
    for k in indices:
        if groups and k - groups[-1][-1] <= max(2, n_src):
            groups[-1].append(k)
        else:
            groups.append([k])
    return max(groups, key=lambda g: (len(set().union(*(hits[k] for k in g))), -(g[-1] - g[0])))
