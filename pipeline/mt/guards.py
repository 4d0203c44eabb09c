"""Drive a translator over text units, guarding against opus-mt's known failures.

What goes wrong with MarianMT on real articles, and what is done here:

- Empty, whitespace-only, punctuation-, emoji- or number-only input makes
  opus-mt invent text (" " comes back as "I don't know."): such pieces never
  reach the model, they are copied through.
- A paragraph longer than the model's positions is cut off: units are split
  into sentences, and over-long sentences into chunks (segment.py).
- Leading/trailing whitespace is lost by the tokenizer: each piece's is kept
  aside and put back.
- Repetition loops ("the the the ...") and outputs much longer or shorter
  than the source (dropped sentences) happen with beam search: the
  segment is retried once with other decoding settings (more beams,
  ``no_repeat_ngram_size``, ``repetition_penalty``) and flagged
  ``repetition`` / ``length_ratio`` if still wrong.
- Do-not-translate terms are replaced by placeholders the model can copy,
  then restored; where a placeholder is lost, the segment is translated
  again with the term left in, and flagged ``dnt`` if the term is missing.

Every segment of every text goes to the translator in one call, so the
backend can sort the whole article by length for throughput; identical
segments are translated once.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

from .base import Translator
from .segment import SentenceSplitter, chunk_for_model

_WORDLIKE = re.compile(r"[^\W\d_]", re.UNICODE)  # a letter: digits alone are copied
_LOOP = re.compile(r"(\S.{1,39}?)(?:\s*\1){3,}", re.DOTALL)  # a unit repeated 4+ times in a row
_BARE_ADDRESS = re.compile(r"\S+://\S+|[\w.+-]+@[\w-]+(\.[\w-]+)+|www\.\S+")
DEFAULT_MAX_TOKENS = 254


@dataclass
class TranslationResult:
    """The translation of one text, with what the guards noticed."""

    target: str
    flags: list[dict[str, str]] = field(default_factory=list)
    sentences: int = 0
    source_tokens: int = 0
    target_tokens: int = 0
    # What happened on the way (``document.ModelTrace``): pieces sent to the model, pieces with text
    # kept without it, placeholders, problems that made a piece be translated again, pieces translated
    # again without placeholders.
    pieces: int = 0
    copied: int = 0
    placeholders: int = 0
    retried: list[str] = field(default_factory=list)
    unprotected: int = 0


@dataclass(frozen=True)
class GuardSettings:
    """Thresholds of the output checks and the decoding used for the retry.

    Length bounds are in characters: ``min_ratio * len(src) - slack <=
    len(out) <= max_ratio * len(src) + slack``. EN↔FR translations stay
    within 0.7-1.4 of the source; the slack keeps short titles ("Oui." →
    "Yes.") from being flagged.
    """

    min_ratio: float = 0.4
    max_ratio: float = 2.2
    slack: int = 8
    retry: tuple[tuple[str, Any], ...] = (("num_beams", 6), ("no_repeat_ngram_size", 3), ("repetition_penalty", 1.3))
    placeholder: str = "XZ{n}Q"


# --------------------------------------------------------------------------
# Planning: texts → pieces copied through and segments for the model


@dataclass
class _Piece:
    lead: str
    core: str
    trail: str
    segment: int | None = None  # index into the segment list; None: copied through
    sentence: int = 0


@dataclass
class _Segment:
    source: str  # what the model sees: whitespace normalized, DNT terms replaced
    plain: str  # the same with the terms left in
    terms: list[str]
    output: str = ""
    problems: list[tuple[str, str]] = field(default_factory=list)
    retried: list[str] = field(default_factory=list)  # problems of the first output, when it was retried
    unprotected: bool = False


def _plan(text: str, splitter: SentenceSplitter, length: Callable[[str], int], max_tokens: int) -> tuple[list[_Piece], int]:
    """Cut ``text`` into pieces; return them and the number of sentences."""
    spans = splitter.split(text)
    pieces: list[_Piece] = []
    position = 0
    for number, (start, end) in enumerate(spans):
        if start > position:
            pieces.append(_Piece(text[position:start], "", ""))
        for chunk in chunk_for_model(text[start:end], length, max_tokens):
            core = chunk.strip()
            lead = chunk[: len(chunk) - len(chunk.lstrip())]
            pieces.append(_Piece(lead, core, chunk[len(lead) + len(core):], sentence=number))
        position = end
    if position < len(text) or not pieces:
        pieces.append(_Piece(text[position:], "", ""))
    return pieces, len(spans)


def translatable(text: str) -> bool:
    """False for empty, whitespace, punctuation, emoji or number-only text, or a bare URL or e-mail."""
    return bool(_WORDLIKE.search(text)) and not _BARE_ADDRESS.fullmatch(text.strip())


def protect(text: str, terms: Sequence[str], placeholder: str = "XZ{n}Q") -> tuple[str, list[str]]:
    """Replace each do-not-translate term (whole words, longest first) by a placeholder.

    Returns the protected text and the terms in placeholder order.
    """
    if not terms:
        return text, []
    # word characters at a term's ends must sit on word boundaries ("art" is not in "partie");
    # a term that starts or ends otherwise (an emoji, a URL's slash) may touch a word: "🚨Alerte"
    alternatives = "|".join(
        (r"(?<!\w)" if re.match(r"\w", t) else "") + re.escape(t) + (r"(?!\w)" if re.search(r"\w$", t) else "")
        for t in sorted(set(terms), key=len, reverse=True)
    )
    pattern = re.compile(f"(?:{alternatives})")
    found: list[str] = []

    def swap(match: re.Match[str]) -> str:
        found.append(match.group(0))
        return placeholder.format(n=len(found) - 1)

    return pattern.sub(swap, text), found


def restore(text: str, terms: list[str], placeholder: str = "XZ{n}Q") -> str | None:
    """Put the terms back in place of their placeholders; None if one is missing.

    Matching forgives case and spaces the model may put inside a placeholder.
    """
    for n, term in enumerate(terms):
        literal = placeholder.format(n=n)
        pattern = re.compile(r"\s?".join(re.escape(c) for c in literal), re.IGNORECASE)
        text, count = pattern.subn(lambda _m, term=term: term, text, count=1)
        if count == 0:
            return None
    return text


# --------------------------------------------------------------------------
# Checks


def repetition(source: str, output: str) -> str:
    """Describe a repetition loop in ``output`` that ``source`` does not have, or ""."""
    for match in _LOOP.finditer(output):
        unit = match.group(1).strip()
        if not _WORDLIKE.search(unit) or _LOOP.search(source) and unit in source:
            continue
        times = len(re.findall(re.escape(unit), match.group(0)))
        return f"{unit!r} repeated {times} times"
    return ""


def length_problem(source: str, output: str, settings: GuardSettings) -> str:
    """Describe an abnormal output length (characters), or ""."""
    n_src, n_out = len(source), len(output.strip())
    low = settings.min_ratio * n_src - settings.slack
    high = settings.max_ratio * n_src + settings.slack
    if low <= n_out <= high:
        return ""
    ratio = n_out / n_src if n_src else float("inf")
    return f"output/source length {n_out}/{n_src} chars = {ratio:.2f}, outside {settings.min_ratio}-{settings.max_ratio}"


def check(source: str, output: str, settings: GuardSettings) -> list[tuple[str, str]]:
    """The problems of one segment's translation, as ``(code, reason)``."""
    problems = []
    loop = repetition(source, output)
    if loop:
        problems.append(("repetition", loop))
    length = length_problem(source, output, settings)
    if length:
        problems.append(("length_ratio", length))
    return problems


# --------------------------------------------------------------------------
# Translation with retry


def _call(translator: Translator, batch: list[str], overrides: dict[str, Any]) -> list[str]:
    out = translator.translate(batch, **overrides) if overrides else translator.translate(batch)
    if len(out) != len(batch):
        raise ValueError(f"translator {translator.name!r} returned {len(out)} strings for {len(batch)}")
    return out


def translate_checked(sources: list[str], translator: Translator, settings: GuardSettings,
                      retried: dict[str, list[str]] | None = None) -> list[tuple[str, list[tuple[str, str]]]]:
    """Translate unique ``sources``; retry failed ones once with ``settings.retry``.

    Of the two outputs, the retry's is kept unless it has more problems; the
    problems left are returned, reasons saying a retry was made. ``retried``,
    when given, receives the problems of each source that was retried, even
    when the retry fixed them.
    """
    outputs = _call(translator, sources, {})
    results = [(out, check(src, out, settings)) for src, out in zip(sources, outputs)]
    failed = [i for i, (_, problems) in enumerate(results) if problems]
    if not failed:
        return results
    if not translator.accepts_decoding_overrides:
        note = f" (no retry: backend {translator.name!r} has no decoding settings)"
        return [(out, [(c, r + note) for c, r in problems]) for out, problems in results]
    retry = dict(settings.retry)
    second = _call(translator, [sources[i] for i in failed], retry)
    note = " after a retry with " + ", ".join(f"{k}={v}" for k, v in settings.retry)
    for i, out in zip(failed, second):
        if retried is not None:
            retried[sources[i]] = [code for code, _ in results[i][1]]
        problems = check(sources[i], out, settings)
        if len(problems) <= len(results[i][1]):
            results[i] = (out, problems)
        results[i] = (results[i][0], [(c, r + note) for c, r in results[i][1]])
    return results


def _translate_segments(segments: list[_Segment], translator: Translator, settings: GuardSettings) -> None:
    """Fill ``output``/``problems`` of every segment, identical sources translated once."""
    unique = list(dict.fromkeys(s.source for s in segments))
    retried: dict[str, list[str]] = {}
    done = dict(zip(unique, translate_checked(unique, translator, settings, retried)))
    lost: list[_Segment] = []
    for seg in segments:
        output, problems = done[seg.source]
        seg.retried = list(retried.get(seg.source, []))
        restored = restore(output, seg.terms, settings.placeholder)
        if restored is None:
            lost.append(seg)
            continue
        seg.output, seg.problems = restored, list(problems)
    if lost:
        _retranslate_unprotected(lost, translator, settings)


def _retranslate_unprotected(segments: list[_Segment], translator: Translator, settings: GuardSettings) -> None:
    """The model dropped a placeholder: translate with the terms in, check they survive."""
    unique = list(dict.fromkeys(s.plain for s in segments))
    retried: dict[str, list[str]] = {}
    done = dict(zip(unique, translate_checked(unique, translator, settings, retried)))
    for seg in segments:
        output, problems = done[seg.plain]
        seg.output, seg.problems, seg.unprotected = output, list(problems), True
        seg.retried += [code for code in retried.get(seg.plain, []) if code not in seg.retried]
        missing = [t for t in dict.fromkeys(seg.terms) if t not in output]
        if missing:
            seg.problems.append(("dnt", f"do-not-translate term(s) {missing} not found in the translation"))


# --------------------------------------------------------------------------
# The entry point


def translate_texts(
    texts: list[str],
    translator: Translator,
    splitter: SentenceSplitter,
    *,
    dnt_terms: Sequence[str] = (),
    max_tokens: int | None = None,
    settings: GuardSettings | None = None,
) -> list[TranslationResult]:
    """Translate ``texts`` (text units) sentence by sentence, with the guards above.

    ``max_tokens`` defaults to the translator's ``max_input_tokens`` (half
    the model's positions), else 254.
    """
    settings = settings or GuardSettings()
    source_len, target_len = translator.source_tokens, translator.target_tokens
    limit = max_tokens or translator.max_input_tokens or DEFAULT_MAX_TOKENS
    plans: list[tuple[list[_Piece], int]] = []
    segments: list[_Segment] = []
    for text in texts:
        pieces, sentences = _plan(text, splitter, source_len, limit)
        for piece in pieces:
            if translatable(piece.core):
                plain = " ".join(piece.core.split())
                source, terms = protect(plain, dnt_terms, settings.placeholder)
                if terms and not translatable(_without_placeholders(source, len(terms), settings.placeholder)):
                    continue  # nothing but do-not-translate terms: copied through
                piece.segment = len(segments)
                segments.append(_Segment(source=source, plain=plain, terms=terms))
        plans.append((pieces, sentences))
    if segments:
        _translate_segments(segments, translator, settings)
    return [_assemble(pieces, sentences, segments, source_len, target_len) for pieces, sentences in plans]


def _without_placeholders(text: str, count: int, placeholder: str) -> str:
    for n in range(count):
        text = text.replace(placeholder.format(n=n), " ")
    return text


def _assemble(pieces: list[_Piece], sentences: int, segments: list[_Segment], source_len, target_len) -> TranslationResult:
    parts: list[str] = []
    flags: list[dict[str, str]] = []
    result = TranslationResult(target="", sentences=sentences)
    for piece in pieces:
        if piece.segment is None:
            parts.append(piece.lead + piece.core + piece.trail)
            result.copied += bool(piece.core)
            continue
        seg = segments[piece.segment]
        parts.append(piece.lead + seg.output + piece.trail)
        result.source_tokens += source_len(seg.plain)
        result.target_tokens += target_len(seg.output)
        result.pieces += 1
        result.placeholders += len(seg.terms)
        result.unprotected += seg.unprotected
        result.retried += [code for code in seg.retried if code not in result.retried]
        for code, reason in seg.problems:
            flag = {"code": code, "reason": f"sentence {piece.sentence + 1}: {reason}"}
            if flag not in flags:
                flags.append(flag)
    result.target = "".join(parts)
    result.flags = flags
    return result
