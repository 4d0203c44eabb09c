"""``bitext shortlist``: build a CTranslate2 vocabulary shortlist from the model's own translations.

    bitext shortlist corpus/ --to en          # translate corpus/ (full vocabulary), then build the map
    bitext shortlist --to en                  # build it from what the translation memory already holds

The articles given are translated first with the ctranslate2 backend and the
full vocabulary, like ``bitext run`` does (their sentences land in the
translation memory, so later runs reuse them). The map is then built from
every sentence the memory holds for the model, its revision and the
direction (translated by either backend), and from the editors' approved
and imported entries for the language pair. ``translate.shortlist: auto``
uses it from then on. See ``pipeline.mt.vocab_map`` for how candidates are
chosen and what a shortlist may change.
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Any

from ..errors import BitextError


def shortlist_command(args: Any) -> int:
    from ..config import load_config
    from .base import ModelUnavailable
    from .ct2 import CTranslate2Translator
    from .marian import default_model

    config = load_config(args.config)
    src = args.source or ("fr" if args.target == "en" else "en")
    model = args.model or config["translate"]["model"] or default_model(src, args.target)
    for article in args.inputs:
        _translate_full_vocabulary(article, args, config, model)
    try:
        translator = CTranslate2Translator(model, device="cpu", revision=config["translate"]["revision"])
    except (ModelUnavailable, ValueError) as exc:
        raise BitextError(str(exc)) from None
    memory = _open_memory(args, config)
    pairs = memory.machine_pairs([f"ctranslate2:{model}", f"marian:{model}"], translator.resolved.revision,
                                 f"{src}-{args.target}")
    human = memory.entries(src_lang=src, tgt_lang=args.target, both_ways=True)
    pairs += [(e.source.text, e.target.text) for e in human]
    memory.close()
    if not pairs:
        raise BitextError(f"the translation memory {memory.path} holds no {src}->{args.target} translation by {model}; "
                          f"give articles to translate: bitext shortlist CORPUS --to {args.target}")
    vmap = build_for(translator, pairs)
    out = vmap.write(args.out or translator.default_shortlist_path)
    if not args.quiet:
        rules = sum(len(t) for t in vmap.rules.values()) / max(1, len(vmap.rules))
        print(f"bitext: shortlist of {model} ({src}->{args.target}) from {len(pairs)} sentences "
              f"({len(human)} from editors): {len(vmap.always)} target pieces always allowed, {len(vmap.rules)} "
              f"source pieces with {rules:.1f} candidates each on average; wrote {out}", file=sys.stderr)
        if args.out is None:
            print("bitext: use it with `translate.shortlist: auto` (ctranslate2 backend)", file=sys.stderr)
    return 0


def build_for(translator: Any, pairs: list[tuple[str, str]]):
    """The map of ``pairs`` (texts) in the model's own pieces.

    A translation is stored as text, and the model may have produced it with
    other pieces than SentencePiece's usual cut (``▁us`` ``er`` for
    ``▁user``): on the target side, every vocabulary piece that can cut a
    word of the text counts, so any cut the model makes is allowed.
    """
    from .vocab_map import build_vocab_map, word_pieces

    tokenizer = translator.tokenizer
    vocab = tokenizer.get_vocab()

    def source_pieces(text: str) -> list[str]:
        return [p for p in tokenizer.spm_source.encode(text, out_type=str) if p in vocab]

    return build_vocab_map(((source_pieces(s), word_pieces(t, vocab)) for s, t in pairs),
                           lambda text: word_pieces(text, vocab))


def _translate_full_vocabulary(article: Path, args: Any, config: dict, model: str) -> None:
    """``bitext run ARTICLE --backend ctranslate2`` into a scratch folder, shortlist off."""
    import yaml

    from ..cli import main as bitext

    full = {**config, "translate": {**config["translate"], "shortlist": None}}
    with tempfile.TemporaryDirectory(prefix="bitext-shortlist-") as tmp:
        cfg = Path(tmp) / "config.yaml"
        cfg.write_text(yaml.safe_dump(full, allow_unicode=True), encoding="utf-8")
        argv = ["run", str(article), "--to", args.target, "--backend", "ctranslate2", "--model", model,
                "--config", str(cfg), "--out", str(Path(tmp) / "run"), "--quiet"]
        if args.source:
            argv += ["--from", args.source]
        if args.verbose:
            argv.insert(0, "-v")
        code = bitext(argv)
        if code not in (0, 1):  # 1: some articles of a folder failed, the rest still count
            raise BitextError("translating it with the full vocabulary failed (see above)", path=str(article))


def _open_memory(args: Any, config: dict):
    from .memory_command import open_memory

    start = args.inputs[0] if args.inputs else Path.cwd()
    return open_memory(args.memory, config, start)
