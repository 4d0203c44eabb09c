"""Review state follows the text, not the position.

The editors' work (``review.sqlite``) is saved under pair ids, and a pair's id
is its unit's content-addressed id (``markdown.ids``). After the author
changes the article and the run is made again, each saved review goes to:

- **kept**: the pair with the same id, or, when the id changed but the source
  did not (its heading was renamed, or the review was saved under an older
  kind of id), the pair with the same normalised source text. Status, edit
  and note apply as before.
- **stale**: no pair has that source any more, but one has a source like it
  (the author edited the paragraph): that pair shows the old and the new
  source side by side with the difference marked, and offers the old edit.
  Its old approval does not carry over: the text it approved is gone.
- **lost**: no pair is like it (the paragraph was deleted). The work stays in
  ``review.sqlite`` and is listed, never dropped silently.

Pairs nobody reviewed get no state, so nothing shows as approved that no
editor approved (a translation approved earlier and reused from the memory
says so: ``approved (memory)``).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

from ..mt.segments import normalise

STALE_SIMILARITY = 50.0  # % of words in common (Indel over words): below this, a rewrite is another paragraph


@dataclass
class Followed:
    """Where one saved review went."""

    state: Any  # store.State
    from_id: str  # the pair id it was saved under
    how: str  # "id" | "text" | "stale"
    similarity: float = 100.0


@dataclass
class FollowResult:
    by_pair: dict[str, Followed] = field(default_factory=dict)  # current pair id -> its review
    lost: list[tuple[str, Any]] = field(default_factory=list)  # (saved id, state) with no pair to go to

    @property
    def kept(self) -> list[Followed]:
        return [f for f in self.by_pair.values() if f.how != "stale"]

    @property
    def stale(self) -> list[Followed]:
        return [f for f in self.by_pair.values() if f.how == "stale"]


def has_work(state: Any) -> bool:
    """Whether a saved review holds anything an editor did: a decision, an edit or a note."""
    return state.status != "pending" or state.tgt is not None or bool(state.note)


def _kind(pair_id: str) -> str:
    """The unit kind an id starts with (``velo.fr.md#p-3fa2…`` -> ``p``); '' for old positional ids."""
    tail = pair_id.rsplit("#", 1)[-1]
    return tail.split("-", 1)[0] if "-" in tail else ""


def follow(states: dict[str, Any], pairs: Iterable[Any], replaced: set[str] | None = None) -> FollowResult:
    """Send each saved review (``states``: saved pair id -> State) to a current pair (see the module docstring).

    ``replaced``: saved ids an editor already dealt with on their new pair
    (they are neither offered again nor reported lost).
    """
    pairs = list(pairs)
    replaced = replaced or set()
    result = FollowResult()
    by_id = {p.id: p for p in pairs}
    orphans: list[tuple[str, Any]] = []
    for saved_id, state in states.items():
        if saved_id in replaced:
            continue
        pair = by_id.get(saved_id)
        if pair is not None and normalise(state.src) == normalise(pair.src):
            result.by_pair[saved_id] = Followed(state, saved_id, "id")
        elif has_work(state):
            orphans.append((saved_id, state))
    free = [p for p in pairs if p.id not in result.by_pair]
    by_text: dict[str, list[Any]] = {}
    for p in free:
        by_text.setdefault(normalise(p.src), []).append(p)
    still: list[tuple[str, Any]] = []
    for saved_id, state in orphans:  # same source, other id: the review moves with its text
        candidates = [p for p in by_text.get(normalise(state.src), []) if p.id not in result.by_pair]
        candidates.sort(key=lambda p: (_kind(p.id) != _kind(saved_id), p.id != saved_id))
        if candidates:
            result.by_pair[candidates[0].id] = Followed(state, saved_id, "text")
        else:
            still.append((saved_id, state))
    scored = []
    for saved_id, state in still:  # a source like it: stale, best matches first
        old = normalise(state.src).split(" ")
        for p in free:
            if p.id in result.by_pair:
                continue
            if _kind(saved_id) and _kind(p.id) and _kind(saved_id) != _kind(p.id):
                continue
            score = word_similarity(old, normalise(p.src).split(" "))
            if score >= STALE_SIMILARITY:
                scored.append((score, saved_id, state, p))
    scored.sort(key=lambda s: -s[0])
    placed: set[str] = set()
    for score, saved_id, state, p in scored:
        if saved_id in placed or p.id in result.by_pair:
            continue
        result.by_pair[p.id] = Followed(state, saved_id, "stale", round(float(score), 1))
        placed.add(saved_id)
    result.lost = [(i, s) for i, s in still if i not in placed]
    return result


def word_similarity(a: list[str], b: list[str]) -> float:
    """0-100: how many words two texts share in order (RapidFuzz's Indel similarity over words).

    Over words, not characters: two short paragraphs that open with the same
    two words are not the same paragraph rewritten.
    """
    from rapidfuzz.distance import Indel

    return 100.0 * Indel.normalized_similarity(a, b)


def diff_pieces(old: str, new: str) -> list[tuple[str, str]]:
    """``[("=" | "-" | "+", text), ...]``: the old and new source word by word, for the page to mark.

    Words and the spaces after them are the units (difflib over tokens), so
    the marks fall on what an editor reads, not on single characters.
    """
    import difflib
    import re

    a = re.findall(r"\S+\s*|\s+", old)
    b = re.findall(r"\S+\s*|\s+", new)
    out: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(("=", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            out.append(("-", "".join(a[i1:i2])))
        if j2 > j1:
            out.append(("+", "".join(b[j1:j2])))
    return out
