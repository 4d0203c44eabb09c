"""QA flags on a pair: where an editor should look, each with a reason they can read.

``check_pair(src_markup, tgt_markup, src_lang, tgt_lang, ...)`` returns a
list of ``{"code": ..., "reason": ...}``. The checks compare what must
survive translation (numbers, link targets, inline markup, names) and what a
broken translation looks like (identical to the source, far too long or
short, looping). They are cheap heuristics: a flag says "look here", not
"this is wrong".

Codes: ``numbers_mismatch``, ``urls_mismatch``, ``markup_mismatch``,
``untranslated``, ``length_ratio``, ``repetition``, ``markup_uncertain``
(passed through from the translate stage), ``unaligned`` (1-0 or 0-1),
``entities_mismatch``.

Named entities: spaCy's ``fr_core_news_sm`` NER for French when installed.
English has no model here (``en_core_web_sm`` is not installed), so English
names are found by a fallback: capitalised or mixed-case tokens that do not
start a sentence and are not stop words. The log says so once.
"""
from __future__ import annotations

import logging
import re
from collections import Counter
from functools import lru_cache
from typing import Any, Iterable

from ..text import fold
from .features import expected_length_ratio

log = logging.getLogger("bitext")

RATIO_LOW, RATIO_HIGH = 0.5, 2.0  # relative to the expected ratio
MIN_LENGTH_FOR_RATIO = 20

_URL_IN_MARKUP = re.compile(
    r"\]\(\s*<?([^)\s>]+)"  # [text](url) and ![alt](src)
    r"|<((?:https?|ftp|mailto):[^>\s]+)>"  # autolinks
    r"|(?:href|src)\s*=\s*[\"']?([^\"'\s>]+)"  # HTML attributes
    r"|\{\{[<%]\s*(?:rel)?ref\s+[\"']?([^\"'\s%>]+)"  # Hugo ref / relref
    r"|(?<![\w(\"'=<])((?:https?://|www\.)[^\s<>\")\]]*[^\s<>\")\].,:;!?])",  # bare URLs
    re.I,
)
_SHORTCODE = re.compile(r"\{\{[<%]\s*(/?)\s*([\w./-]+)")
#: A number as either language writes it: ``4 789`` (with a space, U+00A0 or U+202F), ``4,789``, ``1,5``, ``1.5``.
NUMBER = re.compile(r"\d+(?:[ \u00a0\u202f.,]\d{3})*(?:[.,]\d+)?")
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*", re.UNICODE)
_TOKEN = re.compile(r"\w+(?:[.\-]\w+)*", re.UNICODE)


def flag(code: str, reason: str) -> dict[str, str]:
    return {"code": code, "reason": reason}


# ---------------------------------------------------------------- helpers


@lru_cache(maxsize=4096)
def _plain(markup: str) -> str:
    """The text without inline markup, URLs and code spans (what numbers and names are read from)."""
    from ..markdown.inline import scan_inline

    text, codes = scan_inline(markup, markdown=True)
    drop = sorted((c.start, c.end) for c in codes if c.replaces_text and c.kind in ("code", "url", "autolink"))
    if not drop:
        return text
    out, cursor = [], 0
    for a, b in drop:
        if a >= cursor:
            out.append(text[cursor:a])
            cursor = b
    out.append(text[cursor:])
    return " ".join(out)


def _number_value(raw: str, lang: str | None) -> str:
    """``10 000`` (fr), ``10,000`` (en) and ``10000`` are one number; ``1,5`` (fr) is ``1.5`` (en)."""
    s = raw.replace("\u00a0", " ").replace("\u202f", " ")
    s = s.replace(" ", "")
    if lang == "fr":
        if re.fullmatch(r"\d{1,3}(?:\.\d{3})+", s):
            s = s.replace(".", "")
        s = s.replace(",", ".")
    else:
        if re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", s):
            s = s.replace(",", "")
        s = s.replace(",", ".")
    if "." in s:
        s = s.rstrip("0").rstrip(".") or "0"
    s = s.lstrip("0") or "0"
    return s


def _readings(raw: str, lang: str | None) -> tuple[str, ...]:
    """A number's value in its text's convention first, then in the other language's.

    A translation may keep the source's digits as they were: ``1,200`` in a
    French text can be the English twelve hundred, not one point two.
    """
    own = _number_value(raw, lang)
    other = _number_value(raw, "en" if lang == "fr" else "fr")
    return (own,) if other == own else (own, other)


def _unmatched_numbers(src: str, tgt: str, src_lang: str | None, tgt_lang: str | None) -> tuple[list[str], list[str]]:
    """The numbers of each side that have no equal on the other, compared by value.

    Each number is matched once: first where both sides read the same value in
    their own conventions, then where any reading of one equals a reading of
    the other. What is left is named by its value in its own convention.
    """
    left = [_readings(m.group(0), src_lang) for m in NUMBER.finditer(_plain(src))]
    right = [_readings(m.group(0), tgt_lang) for m in NUMBER.finditer(_plain(tgt))]
    for same in (lambda a, b: a[0] == b[0], lambda a, b: bool(set(a) & set(b))):
        for a in list(left):
            b = next((b for b in right if same(a, b)), None)
            if b is not None:
                left.remove(a)
                right.remove(b)
    return sorted(a[0] for a in left), sorted(b[0] for b in right)


def urls(markup: str) -> Counter:
    found = Counter()
    for m in _URL_IN_MARKUP.finditer(markup):
        url = next(g for g in m.groups() if g)
        found[url.rstrip("/")] += 1
    return found


@lru_cache(maxsize=4096)
def markup_counts(markup: str) -> Counter:
    """Inline codes by kind (links, bold, code spans, HTML...), and shortcodes by name (cached: do not mutate)."""
    from ..markdown.inline import scan_inline

    _, codes = scan_inline(markup, markdown=True)
    counts = Counter()
    for c in codes:
        if c.kind in ("entity", "escape", "url", "hardbreak"):
            continue
        if c.kind == "shortcode":
            for closing, name in _SHORTCODE.findall(c.open):
                counts["shortcode " + name] += 1
        else:
            counts[c.kind] += 1
    return counts


def _describe(counter: Counter) -> str:
    return ", ".join(f"{n}× {k}" if n > 1 else k for k, n in sorted(counter.items())) or "none"


def _multiset_diff(a: Counter, b: Counter) -> tuple[Counter, Counter]:
    return a - b, b - a


# ---------------------------------------------------------------- the checks


def check_numbers(src: str, tgt: str, src_lang: str | None, tgt_lang: str | None) -> dict | None:
    only_src, only_tgt = _unmatched_numbers(src, tgt, src_lang, tgt_lang)
    if not only_src and not only_tgt:
        return None
    parts = []
    if only_src:
        parts.append("in the source only: " + ", ".join(only_src))
    if only_tgt:
        parts.append("in the target only: " + ", ".join(only_tgt))
    return flag("numbers_mismatch", "numbers differ; " + "; ".join(parts))


def check_urls(src: str, tgt: str) -> dict | None:
    only_src, only_tgt = _multiset_diff(urls(src), urls(tgt))
    if not only_src and not only_tgt:
        return None
    parts = []
    if only_src:
        parts.append("in the source only: " + ", ".join(sorted(only_src)))
    if only_tgt:
        parts.append("in the target only: " + ", ".join(sorted(only_tgt)))
    return flag("urls_mismatch", "link targets differ; " + "; ".join(parts))


def check_markup(src: str, tgt: str) -> dict | None:
    a, b = markup_counts(src), markup_counts(tgt)
    if a == b:
        return None
    return flag("markup_mismatch", f"inline markup differs: the source has {_describe(a)}, the target has {_describe(b)}")


def _is_prose(plain: str) -> bool:
    """Text a translator would change: at least two words, one of them an ordinary lowercase word."""
    words = _WORD.findall(plain)
    return len(words) >= 2 and any(len(w) >= 3 and w.islower() for w in words)


def check_untranslated(src: str, tgt: str) -> dict | None:
    a, b = " ".join(_plain(src).split()), " ".join(_plain(tgt).split())
    if not a or a != b or not _is_prose(a):
        return None
    return flag("untranslated", "the target is the same as the source")


def check_length(src: str, tgt: str, src_lang: str | None, tgt_lang: str | None) -> dict | None:
    a, b = len(" ".join(_plain(src).split())), len(" ".join(_plain(tgt).split()))
    if max(a, b) < MIN_LENGTH_FOR_RATIO or a == 0 or b == 0:
        return None
    expected = expected_length_ratio(src_lang, tgt_lang) or 1.0
    ratio = b / a
    rel = ratio / expected
    if RATIO_LOW <= rel <= RATIO_HIGH or abs(b - expected * a) < MIN_LENGTH_FOR_RATIO:
        return None
    how = "longer" if rel > 1 else "shorter"
    return flag(
        "length_ratio",
        f"the target is much {how} than the source: {b} vs {a} characters ({ratio:.2f}×; about {expected:.2f}× is usual)",
    )


def _repeat_run(tokens: list[str]) -> tuple[str, int] | None:
    """The longest back-to-back repetition: an n-gram (n >= 3) twice in a row, or a word or word pair three times."""
    best = None
    n_tokens = len(tokens)
    for n in range(1, 7):
        need = 3 if n <= 2 else 2
        for i in range(0, n_tokens - n * need + 1):
            gram = tokens[i : i + n]
            times = 1
            while tokens[i + times * n : i + (times + 1) * n] == gram:
                times += 1
            if times >= need and (best is None or times * n > best[1] * len(best[0].split())):
                best = (" ".join(gram), times)
    return best


def check_repetition(src: str, tgt: str) -> dict | None:
    tgt_tokens = [t.lower() for t in _TOKEN.findall(_plain(tgt))]
    run = _repeat_run(tgt_tokens)
    if run is None:
        return None
    src_run = _repeat_run([t.lower() for t in _TOKEN.findall(_plain(src))])
    if src_run is not None and src_run[1] >= run[1]:
        return None  # the source repeats as much: a quote, a list of the same word...
    return flag("repetition", f"the target repeats “{run[0]}” {run[1]} times in a row")


# ---------------------------------------------------------------- named entities


@lru_cache(maxsize=None)
def _ner(lang: str):
    """spaCy NER for ``lang`` (None if no model is installed: ``spacy_models`` says so, once)."""
    from ..spacy_models import load

    return load(lang, exclude=["parser", "lemmatizer", "morphologizer", "attribute_ruler", "senter", "tagger"])


@lru_cache(maxsize=None)
def _stop_words(lang: str | None) -> frozenset[str]:
    try:
        if lang == "fr":
            from spacy.lang.fr.stop_words import STOP_WORDS
        else:
            from spacy.lang.en.stop_words import STOP_WORDS
    except ImportError:
        return frozenset()
    return frozenset(STOP_WORDS)


_PART = re.compile(r"[^\W_]+", re.UNICODE)
_ENT_CACHE: dict[tuple[str, str], list[tuple[str, bool]]] = {}


def vocabulary(texts: Iterable[str]) -> frozenset[str]:
    """Words a document writes in lower case: a capitalised form of one of them is a common word
    at a sentence start or in a title, not a name (the capitalisation-consistency cue of NER)."""
    words = set()
    for t in texts:
        words.update(w for w in _PART.findall(t) if w.islower())
    return frozenset(words)


def _name_parts(entity: str, lang: str | None, vocab: frozenset[str] | None) -> list[str]:
    """The parts of an entity that look like a name: acronyms, mixed case or digits (GitHub, CDS,
    X1), or capitalised words that the document never writes in lower case."""
    stops = _stop_words(lang)
    parts = []
    for part in _PART.findall(entity):
        if len(part) < 2 or part.lower() in stops:
            continue
        shaped = part.isupper() or any(ch.isupper() for ch in part[1:]) or any(ch.isdigit() for ch in part)
        capitalised = part[0].isupper() and (vocab is None or part.lower() not in vocab)
        if shaped or capitalised:
            parts.append(part)
    return parts


def _at_sentence_start(plain: str, start: int) -> bool:
    before = plain[:start].rstrip(" \t\n\"'«“(")
    return not before or before[-1] in ".!?:•"


def _capitalised_names(plain: str, lang: str | None) -> list[tuple[str, bool]]:
    """Fallback NER: capitalised or mixed-case tokens, each with whether it starts a sentence."""
    stops = _stop_words(lang)
    names = []
    for m in _TOKEN.finditer(plain):
        tok = m.group(0)
        if len(tok) < 2 or not tok[0].isalpha() or tok.lower() in stops:
            continue
        if tok[0].isupper() or any(ch.isupper() for ch in tok[1:]):
            names.append((tok, _at_sentence_start(plain, m.start())))
    return names


def _may_hold_names(plain: str, lang: str | None) -> bool:
    """Whether NER can find a name here that ``entities`` would keep: one needs a capitalised token
    inside a sentence or a name-shaped one (GitHub, CDS). Most texts without one skip the model."""
    return any(not start or _shaped(tok) for tok, start in _capitalised_names(plain, lang))


def _raw_entities(plain: str, lang: str | None) -> list[tuple[str, bool]]:
    key = (lang or "", plain)
    if key not in _ENT_CACHE:
        nlp = _ner(lang) if lang else None
        if nlp is None:
            _ENT_CACHE[key] = _capitalised_names(plain, lang)
        elif not _may_hold_names(plain, lang):
            _ENT_CACHE[key] = []
        else:
            _ENT_CACHE[key] = _from_doc(nlp(plain), plain)
    return _ENT_CACHE[key]


def _from_doc(doc, plain: str) -> list[tuple[str, bool]]:
    labels = ("PER", "PERSON", "ORG", "LOC", "GPE", "MISC", "PRODUCT")
    return [(e.text, _at_sentence_start(plain, e.start_char)) for e in doc.ents if e.label_ in labels]


def prime_entities(markups: Iterable[str], lang: str | None) -> None:
    """Run NER over many texts at once (``nlp.pipe`` batches are several times faster than one
    call per pair); ``entities`` then reads the cache."""
    markups = list(markups)
    if not markups or not lang:
        return
    if len(_ENT_CACHE) > 50_000:
        _ENT_CACHE.clear()
    nlp = _ner(lang)
    if nlp is None:
        return
    todo = []
    for plain in dict.fromkeys(_plain(m) for m in markups):
        if (lang, plain) in _ENT_CACHE:
            continue
        if _may_hold_names(plain, lang):
            todo.append(plain)
        else:
            _ENT_CACHE[(lang, plain)] = []
    for plain, doc in zip(todo, nlp.pipe(todo, batch_size=64)):
        _ENT_CACHE[(lang, plain)] = _from_doc(doc, plain)


def _shaped(part: str) -> bool:
    return part.isupper() or any(ch.isupper() for ch in part[1:]) or any(ch.isdigit() for ch in part)


def entities(markup: str, lang: str | None, vocab: frozenset[str] | None = None) -> list[tuple[str, list[str]]]:
    """Names in the text with their name-like parts: spaCy entities where a model exists, else
    capitalised tokens. The first word of a sentence is a name part only when shaped like one
    (``GitHub``, ``CDS``): ``Découvrez``, ``Quitter`` or ``Recherche`` starting a sentence is not."""
    plain = _plain(markup)
    out = []
    for text, sentence_start in _raw_entities(plain, lang):
        parts = _name_parts(text, lang, vocab)
        if sentence_start and parts:
            first = _PART.search(text)
            if first and parts[0] == first.group(0) and not _shaped(parts[0]):
                parts = parts[1:]
        if parts:
            out.append((text, parts))
    return out


# Names that are translated, not kept: months and days (``March`` / ``mars``).
_SAME_NAME: dict[str, str] = {}
for _en, _fr in zip(
    "january february march april may june july august september october november december "
    "monday tuesday wednesday thursday friday saturday sunday".split(),
    "janvier fevrier mars avril mai juin juillet aout septembre octobre novembre decembre "
    "lundi mardi mercredi jeudi vendredi samedi dimanche".split(),
):
    _SAME_NAME[_en], _SAME_NAME[_fr] = _fr, _en


def _squeeze(word: str) -> str:
    """Doubled letters once: ``addresses`` and ``adresses`` meet."""
    return re.sub(r"(.)\1+", r"\1", word)


def _present(parts: list[str], other_tokens: set[str]) -> bool:
    """Every name part is on the other side: exactly (accents and case aside), as a cognate sharing
    its first five letters once doubled letters are squeezed (Europe / européen, addresses /
    adresses), or as the other language's month or day."""
    squeezed = None
    for t in (fold(x) for x in parts):
        if t in other_tokens or _SAME_NAME.get(t) in other_tokens:
            continue
        if squeezed is None:
            squeezed = {_squeeze(o)[:5] for o in other_tokens if len(o) >= 5}
        if len(t) >= 5 and _squeeze(t)[:5] in squeezed:
            continue
        return False
    return True


def check_entities(
    src: str, tgt: str, src_lang: str | None, tgt_lang: str | None,
    src_vocab: frozenset[str] | None = None, tgt_vocab: frozenset[str] | None = None,
) -> dict | None:
    missing: list[tuple[str, str]] = []
    for here, there, lang, vocab, side in ((src, tgt, src_lang, src_vocab, "target"), (tgt, src, tgt_lang, tgt_vocab, "source")):
        other_tokens = {fold(t) for t in _PART.findall(_plain(there))}
        seen = set()
        for ent, parts in entities(here, lang, vocab):
            key = fold(ent)
            if key in seen:
                continue
            seen.add(key)
            if not _present(parts, other_tokens):
                missing.append((ent, side))
    if not missing:
        return None
    parts = [f"“{e}” is not in the {side}" for e, side in missing[:6]]
    more = f" (and {len(missing) - 6} more)" if len(missing) > 6 else ""
    return flag("entities_mismatch", "names differ: " + "; ".join(parts) + more)


# ---------------------------------------------------------------- all together


def check_pair(
    src_markup: str,
    tgt_markup: str,
    src_lang: str | None,
    tgt_lang: str | None,
    *,
    unit_flags: Iterable[dict[str, Any]] = (),
    pair_type: str = "1-1",
    check_names: bool = True,
    src_vocab: frozenset[str] | None = None,
    tgt_vocab: frozenset[str] | None = None,
) -> list[dict[str, str]]:
    """Every flag that applies to this pair, in a stable order, each code at most once.

    ``unit_flags`` are flags the translate stage left on the unit
    (``markup_uncertain``, ``repetition``, ``length_ratio``...): they are
    kept as they are. ``check_names`` turns off the (slowest) entity check;
    ``src_vocab`` / ``tgt_vocab`` (``vocabulary()`` of each whole document)
    tell names from capitalised common words.
    """
    flags: list[dict[str, str]] = []
    src_n, tgt_n = pair_type.split("-") if "-" in pair_type else ("1", "1")
    if src_n == "0" or tgt_n == "0" or not src_markup.strip() or not tgt_markup.strip():
        where = "target" if (tgt_n == "0" or not tgt_markup.strip()) else "source"
        flags.append(flag("unaligned", f"no counterpart in the {where}: this text has no match on the other side"))
    else:
        for check in (
            lambda: check_numbers(src_markup, tgt_markup, src_lang, tgt_lang),
            lambda: check_urls(src_markup, tgt_markup),
            lambda: check_markup(src_markup, tgt_markup),
            lambda: check_untranslated(src_markup, tgt_markup),
            lambda: check_length(src_markup, tgt_markup, src_lang, tgt_lang),
            lambda: check_repetition(src_markup, tgt_markup),
            lambda: check_entities(src_markup, tgt_markup, src_lang, tgt_lang, src_vocab, tgt_vocab) if check_names else None,
        ):
            found = check()
            if found is not None:
                flags.append(found)
    codes = {f["code"] for f in flags}
    for f in unit_flags:
        code = f.get("code")
        if code and code not in codes:
            flags.append({"code": code, "reason": f.get("reason", "") or f"flagged by the translate stage: {code}"})
            codes.add(code)
    return flags
