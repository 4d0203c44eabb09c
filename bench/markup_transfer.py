"""Markup transfer measured on human translations (issue 13, item 6).

The way Zenkel et al. (2021, "Automatic Bilingual Markup Transfer") and Lilt's
``markup-tag-evaluation`` measure it: take a paragraph and the translation a
person wrote, strip the translation's markup to plain text, put the source's
inline codes into that plain text with the project's placement chain (no model:
the situation of an editor's text or of two human versions), and count the
codes that land where the person put them.

Where the pairs come from: the block-level alignment gold of the shared real
articles (``tests/support/align_gold/shared/*.json``, every link read by hand;
``--heldout-dir`` adds the held-out pairs of ``align_gold/heldout``, whose
articles are kept outside the repository). A 1-1 link between two prose blocks
whose units have the same kinds gives one pair of units per direction (FR->EN
and EN->FR).

Which codes count: a source code is scored when the human's version has its
counterpart (same kind, same tag or shortcode name, same link target or code
text where those tell them apart; else the k-th of its family). Every source
code is placed, scored or not, as in real use.

Scores (per code, over word tokens ``\\w+``, so ``**foo**.`` and ``**foo.**``
are the same placement):

- ``exact``: Zenkel's tag accuracy: the placed code covers exactly the words the
  human's covers (a zero-length code: the same word boundary);
- ``token F1``: mean over span codes of the F1 of the covered words;
- ``flagged wrong``: share of the inexact placements that carry a
  ``markup_uncertain`` flag (what an editor is told to check), and
  ``false alarms``: share of the exact ones flagged anyway.

The same run scores a relative-position baseline (each code's start and end
mapped by their relative offset, snapped to word boundaries), so the figures
compare in one table. The split: ``dev`` pairs were read while tuning the
placement; ``held-out`` pairs were not.

    PYTHONPATH=$PWD python bench/markup_transfer.py                 # dev and held-out of the shared pairs
    PYTHONPATH=$PWD python bench/markup_transfer.py --heldout-dir /work/heldout-align
    PYTHONPATH=$PWD python bench/markup_transfer.py --show wrong --set dev   # every inexact placement
"""
from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Sequence

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "tests" / "support" / "align_gold"
CORPUS = ROOT.parent / "shared" / "corpus" / "real"

# Shared pairs whose paragraphs were read while tuning the placement; the others are held out.
DEV_PAIRS = ("cds-why-open-source-matters", "letsencrypt-challenge-types", "otel-dotnet-getting-started", "learn-home")
PROSE_KINDS = {"heading", "paragraph", "list_item", "table_row", "quote", "front_matter"}
SPAN_KINDS_SKIPPED = {"hardbreak"}  # a line break's place follows the human's line wrapping, not the words

_WORD = re.compile(r"\w+")


# ---------------------------------------------------------------- pairs of units


@dataclass
class UnitPair:
    """One source unit and the human's translation of it, with their codes."""

    article: str
    direction: str  # "fr-en" / "en-fr"
    src_text: str
    src_codes: list
    tgt_text: str
    tgt_codes: list
    line: int  # the source unit's first line, to find it again


def _gold_files(gold_dir: Path) -> list[Path]:
    return sorted(p for p in gold_dir.glob("*.json") if not p.name.startswith("drift-"))


def _blocks(gold: dict, side: str) -> dict[str, tuple[str, int, int]]:
    return {row[0]: (row[1], row[2], row[3]) for row in gold["blocks"][side]}


def _one_to_one(gold: dict) -> Iterable[tuple[tuple[str, int, int], tuple[str, int, int]]]:
    a_blocks, b_blocks = _blocks(gold, "a"), _blocks(gold, "b")
    for link in gold["links"]:
        left, right = (side.split() for side in link.split("="))
        if len(left) == 1 == len(right) and left[0] != "-" and right[0] != "-":
            a, b = a_blocks[left[0]], b_blocks[right[0]]
            if a[0] in PROSE_KINDS and a[0] == b[0]:
                yield a, b


def _units_in(doc, first: int, last: int) -> list:
    return [u for u in doc.units if first <= u.line <= last]


def unit_pairs(gold_path: Path, articles_dir: Path) -> list[UnitPair]:
    """The unit pairs of one gold file, both directions."""
    from pipeline.config import DEFAULTS
    from pipeline.markdown.encoding import read_article
    from pipeline.markdown.extract import extract_text

    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    docs = {}
    for side in ("a", "b"):
        path = _article_path(articles_dir, gold["name"], gold[side]["file"])
        text, _ = read_article(path)
        docs[side] = (extract_text(text, str(path), DEFAULTS, gold[side]["lang"]), gold[side]["lang"])
    pairs: list[UnitPair] = []
    for a, b in _one_to_one(gold):
        ua = _units_in(docs["a"][0], a[1], a[2])
        ub = _units_in(docs["b"][0], b[1], b[2])
        if len(ua) != len(ub) or [u.kind for u in ua] != [u.kind for u in ub]:
            continue
        for x, y in zip(ua, ub):
            for (src, sl), (tgt, tl) in (((x, docs["a"][1]), (y, docs["b"][1])), ((y, docs["b"][1]), (x, docs["a"][1]))):
                if src.codes:
                    pairs.append(UnitPair(gold["name"], f"{sl}-{tl}", src.text, src.codes, tgt.text, tgt.codes, src.line))
    return pairs


def _article_path(articles_dir: Path, name: str, file: str) -> Path:
    for candidate in (articles_dir / file, articles_dir / name / file, articles_dir / name / Path(file).name):
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(f"{file} of {name} is not under {articles_dir}")


# ---------------------------------------------------------------- which codes correspond


def family(code) -> str:
    """What a person would keep when translating the code: its kind and tag or shortcode name."""
    if code.kind == "html":
        m = re.match(r"</?\s*([A-Za-z][\w-]*)", code.open)
        return "html:" + (m.group(1).lower() if m else code.open[:10])
    if code.kind == "shortcode":
        m = re.match(r"\{\{[<%]\s*/?\s*([\w./-]+)", code.open)
        return "shortcode:" + (m.group(1) if m else "")
    if code.kind in ("bold", "italic", "strike", "emphasis"):
        return code.kind
    return code.kind


def _identity(code, text: str) -> str:
    """What tells two codes of one family apart: a link's target (language folder aside), a code span's text."""
    if code.kind in ("link", "image"):
        target = re.sub(r"/(en|fr)(/|$)", r"/\2", code.close)
        return target
    if code.replaces_text:
        return text[code.start:code.end]
    return ""


def correspondence(src_text: str, src_codes: Sequence, tgt_text: str, tgt_codes: Sequence) -> dict[int, int]:
    """Source code index -> index of its counterpart in the human's codes.

    Within a family, codes with the same identity pair in order; what is left
    pairs in order only when both sides have as many left (else it is not
    clear which is which, and they are not scored).
    """
    out: dict[int, int] = {}
    by_family: dict[str, tuple[list[int], list[int]]] = defaultdict(lambda: ([], []))
    for i, c in enumerate(src_codes):
        if c.kind not in SPAN_KINDS_SKIPPED:
            by_family[family(c)][0].append(i)
    for j, c in enumerate(tgt_codes):
        if c.kind not in SPAN_KINDS_SKIPPED:
            by_family[family(c)][1].append(j)
    for src_ids, tgt_ids in by_family.values():
        left_s, left_t = list(src_ids), list(tgt_ids)
        ids_s = [_identity(src_codes[i], src_text) for i in src_ids]
        ids_t = [_identity(tgt_codes[j], tgt_text) for j in tgt_ids]
        if any(ids_s):
            for i, key in zip(src_ids, ids_s):
                matches = [j for j, k in zip(tgt_ids, ids_t) if k == key and j in left_t]
                if key and matches:
                    out[i] = matches[0]
                    left_s.remove(i)
                    left_t.remove(matches[0])
        if len(left_s) == len(left_t):
            out.update(zip(left_s, left_t))
    return out


# ---------------------------------------------------------------- scoring one code


def words(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in _WORD.finditer(text)]


def covered(span: tuple[int, int], toks: list[tuple[int, int]]) -> frozenset[int]:
    s, e = span
    return frozenset(k for k, (a, b) in enumerate(toks) if a < e and s < b)


def boundary(p: int, toks: list[tuple[int, int]]) -> int:
    """The word boundary of an offset: how many words end at or before it."""
    return sum(1 for _, b in toks if b <= p)


@dataclass
class Score:
    exact: bool
    f1: float | None  # None for zero-length codes


def score(predicted: tuple[int, int], reference: tuple[int, int], text: str) -> Score:
    """Zenkel's exactness over word tokens, and the token F1 of a span."""
    toks = words(text)
    ref_words, got_words = covered(reference, toks), covered(predicted, toks)
    if reference[0] == reference[1] or not ref_words:
        if reference[0] == reference[1]:
            same = predicted[0] == predicted[1] and boundary(predicted[0], toks) == boundary(reference[0], toks)
        else:  # a span over punctuation only: the same characters
            same = predicted == reference
        return Score(same, None)
    if not got_words:
        return Score(False, 0.0)
    common = len(ref_words & got_words)
    f1 = 2 * common / (len(ref_words) + len(got_words))
    return Score(ref_words == got_words, f1)


# ---------------------------------------------------------------- placers


def chain_placer(pair: UnitPair):
    """The project's placement chain, without a model: codes and the ids it flagged."""
    from pipeline.placement import place_codes

    placement = place_codes(pair.src_text, pair.src_codes, pair.tgt_text)
    return [(c.start, c.end) for c in placement.codes], set(placement.uncertain)


def relative_placer(pair: UnitPair):
    """Baseline: each offset mapped by its relative position, snapped to the nearest word boundary."""
    toks = words(pair.tgt_text)
    starts = [a for a, _ in toks] or [0]
    ends = [b for _, b in toks] or [len(pair.tgt_text)]
    ratio = len(pair.tgt_text) / max(1, len(pair.src_text))
    out = []
    for c in pair.src_codes:
        s = min(starts, key=lambda a: abs(a - c.start * ratio))
        if c.end <= c.start:
            out.append((s, s))
            continue
        e = min((b for b in ends if b > s), key=lambda b: abs(b - c.end * ratio), default=s)
        out.append((s, e))
    return out, set()


PLACERS: dict[str, Callable] = {"chain": chain_placer, "relative": relative_placer}


# ---------------------------------------------------------------- the run


@dataclass
class Tally:
    codes: int = 0
    exact: int = 0
    spans: int = 0
    f1_sum: float = 0.0
    wrong: int = 0
    wrong_flagged: int = 0
    right_flagged: int = 0
    by_kind: Counter = field(default_factory=Counter)
    exact_by_kind: Counter = field(default_factory=Counter)

    def add(self, kind: str, s: Score, flagged: bool) -> None:
        self.codes += 1
        self.by_kind[kind] += 1
        if s.f1 is not None:
            self.spans += 1
            self.f1_sum += s.f1
        if s.exact:
            self.exact += 1
            self.exact_by_kind[kind] += 1
            self.right_flagged += flagged
        else:
            self.wrong += 1
            self.wrong_flagged += flagged

    def row(self) -> dict[str, float]:
        return {
            "codes": self.codes,
            "exact": self.exact / self.codes if self.codes else 0.0,
            "token_f1": self.f1_sum / self.spans if self.spans else 0.0,
            "wrong_flagged": self.wrong_flagged / self.wrong if self.wrong else 1.0,
            "false_alarms": self.right_flagged / self.exact if self.exact else 0.0,
        }


def split_of(article: str, heldout_names: set[str]) -> str:
    if article in heldout_names:
        return "held-out (other sites)"
    return "dev" if article in DEV_PAIRS else "held-out"


def evaluate(pairs: list[UnitPair], placers: Sequence[str], split: Callable[[UnitPair], str], show: str = "", show_set: str = ""):
    tallies: dict[tuple[str, str], Tally] = defaultdict(Tally)
    skipped = Counter()
    for pair in pairs:
        match = correspondence(pair.src_text, pair.src_codes, pair.tgt_text, pair.tgt_codes)
        skipped["source codes without a counterpart"] += len(pair.src_codes) - len(match)
        where = split(pair)
        for name in placers:
            placed, flagged = PLACERS[name](pair)
            for i, j in sorted(match.items()):
                ref = pair.tgt_codes[j]
                s = score(placed[i], (ref.start, ref.end), pair.tgt_text)
                kind = _kind_group(pair.src_codes[i])
                tallies[(where, name)].add(kind, s, i in flagged)
                tallies[("all", name)].add(kind, s, i in flagged)
                if show and name == "chain" and (not show_set or where.startswith(show_set)):
                    if show == "all" or (show == "wrong" and not s.exact) or (show == "silent" and not s.exact and i not in flagged):
                        _print_case(pair, i, placed[i], (ref.start, ref.end), i in flagged)
    return tallies, skipped


def _kind_group(code) -> str:
    if code.replaces_text:
        return "substitution"
    if code.start >= code.end:
        return "point"
    return "span"


def _mark(text: str, span: tuple[int, int]) -> str:
    s, e = span
    return text[:s] + "⟦" + text[s:e] + "⟧" + text[e:]


def _print_case(pair: UnitPair, i: int, got: tuple[int, int], ref: tuple[int, int], flagged: bool) -> None:
    c = pair.src_codes[i]
    print(f"--- {pair.article} {pair.direction} line {pair.line} #{c.id} {c.kind} {'(flagged)' if flagged else '(SILENT)'}")
    print("  src:", _mark(pair.src_text, (c.start, c.end)).replace("\n", " "))
    print("  ref:", _mark(pair.tgt_text, ref).replace("\n", " "))
    print("  got:", _mark(pair.tgt_text, got).replace("\n", " "))


def load_pairs(gold_dir: Path, corpus: Path, heldout_dir: Path | None) -> tuple[list[UnitPair], set[str]]:
    pairs: list[UnitPair] = []
    for path in _gold_files(gold_dir / "shared"):
        pairs.extend(unit_pairs(path, corpus))
    heldout_names: set[str] = set()
    if heldout_dir is not None:
        for path in _gold_files(gold_dir / "heldout"):
            name = json.loads(path.read_text(encoding="utf-8"))["name"]
            try:
                pairs.extend(unit_pairs(path, heldout_dir))
            except FileNotFoundError as exc:
                print(f"skipped {name}: {exc}", file=sys.stderr)
                continue
            heldout_names.add(name)
    return pairs, heldout_names


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--gold", type=Path, default=GOLD, help="align_gold folder (shared/ and heldout/ inside)")
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="the shared real articles")
    parser.add_argument("--heldout-dir", type=Path, default=None, help="articles of align_gold/heldout (kept outside the repo)")
    parser.add_argument("--placers", default="chain,relative", help="comma-separated: " + ", ".join(PLACERS))
    parser.add_argument("--show", choices=("wrong", "silent", "all"), default="", help="print placements of the chain")
    parser.add_argument("--set", default="", help="with --show: only this split (dev, held-out)")
    parser.add_argument("--json", type=Path, default=None, help="write the figures there")
    args = parser.parse_args(argv)
    if not (args.gold / "shared").is_dir():
        print(f"no alignment gold at {args.gold / 'shared'}: pass --gold", file=sys.stderr)
        return 2
    started = time.perf_counter()
    pairs, heldout_names = load_pairs(args.gold, args.corpus, args.heldout_dir)
    placers = [p for p in args.placers.split(",") if p]
    tallies, skipped = evaluate(pairs, placers, lambda p: split_of(p.article, heldout_names), args.show, args.set)
    print(f"markup transfer on human translations: {len(pairs)} unit pairs (both directions), "
          f"load average {os.getloadavg()[0]:.2f}, {time.perf_counter() - started:.1f} s")
    for what, n in skipped.items():
        print(f"  {what}: {n} (placed, not scored)")
    header = f"{'set':<24}{'placer':<10}{'codes':>6}{'exact':>8}{'tokF1':>8}{'wrong flagged':>15}{'false alarms':>14}   exact by kind"
    print(header)
    figures = {}
    for (where, name), t in sorted(tallies.items()):
        r = t.row()
        figures[f"{where}/{name}"] = r
        kinds = ", ".join(f"{k} {t.exact_by_kind[k]}/{n}" for k, n in sorted(t.by_kind.items()))
        print(f"{where:<24}{name:<10}{r['codes']:>6}{r['exact']:>8.3f}{r['token_f1']:>8.3f}"
              f"{r['wrong_flagged']:>15.3f}{r['false_alarms']:>14.3f}   {kinds}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
