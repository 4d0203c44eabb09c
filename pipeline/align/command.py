"""``bitext align A.md B.md [--out DIR] [--level paragraph|sentence] [--model M] [--into-memory]``.

Extracts both articles, aligns them (``twoversions.align_documents``),
writes ``DIR/pairs.jsonl`` (every block of both files: prose, and the
blocks without prose such as code, shortcodes, HTML and comments) and
``DIR/pairs.tmx`` (the prose pairs: a translation memory), and prints a
short summary on stderr. The default folder is ``<output_dir>/align-<stem of A>/``.

With a model, its translation pass runs inside the energy meter: one record
in ``DIR/energy.jsonl``. With ``--into-memory``, the prose links whose
confidence reaches ``align.memory_min_confidence`` are stored in the
translation memory as ``imported`` entries (two existing human versions); the
others stay out, are listed, and are written to ``DIR/memory_left_out.jsonl``.
"""
from __future__ import annotations

import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any, Callable

from ..errors import BitextError
from ..files import output_folder
from ..markdown.extract import extract_file
from ..markdown.filenames import language_of, plain_stem
from ..pairs import write_pairs_jsonl
from .twoversions import LEVELS, align_documents, guess_language


# Front matter keys people write prose in besides the ones a run translates (``extract.front_matter_keys``):
# comparing two versions, an editor wants them paired too.
ALIGN_FRONT_MATTER_KEYS = ("linkTitle", "author", "image-alt", "imageAlt", "alt", "caption", "overview", "lead",
                           "abstract", "excerpt", "teaser", "subtitle", "summary", "description", "keywords")


def align_config(config: dict[str, Any]) -> dict[str, Any]:
    """The run's configuration, extracting the prose front matter keys of ``ALIGN_FRONT_MATTER_KEYS`` too."""
    extract = dict(config.get("extract", {}))
    keys = list(extract.get("front_matter_keys", []))
    extract["front_matter_keys"] = keys + [k for k in ALIGN_FRONT_MATTER_KEYS if k not in keys]
    return dict(config, extract=extract)


def default_out(a: Path, config: dict[str, Any]) -> Path:
    stem = plain_stem(a.name)
    if stem in ("index", "_index"):
        stem = a.resolve().parent.name + "-" + stem
    return Path(config.get("output_dir", "outputs")) / f"align-{stem}"


def align_command(
    a: Path,
    b: Path,
    out: Path | None,
    level: str,
    config: dict[str, Any],
    model_translate: Callable[[list[str]], list[str]] | None = None,
    quiet: bool = False,
    *,
    into_memory: bool = False,
    memory: Path | None = None,
    model_signature: dict[str, Any] | None = None,
) -> int:
    """Align A with B and write the pairs (and seed the memory); returns the exit code (0)."""
    from ..formats.tmx import write_tmx

    if level not in LEVELS:
        raise BitextError(f"--level must be one of {', '.join(LEVELS)}, not {level!r}")
    for path in (a, b):
        if not Path(path).exists():
            raise BitextError("file not found; check the path", path=str(path))
    if Path(a).resolve() == Path(b).resolve():
        raise BitextError("A and B are the same file: give the two versions of the article", path=str(a))
    out_dir = output_folder(Path(out) if out is not None else default_out(Path(a), config), "--out")
    started = time.perf_counter()
    extract_config = align_config(config)
    doc_a = extract_file(Path(a), extract_config, language_of(a))
    doc_b = extract_file(Path(b), extract_config, language_of(b))
    doc_a.source_lang = guess_language(doc_a)
    doc_b.source_lang = guess_language(doc_b)
    meter = None
    if model_translate is not None:
        meter = _meter(config, out_dir, model_signature)
        model_translate = _metered(model_translate, meter, str(a))
    try:
        pairs = align_documents(doc_a, doc_b, model_translate=model_translate, level=level)
    finally:
        if meter is not None:
            meter.close()
    jsonl, tmx = out_dir / "pairs.jsonl", out_dir / "pairs.tmx"
    write_pairs_jsonl(jsonl, pairs)
    # a translation memory holds prose: the pairs of code blocks, shortcodes and comments stay in pairs.jsonl
    prose = [p for p in pairs if not p.is_markup]
    write_tmx(tmx, prose, doc_a.source_lang, doc_b.source_lang, segtype=level)
    if not quiet:
        types = Counter(p.type for p in prose)
        flagged = sum(1 for p in pairs if p.flags)
        shown = ", ".join(f"{n} × {t}" for t, n in sorted(types.items(), key=lambda kv: (-kv[1], kv[0])))
        markup = Counter(p.kind for p in pairs if p.is_markup)
        if markup:
            shown += "; and " + ", ".join(f"{n} × {k}" for k, n in sorted(markup.items(), key=lambda kv: (-kv[1], kv[0])))
        print(
            f"bitext: aligned {a} ({doc_a.source_lang or '?'}, {len(doc_a.units)} units) with {b} "
            f"({doc_b.source_lang or '?'}, {len(doc_b.units)} units) in {time.perf_counter() - started:.2f} s",
            file=sys.stderr,
        )
        print(f"bitext: {len(pairs)} {level} pairs: {shown}; {flagged} flagged for review", file=sys.stderr)
        print(f"bitext: wrote {jsonl} and {tmx}", file=sys.stderr)
    if into_memory:
        from .seed_memory import seed_memory

        seed_memory(prose, doc_a, doc_b, Path(a), out_dir, config, memory, quiet)
    return 0


def _meter(config: dict[str, Any], out_dir: Path, signature: dict[str, Any] | None):
    """The energy meter of an alignment with a model (``energy.enabled: false``: times, no energy)."""
    import uuid

    from .. import __version__
    from ..energy.meter import EnergyConfig, EnergyMeter

    cfg = EnergyConfig.from_section(config["energy"])
    sig = {"bitext": __version__, "command": "align", **(signature or {})}
    return EnergyMeter(out_dir, f"align-{uuid.uuid4().hex[:12]}", cfg, signature=sig)


def _metered(translate: Callable[[list[str]], list[str]], meter, article: str) -> Callable[[list[str]], list[str]]:
    """The translator, each call measured as one ``translate`` record of the article."""
    def run(texts: list[str]) -> list[str]:
        with meter.measure(article, "translate") as work:
            out = translate(texts)
            work["sentences"] = len(texts)
        return out

    return run
