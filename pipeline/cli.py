"""The command line: ``bitext`` (also ``python -m pipeline``).

Errors the user can act on (``BitextError``) print one line and exit 2, with
no traceback unless ``-v``.
"""
from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from . import __version__
from .errors import BitextError
from .files import output_folder
from .mt.registry import BACKENDS, DEFAULT_BACKEND

log = logging.getLogger("bitext")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="bitext", description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument("--version", action="version", version=f"bitext {__version__}")
    p.add_argument("-v", "--verbose", action="store_true", help="more logging, and tracebacks on errors")
    sub = p.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="translate articles: extract, translate, reinsert (and log energy)")
    run.add_argument("input", type=Path, nargs="?", help="a Hugo article (.md), a Hugo site or content folder, or a JSONL file of articles")
    run.add_argument("--dataset", help="a Hugging Face dataset of articles: a save_to_disk folder or a hub id")
    run.add_argument("--split", help="the dataset's split (e.g. test)")
    run.add_argument("--text-field", help="the field holding each record's text (JSONL and --dataset)")
    run.add_argument("--to", dest="target", required=True, choices=["en", "fr"], help="target language")
    run.add_argument("--from", dest="source", choices=["en", "fr"], help="source language for files without .en/.fr in their name")
    run.add_argument("--config", type=Path, help="YAML run configuration (default: configs/default.yaml values)")
    run.add_argument("--out", type=Path, help="output folder (default: outputs/<input name>.<lang>/, e.g. outputs/post.en/ for post.fr.md --to en; "
                     "outputs is the config's output_dir; the same command resumes the same run)")
    run.add_argument("--backend", choices=list(BACKENDS), help=f"translator (default: config's backend, {DEFAULT_BACKEND})")
    run.add_argument("--model", help="hub id or local folder of a MarianMT model (default: Helsinki-NLP/opus-mt-SRC-TGT)")
    run.add_argument("--no-cache", action="store_true", help="bypass the translation memory")
    run.add_argument("--force", action="store_true", help="translate again: even where a translation already exists, or this run already finished the article")
    run.add_argument("--in-place", action="store_true", help="write translations into the content tree (never over a file bitext did not write)")
    run.add_argument("--quiet", action="store_true", help="no progress output")

    ext = sub.add_parser("extract", help="print an article's document (skeleton + text units) as JSON")
    ext.add_argument("file", type=Path)
    ext.add_argument("--config", type=Path)
    ext.add_argument("--from", dest="source", choices=["en", "fr"])

    al = sub.add_parser("align", help="align two existing versions of an article (pairs.jsonl, pairs.tmx)")
    al.add_argument("a", type=Path, help="one version (e.g. the French original)")
    al.add_argument("b", type=Path, help="the other version (e.g. the English one)")
    al.add_argument("--out", type=Path, help="output folder (default: outputs/align-<name of A>/, e.g. outputs/align-post/)")
    al.add_argument("--config", type=Path)
    al.add_argument("--level", choices=["paragraph", "sentence"], default="paragraph")
    al.add_argument("--model", help="a MarianMT model (hub id or folder) A->B: adds chrF of its translation to the costs")
    al.add_argument("--into-memory", action="store_true",
                    help="store the links whose confidence reaches align.memory_min_confidence in the translation memory")
    al.add_argument("--memory", type=Path, help="the memory file for --into-memory (default: as for runs)")

    ex = sub.add_parser("export", help="all pairs of a run as a Hugging Face dataset, Parquet or CSV")
    ex.add_argument("run_dir", type=Path)
    ex.add_argument("--format", choices=["hf", "parquet", "csv"], required=True)
    ex.add_argument("--prose-only", action="store_true",
                    help="leave out the pairs of blocks without prose (code, shortcodes, HTML, comments)")

    rv = sub.add_parser("review", help="review a run's pairs in a local web page (edit, approve, note)")
    rv.add_argument("run_dir", type=Path)
    rv.add_argument("--port", type=int, default=8000)
    rv.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this machine only)")

    ri = sub.add_parser("reinsert", help="rebuild a run's translated articles with the editors' edits")
    ri.add_argument("run_dir", type=Path)

    mem = sub.add_parser("memory", help="the translation memory: import or export TMX, counts by origin")
    mem_sub = mem.add_subparsers(dest="memory_command", required=True)
    for name, helptext in (("import", "load a TMX 1.4b file (OmegaT, Okapi, Trados...) as editors' translations"),
                           ("export", "write every approved entry (human and imported) as TMX 1.4b"),
                           ("stats", "counts by origin: human, imported, machine")):
        m = mem_sub.add_parser(name, help=helptext)
        if name != "stats":
            m.add_argument("tmx", type=Path, help="the TMX file")
        m.add_argument("--memory", type=Path, help="the memory file (default: translate.cache_path, a .bitext/ folder "
                                                   "here or above, else the user's cache)")
        m.add_argument("--config", type=Path)
        if name == "export":
            m.add_argument("--from", dest="source", help="only entries from this language")
            m.add_argument("--to", dest="target", help="only entries into this language")
        if name == "stats":
            m.add_argument("--json", action="store_true", help="print the counts as JSON")
        m.add_argument("--quiet", action="store_true", help="no summary line")

    sl = sub.add_parser("shortlist", help="build a CTranslate2 vocabulary shortlist from the model's own translations")
    sl.add_argument("inputs", type=Path, nargs="*", help="articles or folders to translate first (full vocabulary)")
    sl.add_argument("--to", dest="target", required=True, choices=["en", "fr"], help="target language")
    sl.add_argument("--from", dest="source", choices=["en", "fr"], help="source language (default: the other one)")
    sl.add_argument("--model", help="hub id or local folder of the MarianMT model")
    sl.add_argument("--config", type=Path)
    sl.add_argument("--memory", type=Path, help="the translation memory to learn from (default: as bitext run finds it)")
    sl.add_argument("--out", type=Path, help="write the map here (default: where translate.shortlist: auto finds it)")
    sl.add_argument("--quiet", action="store_true", help="no summary line")

    en = sub.add_parser("energy", help="energy report of a run folder: table, chart, Strubell et al. terms")
    en.add_argument("run_dir", type=Path)
    en.add_argument("--format", choices=["table", "csv", "json"], default="table")

    from .evaluation.cli import add_parser as add_eval_parser

    add_eval_parser(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO, format="%(message)s", stream=sys.stderr)
    quiet = getattr(args, "quiet", False) and not args.verbose
    logging.getLogger("bitext").setLevel(logging.WARNING if quiet else logging.NOTSET)  # --quiet: notices go, warnings stay
    if not args.verbose:
        for noisy in ("codecarbon", "transformers", "urllib3", "huggingface_hub", "matplotlib"):
            logging.getLogger(noisy).setLevel(logging.ERROR)
    try:
        return _COMMANDS[args.command](args)
    except BitextError as exc:
        if args.verbose:
            raise
        print(f"bitext: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("bitext: interrupted", file=sys.stderr)
        return 130


def _cmd_extract(args) -> int:
    from .config import load_config
    from .markdown.extract import extract_file

    config = load_config(args.config)
    doc = extract_file(args.file, config, args.source)
    json.dump(doc.to_dict(), sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")
    return 0


def _plan(args, config) -> tuple[list, Path | None]:
    """The articles of the run and, for a folder, the content root (Hugo's conventions)."""
    from .markdown.filenames import language_of, translated_name
    from .sources.article import Article
    from .sources.site import discover

    path: Path = args.input
    if path.is_dir():
        outputs = (Path(config["output_dir"]),) + ((args.out,) if args.out else ())
        articles, site = discover(path, args.source, args.target, config["source_lang"], outputs)
        if site.skipped_outputs:
            shown = ", ".join(str(p) for p in site.skipped_outputs[:3]) + (", ..." if len(site.skipped_outputs) > 3 else "")
            log.info("bitext: skipped %d folder(s) of bitext's own outputs, never translated again: %s",
                     len(site.skipped_outputs), shown)
        return articles, path
    if not path.exists():
        raise BitextError("file not found; check the path", path=str(path))
    lang = language_of(path) or args.source or config["source_lang"]
    target = Path(translated_name(path, args.target))
    # A file named on the command line is translated even if a translation sits beside it
    # (the output goes to OUT); only --in-place, which would write beside it, checks.
    existing = path.with_name(target.name)
    keep = args.in_place and existing.exists() and existing != path
    return [Article(path, lang, target, existing if keep else None)], None


def _plan_records(args):
    """Articles from the records of a JSONL file or a dataset, and where their translations go."""
    from .sources.records import RecordsOutput, read_dataset, read_jsonl, record_articles

    if not args.text_field:
        raise BitextError("--text-field is required with a JSONL file or --dataset (the field holding the text)")
    lang = args.source or ("fr" if args.target == "en" else "en")
    if args.dataset:
        if args.quiet:
            import datasets

            datasets.disable_progress_bars()  # its loading and "Saving the dataset" bars
        records = read_dataset(args.dataset, args.split)
        name = Path(args.dataset.rstrip("/")).name
    else:
        records = read_jsonl(args.input, args.text_field)
        name = args.input.name.removesuffix(".jsonl")
    output = RecordsOutput(name, records, args.text_field, args.target, as_dataset=bool(args.dataset))
    return record_articles(records, name, lang, output), output


def _is_records_input(args) -> bool:
    return bool(args.dataset) or (args.input is not None and args.input.suffix == ".jsonl")


def _cmd_run(args) -> int:
    from .config import load_config
    from .executors.local import LocalExecutor, RunOptions
    from .stages import default_stages

    config = load_config(args.config)
    backend = args.backend or config["backend"]
    if args.input is None and not args.dataset:
        raise BitextError("give an article, a folder, a JSONL file, or --dataset")
    run_outputs = []
    root = None
    if _is_records_input(args):
        articles, records = _plan_records(args)
        run_outputs.append(records)
    else:
        articles, root = _plan(args, config)
    if not articles:
        raise BitextError(f"no articles in the source language to translate to '{args.target}'", path=str(args.input))
    out_dir = args.out or Path(config["output_dir"]) / _default_run_name(args.input or Path(args.dataset), args.target)
    output_folder(out_dir, "--out" if args.out else "output_dir")
    if args.in_place and root is None:
        root = args.input.parent
    from .mt.memory import memory_path

    options = RunOptions(
        articles=articles,
        target_lang=args.target,
        source_lang=args.source,
        out_dir=out_dir,
        backend=backend,
        config=config,
        config_path=str(args.config) if args.config else None,
        model=args.model,
        use_cache=not args.no_cache,
        verbose=args.verbose,
        quiet=args.quiet,
        force=args.force,
        in_place=args.in_place,
        content_root=root,
        memory_path=memory_path(config["translate"]["cache_path"], root or args.input),
    )
    translator = _make_translator(options)
    executor = LocalExecutor(options, translator, default_stages(), _meter_factory(options, translator), run_outputs)
    result = executor.run()
    from .review.rebuild import rebuild_after_run

    review_work = rebuild_after_run(out_dir)  # editors' work in this folder: the articles get it back
    single_failure = len(articles) == 1 and result.failed
    if not args.quiet and not single_failure:  # a single failure has already said its one line
        print(
            f"bitext: {result.done} done, {result.skipped} skipped, {result.failed} failed; manifest: {out_dir / 'run.json'}",
            file=sys.stderr,
        )
    if review_work is not None:
        print(f"bitext: {review_work[1]}", file=sys.stderr)  # even with --quiet: an editor's work is news
    if result.failed:
        return 2 if root is None and not run_outputs and len(articles) == 1 else 1
    return 0


def _make_translator(options):
    from .mt.base import ModelUnavailable
    from .mt.registry import build_translator

    backend = BACKENDS[options.backend]
    src = options.articles[0].source_lang if options.articles else (options.source_lang or options.config["source_lang"])
    t = options.config["translate"]
    cache = None
    if backend.needs_model and options.use_cache and t["cache"]:
        cache = options.memory_path
    if backend.needs_model and not options.verbose:
        _quiet_hugging_face()
    try:
        return build_translator(backend.name, options.model or t["model"], src, options.target_lang,
                                backend.settings_from_config(t), cache)
    except (ModelUnavailable, ValueError) as exc:
        raise BitextError(str(exc)) from None


def _default_run_name(path: Path, target: str) -> str:
    """A stable folder per input and direction, so the same command resumes the same run."""
    from .markdown.filenames import plain_stem

    name = path.resolve().name if path.exists() else path.name
    return f"{plain_stem(name) or 'run'}.{target}"


def _quiet_hugging_face() -> None:
    """No download or weight-loading progress bars and no advice lines unless -v."""
    import os

    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    import warnings

    warnings.filterwarnings("ignore", message="Recommended: pip install sacremoses")
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()


def _meter_factory(options, translator):
    """The energy meter of the run (None when ``energy.enabled`` is false)."""
    if not options.config["energy"]["enabled"]:
        return None
    from .energy.meter import EnergyConfig, EnergyMeter

    cfg = EnergyConfig.from_section(options.config["energy"])
    sig = {"bitext": __version__, "backend": options.backend, **translator.signature()}
    def factory(run_id: str):
        meter = EnergyMeter(options.out_dir, run_id, cfg, signature=sig, verbose=options.verbose)
        meter.start()  # hardware detection (about a second) happens here, outside any stage
        return meter

    return factory


def _cmd_energy(args) -> int:
    from .energy.report import energy_command

    return energy_command(args.run_dir, args.format)


def _cmd_align(args) -> int:
    from .align.command import align_command
    from .config import load_config

    config = load_config(args.config)
    model_translate = None
    signature = None
    if args.model:
        from .markdown.filenames import language_of
        from .mt.base import ModelUnavailable
        from .mt.registry import build_translator

        src = language_of(args.a) or config["source_lang"]
        tgt = language_of(args.b) or ("en" if src == "fr" else "fr")
        if not args.verbose:
            _quiet_hugging_face()
        try:
            translator = build_translator(DEFAULT_BACKEND, args.model, src, tgt, {}, None)
        except ModelUnavailable as exc:
            raise BitextError(str(exc)) from None
        model_translate = translator.translate
        signature = translator.signature()
    return align_command(args.a, args.b, args.out, args.level, config, model_translate=model_translate,
                         into_memory=args.into_memory, memory=args.memory, model_signature=signature)


def _cmd_export(args) -> int:
    from .formats.export import export_command

    return export_command(args.run_dir, args.format, prose_only=args.prose_only)


def _cmd_review(args) -> int:
    from .review import review_command

    return review_command(args.run_dir, args.host, args.port)


def _cmd_memory(args) -> int:
    from .config import load_config
    from .mt import memory_command as mc

    config = load_config(args.config)
    with mc.open_memory(args.memory, config, Path.cwd()) as memory:
        if args.memory_command == "import":
            return mc.import_command(args.tmx, memory, args.quiet)
        if args.memory_command == "export":
            return mc.export_command(args.tmx, memory, args.source, args.target, args.quiet)
        return mc.stats_command(memory, args.json)


def _cmd_eval(args) -> int:
    from .evaluation.cli import eval_command

    return eval_command(args)


def _cmd_reinsert(args) -> int:
    from .review.rebuild import reinsert_command

    return reinsert_command(args.run_dir)


def _cmd_shortlist(args) -> int:
    from .mt.shortlist_command import shortlist_command

    return shortlist_command(args)


_COMMANDS = {
    "run": _cmd_run,
    "extract": _cmd_extract,
    "energy": _cmd_energy,
    "align": _cmd_align,
    "export": _cmd_export,
    "review": _cmd_review,
    "reinsert": _cmd_reinsert,
    "memory": _cmd_memory,
    "shortlist": _cmd_shortlist,
    "eval": _cmd_eval,
}
