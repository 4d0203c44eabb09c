"""Segment by segment: where bitext's output differs from the bare model's, and why; what became of markup.

The reasons are read from what the pipeline recorded while translating (each
unit's ``ModelTrace`` and flags, the document's encoding repairs), not guessed
from the texts. Each reason has a kind:

- ``split``: the segment went to the model in several pieces (sentences, or
  chunks of a sentence too long for the model);
- ``guard``: a guard acted: empty input, a piece without words copied through,
  a repetition loop or an abnormal length retried, an empty output replaced;
- ``placeholder``: terms or URLs went through the model as placeholders;
- ``markup``: the article's escapes or markup had to be placed back;
- ``repair``: the encoding of the segment was repaired before translation;
- ``failed``: the article failed (its error is the reason);
- ``batch``: none of the above, and the bare model given the segment alone
  answers what the pipeline wrote: the model's output depends on the other
  segments of its batch (padding, the batch's length budget), in both passes
  (``diagnose_batches``);
- ``unexplained``: none of the above happened, yet the outputs differ. That
  is a bitext defect to look at.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from .articles import SegmentArticle
from .passes import SegmentResult

DELIBERATE = ("split", "guard", "placeholder", "markup", "repair")
EXPLAINED = DELIBERATE + ("batch",)


@dataclass
class Reason:
    kind: str
    text: str

    def as_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "text": self.text}


def reasons(article: SegmentArticle, result: SegmentResult, bare_output: str) -> list[Reason]:
    """Why the pipeline's output for this segment may differ from the bare model's."""
    if result.status == "empty":
        return [Reason("guard", "empty input: bitext sends nothing to the model "
                                f"(the bare model answered {bare_output[:40]!r})")]
    if result.status == "failed":
        return [Reason("failed", f"the article failed: {result.error}")]
    found: list[Reason] = []
    doc = result.document
    if doc is not None and doc.encoding.mojibake:
        found.append(Reason("repair", "the segment's encoding was repaired (mojibake) before translation"))
    units = doc.units if doc is not None else []
    if not units:
        found.append(Reason("guard", "no words to translate: bitext copies the segment through"))
    for unit in units:
        found.extend(_unit_reasons(unit))
    escapes = sum(1 for u in units for c in u.codes if c.kind == "escape")
    if escapes and not article.spans:
        found.append(Reason("markup", f"{escapes} backslash escape(s) the segment needs as markdown, placed back"))
    return found


def _unit_reasons(unit: Any) -> list[Reason]:
    found: list[Reason] = []
    trace = unit.mt
    kept = [c for c in unit.codes if c.replaces_text and c.kind in ("url", "emoji", "code") and c.end > c.start]
    if trace is None and kept:  # identity, pseudo: whole units, their code texts left alone
        found.append(Reason("placeholder", f"{len(kept)} URL(s) or code span(s) kept as they are by the backend"))
    if trace is not None:
        if trace.sentences > 1:
            found.append(Reason("split", f"split into {trace.sentences} sentences"))
        if trace.pieces > max(trace.sentences, 1):
            found.append(Reason("split", f"sent to the model in {trace.pieces} pieces (a sentence too long for it was cut)"))
        if trace.copied:
            found.append(Reason("guard", f"{trace.copied} piece(s) without words kept without the model"))
        for problem in trace.retried:
            found.append(Reason("guard", f"{_PROBLEMS.get(problem, problem)}: translated again with other decoding settings"))
        if trace.placeholders:
            found.append(Reason("placeholder", f"{trace.placeholders} term(s) or URL(s) sent to the model as placeholders"))
        if trace.unprotected:
            found.append(Reason("placeholder", "the model lost a placeholder: translated again with the terms in"))
    for flag in unit.flags:
        code = flag.get("code", "")
        if code == "untranslated":
            found.append(Reason("guard", "the model returned nothing: the source text is kept"))
        elif code == "markup_uncertain":
            found.append(Reason("markup", "inline codes placed by a guess (flagged for the editor)"))
        elif code not in ("repetition", "length_ratio"):  # those were retried: said above
            found.append(Reason("guard", f"flag {code}: {flag.get('reason', '')}"))
    return found


_PROBLEMS = {"repetition": "repetition loop", "length_ratio": "output length out of bounds"}


@dataclass
class SegmentComparison:
    """One segment in both passes."""

    index: int
    source: str
    reference: str
    bare: str
    pipeline: str
    reasons: list[Reason] = field(default_factory=list)
    chrf_bare: float = 0.0
    chrf_pipeline: float = 0.0

    @property
    def identical(self) -> bool:
        return self.bare == self.pipeline

    @property
    def unexplained(self) -> bool:
        return not self.identical and not any(r.kind in EXPLAINED for r in self.reasons)

    @property
    def delta(self) -> float:
        return self.chrf_pipeline - self.chrf_bare

    def as_dict(self) -> dict[str, Any]:
        return {"index": self.index, "source": self.source, "reference": self.reference, "bare": self.bare,
                "pipeline": self.pipeline, "identical": self.identical,
                "chrf_bare": round(self.chrf_bare, 2), "chrf_pipeline": round(self.chrf_pipeline, 2),
                "reasons": [r.as_dict() for r in self.reasons], "unexplained": self.unexplained}


def compare(sources: list[str], references: list[str], articles: list[SegmentArticle], bare: list[str],
            results: list[SegmentResult]) -> list[SegmentComparison]:
    """Every segment, with its reasons and its sentence chrF in both passes."""
    from .score import sentence_chrf

    pipeline = [r.text for r in results]
    chrf_bare, chrf_pipeline = sentence_chrf(bare, references), sentence_chrf(pipeline, references)
    out = []
    for n, (src, ref) in enumerate(zip(sources, references)):
        out.append(SegmentComparison(n, src, ref, bare[n], pipeline[n], reasons(articles[n], results[n], bare[n]),
                                     chrf_bare[n], chrf_pipeline[n]))
    return out


def diagnose_batches(comparisons: list[SegmentComparison], translate_alone) -> int:
    """Give each unexplained segment to the bare model alone; where that gives the pipeline's output,
    the difference came from batching, not from bitext. Returns how many were so explained.

    ``translate_alone(text)`` is the backend's ``translate`` on a batch of one.
    """
    explained = 0
    for c in comparisons:
        if not c.unexplained:
            continue
        alone = " ".join(translate_alone(c.source).split("\n"))
        if alone == c.pipeline:
            c.reasons.append(Reason("batch", "the bare model gives bitext's output when the segment is translated "
                                             "alone: its output depends on the other segments of its batch"))
            explained += 1
    return explained


def summary(comparisons: list[SegmentComparison]) -> dict[str, Any]:
    """Counts: identical, different, and the different ones by kind of reason (a segment may have several)."""
    different = [c for c in comparisons if not c.identical]
    kinds = Counter(kind for c in different for kind in sorted({r.kind for r in c.reasons}))
    return {
        "segments": len(comparisons),
        "identical": len(comparisons) - len(different),
        "different": len(different),
        "different_by_reason": dict(sorted(kinds.items())),
        "unexplained": sum(1 for c in different if c.unexplained),
        "identical_with_reasons": sum(1 for c in comparisons if c.identical and c.reasons),
    }


def most_different(comparisons: list[SegmentComparison], count: int) -> list[SegmentComparison]:
    """The different segments whose sentence chrF moved most, unexplained ones first."""
    different = [c for c in comparisons if not c.identical]
    return sorted(different, key=lambda c: (not c.unexplained, -abs(c.delta), c.index))[:count]


# --------------------------------------------------------------------------
# Markup: every span kept, and which step of the placement chain placed it

#: Flags that put the whole unit's markup before the editor (they name no code).
UNIT_MARKUP_FLAGS = ("markup_changed",)
#: The step of a span that no placement moved: backends that keep the codes where they are (identity, pseudo).
KEPT_IN_PLACE = "kept in place"


@dataclass
class SpanOutcome:
    """One markup span of a source segment, as the pipeline carried it."""

    segment: int
    kind: str
    source_text: str
    step: str  # the placement step that placed it (the unit's own record)
    flagged: bool  # named in the unit's markup_uncertain flag
    in_output: bool  # a reader of the output sees it (markup with text inside)

    @property
    def lost(self) -> bool:
        """Neither in the output nor flagged for the editor: dropped silently."""
        return not self.in_output and not self.flagged

    def as_dict(self) -> dict[str, Any]:
        return {"segment": self.segment, "kind": self.kind, "text": self.source_text, "step": self.step,
                "flagged": self.flagged, "in_output": self.in_output, "lost": self.lost}


def span_outcomes(index: int, article: SegmentArticle, result: SegmentResult) -> list[SpanOutcome]:
    """What became of each span of ``article`` in the pipeline's output.

    The step and the flag come from the translated unit (placement's record;
    a span is flagged when a flag of the unit names its code);
    whether the span is in the output is read in the written markdown by a
    CommonMark reader: bold with text, a link with the span's address, a code
    span with the source's code.
    """
    if not article.spans:
        return []
    unit = result.document.units[0] if result.document is not None and result.document.units else None
    seen = _markup_in(result.markdown) if result.status == "done" else Counter()
    outcomes = []
    for span in article.spans:
        code = None
        if unit is not None:
            code = next((c for c in unit.codes if (c.kind, c.start, c.end) == (span.kind, span.start, span.end)), None)
        step, flagged = "missing", False
        if unit is not None and code is not None:
            step = unit.mt.placed_by.get(str(code.id), "missing") if unit.mt is not None else KEPT_IN_PLACE
            flagged = any(str(code.id) in str(flag.get("codes", "")).split(",") or flag.get("code") in UNIT_MARKUP_FLAGS
                          for flag in unit.flags)
        key = _span_key(span.kind, article.text[span.start:span.end], span.url)
        in_output = seen[key] > 0
        if in_output:
            seen[key] -= 1
        outcomes.append(SpanOutcome(index, span.kind, article.text[span.start:span.end], step, flagged, in_output))
    return outcomes


def _span_key(kind: str, text: str, url: str | None) -> tuple[str, str]:
    if kind == "link":
        return ("link", url or "")
    if kind == "code":
        return ("code", text)
    return ("bold", "")


def _markup_in(markdown: str) -> Counter:
    """Bold runs with text, links by address, code spans by content, as CommonMark reads ``markdown``."""
    from .articles import _markdown

    seen: Counter = Counter()
    for token in _markdown().parse(markdown):
        children = token.children or []
        for k, child in enumerate(children):
            if child.type == "strong_open" and k + 1 < len(children) and children[k + 1].type != "strong_close":
                seen[("bold", "")] += 1
            elif child.type == "link_open" and k + 1 < len(children) and children[k + 1].type != "link_close":
                seen[("link", child.attrs.get("href", ""))] += 1
            elif child.type == "code_inline" and child.content:
                seen[("code", child.content)] += 1
    return seen


def markup_summary(outcomes: list[SpanOutcome]) -> dict[str, Any]:
    """Counts over every span: kept, flagged, lost; by placement step (flagged or not) and by kind."""
    by_step: dict[str, dict[str, int]] = {}
    for o in outcomes:
        cell = by_step.setdefault(o.step, {"spans": 0, "flagged": 0})
        cell["spans"] += 1
        cell["flagged"] += o.flagged
    return {
        "spans": len(outcomes),
        "in_output": sum(o.in_output for o in outcomes),
        "flagged": sum(o.flagged for o in outcomes),
        "lost": sum(o.lost for o in outcomes),
        "by_step": dict(sorted(by_step.items())),
        "by_kind": dict(sorted(Counter(o.kind for o in outcomes).items())),
    }
