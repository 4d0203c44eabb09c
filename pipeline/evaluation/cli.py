"""``bitext eval``'s arguments and their checks: which test set, which model, where the run goes."""
from __future__ import annotations

from pathlib import Path

from ..errors import BitextError
from ..mt.registry import BACKENDS


def add_parser(sub) -> None:
    """The ``bitext eval`` subcommand's arguments."""
    ev = sub.add_parser("eval", help="BLEU and chrF of bitext's whole pipeline against the bare model, on a test set")
    ev.add_argument("--src", type=Path, help="source segments, one a line (with --ref)")
    ev.add_argument("--ref", type=Path, help="reference translations, one a line, parallel to --src")
    ev.add_argument("--tsv", type=Path, help="a tab-separated file of source and reference segments")
    ev.add_argument("--columns", default="1,2", help="with --tsv: the source and reference columns, 1-based (default 1,2)")
    ev.add_argument("--dataset", help="a Hugging Face dataset: a save_to_disk folder or a hub id (wmt/wmt14)")
    ev.add_argument("--dataset-config", help="the dataset's configuration (wmt/wmt14: fr-en)")
    ev.add_argument("--dataset-revision", help="a branch, tag or commit of a hub dataset")
    ev.add_argument("--split", help="the dataset's split (wmt/wmt14: test is newstest2014, validation newstest2013)")
    ev.add_argument("--src-field", help="the field of the source segment; dotted for nested fields (translation.fr)")
    ev.add_argument("--ref-field", help="the field of the reference (translation.en)")
    ev.add_argument("--limit", type=int, help="only the first N segments")
    ev.add_argument("--to", dest="target", required=True, choices=["en", "fr"], help="target language")
    ev.add_argument("--from", dest="source", choices=["en", "fr"], help="source language (default: the other one)")
    ev.add_argument("--backend", choices=list(BACKENDS), help="translator (default: config's backend, marian)")
    ev.add_argument("--model", help="hub id or local folder of a MarianMT model (default: Helsinki-NLP/opus-mt-SRC-TGT)")
    ev.add_argument("--config", type=Path, help="YAML run configuration (default: configs/default.yaml values)")
    ev.add_argument("--out", type=Path, help="run folder (default: outputs/eval-<test set>.<lang>)")
    ev.add_argument("--markup", action="store_true", help="also translate the segments with bold, links and code spans "
                                                          "around some words, and account for every span")
    ev.add_argument("--seed", type=int, default=1, help="seed of the --markup spans (default 1)")
    ev.add_argument("--show", type=int, default=10, help="how many of the most different segments to print (default 10)")
    ev.add_argument("--paired-bs", action="store_true", help="sacrebleu's paired bootstrap test of the difference (1,000 resamples)")
    ev.add_argument("--quiet", action="store_true", help="print nothing (eval.json has every figure)")



def eval_command(args) -> int:
    """Read the test set, run the eval, print it; exit 0 (1 when an article of a pass failed)."""
    from ..config import load_config
    from .command import EvalOptions, run_eval

    config = load_config(args.config)
    testset = _testset(args)
    source = args.source or ("fr" if args.target == "en" else "en")
    if source == args.target:
        raise BitextError(f"--from and --to are both '{source}'; choose two languages")
    if args.limit is not None and args.limit < 1:
        raise BitextError("--limit must be at least 1")
    options = EvalOptions(
        testset=testset.limited(args.limit), source_lang=source, target_lang=args.target,
        backend=args.backend or config["backend"], config=config, out_dir=args.out or _default_out(args, config),
        model=args.model, config_path=str(args.config) if args.config else None, markup=args.markup,
        seed=args.seed, show=max(0, args.show), paired_bs=args.paired_bs, verbose=args.verbose, quiet=args.quiet)
    run = run_eval(options)
    failed = sum(p.get("failed", 0) for p in run.report["passes"].values())
    return 1 if failed else 0


def _testset(args):
    from .data import read_dataset, read_plain, read_tsv

    given = [name for name, value in (("--src", args.src), ("--tsv", args.tsv), ("--dataset", args.dataset)) if value]
    if len(given) != 1:
        raise BitextError("give one test set: --src FILE --ref FILE, or --tsv FILE, or --dataset ID "
                          f"(got {', '.join(given) or 'none'})")
    if args.src:
        if not args.ref:
            raise BitextError("--src needs --ref FILE, the reference translations, one a line")
        return read_plain(args.src, args.ref)
    if args.tsv:
        return read_tsv(args.tsv, _columns(args.columns))
    if not args.src_field or not args.ref_field:
        raise BitextError("--dataset needs --src-field and --ref-field (wmt/wmt14: translation.fr and translation.en)")
    return read_dataset(args.dataset, args.split, args.src_field, args.ref_field, config=args.dataset_config,
                        revision=args.dataset_revision, limit=args.limit)


def _columns(text: str) -> tuple[int, int]:
    try:
        src, ref = (int(part) for part in text.split(","))
    except ValueError:
        raise BitextError(f"--columns {text!r}: give two column numbers, such as 3,4") from None
    if src < 1 or ref < 1 or src == ref:
        raise BitextError(f"--columns {text!r}: two different column numbers, counted from 1")
    return src, ref


def _default_out(args, config) -> Path:
    """``outputs/eval-<test set>.<lang>``: the same command writes to the same folder."""
    if args.dataset:
        name = "-".join(p for p in (Path(args.dataset.rstrip("/")).name, args.dataset_config, args.split) if p)
    else:
        path = args.src or args.tsv
        name = path.name.split(".")[0] or path.name
    return Path(config["output_dir"]) / f"eval-{name}.{args.target}"
