"""Behaviour check: run two trees over the same articles and diff what they wrote.

A refactor must not change what a run writes. This script makes that checkable:

    # outputs of a tree (pseudo and identity over corpus/ and ../shared/corpus/)
    python bench/compare_runs.py run /work/main /tmp/before
    python bench/compare_runs.py run .          /tmp/after
    # what differs, volatile fields ignored
    python bench/compare_runs.py diff /tmp/before /tmp/after

``run TREE DEST`` imports ``pipeline`` from TREE (in a child process, with
``PYTHONPATH=TREE``, from TREE's folder, or from ``--inputs DIR`` to run another
checkout's articles: compare two trees on the same inputs, and the article paths
in the outputs are the same relative paths) and writes ``DEST/<backend>/<name>/``
for each article, the layout of ``/work/baseline/make.sh``, and
``DEST/<backend>/folder_corpus/`` for one run over the folder ``corpus/`` (several
articles in one run: batching, skipping, resuming). ``--backend marian
--model DIR`` adds a model backend (for instance the tiny Marian model of the
tests: ``--tiny-model`` builds one into DEST first).

``diff A B`` compares two such folders (or two run folders) file by file:

- translated articles, ``pairs.jsonl``, stage-error files: byte for byte;
- ``pairs.tmx``: byte for byte once the header's ``creationdate`` is removed;
- ``document.json``, ``translated.json``: as parsed JSON;
- ``done.json``: the ``entry``, the source hash, the record text, and the
  written files' hashes (their paths taken relative to the run folder); the
  ``settings`` fingerprint is reported when it differs, not failed on (it
  hashes the stage list, so it changes whenever the stages change);
- ``run.json``: everything but ``run_id``, times and ``pid`` (the config file by its name);
- ``energy.jsonl``: one record per (article, stage) with the same work
  counters; figures, times and signatures are ignored, and a change in the
  order of the records is reported, not failed on.

Exit code 0 when nothing that must stay identical differs, 1 otherwise.
"""
from __future__ import annotations

import argparse
import difflib
import json
import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

BACKENDS = ("pseudo", "identity")
_RUN_VOLATILE = {"run_id", "started_at", "ended_at", "pid"}
_ENERGY_KEPT = ("article", "stage", "status", "units", "sentences", "source_tokens", "target_tokens", "extra")
_CREATIONDATE = re.compile(rb' creationdate="[^"]*"')


# ---------------------------------------------------------------- running a tree


def articles(tree: Path) -> list[str]:
    """The articles of corpus/ and ../shared/corpus/, as paths relative to ``tree``."""
    found = sorted(p for p in (tree / "corpus").rglob("*.md") if p.name != "README.md")
    shared = tree.parent / "shared" / "corpus"
    found += sorted(p for p in shared.rglob("*.md") if p.name != "README.md")
    return [os.path.relpath(p, tree) for p in found]


def output_name(article: str) -> str:
    """``../shared/corpus/real/x/x.fr.md`` -> ``shared_corpus_real_x_x.fr.md`` (as make.sh names it)."""
    return article.replace("/", "_").removeprefix(".._")


_DRIVER = r"""
import contextlib, io, json, sys
from pipeline.cli import main
jobs = json.loads(sys.argv[1])
for job in jobs:
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code = main(job["args"])
    with open(job["err"], "w", encoding="utf-8") as fh:
        fh.write(err.getvalue())
    if code:
        print(f"rc={code} {job['backend']} {job['article']}")
"""


def run_tree(tree: Path, dest: Path, backends: list[str], model: Path | None, energy: bool, inputs: Path | None = None) -> int:
    """Run every article with every backend, importing ``pipeline`` from ``tree``.

    The articles are those of ``inputs`` (default: ``tree``), run from that folder:
    two trees compared on the same inputs write the same relative paths.
    """
    tree, dest = tree.resolve(), dest.resolve()
    inputs = (inputs or tree).resolve()
    dest.mkdir(parents=True, exist_ok=True)
    config = dest / "run-config.yaml"
    lines = [] if energy else ["energy:\n  enabled: false\n"]
    if model is not None:
        lines.append("translate:\n  num_beams: 1\n  threads: 1\n")
    config.write_text("".join(lines) or "{}\n", encoding="utf-8")
    jobs = []
    for article in articles(inputs):
        target = "fr" if article.endswith(".en.md") else "en"
        for backend in backends:
            name = output_name(article)
            args = ["run", article, "--to", target, "--backend", backend, "--out", str(dest / backend / name),
                    "--quiet", "--no-cache", "--config", str(config)]
            if backend not in BACKENDS and model is not None:
                args += ["--model", str(model)]
            jobs.append({"args": args, "err": str(dest / f"{backend}.{name}.err"), "backend": backend, "article": article})
    for backend in backends:  # a folder: several articles per run, batched together by model backends
        args = ["run", "corpus", "--to", "en", "--backend", backend, "--out", str(dest / backend / "folder_corpus"), "--force",
                "--quiet", "--no-cache", "--config", str(config)]
        if backend not in BACKENDS and model is not None:
            args += ["--model", str(model)]
        jobs.append({"args": args, "err": str(dest / f"{backend}.folder_corpus.err"), "backend": backend, "article": "corpus"})
    env = dict(os.environ, PYTHONPATH=str(tree), BITEXT_CACHE_DIR=str(dest / "cache"))
    proc = subprocess.run([sys.executable, "-c", _DRIVER, json.dumps(jobs)], cwd=inputs, env=env)
    return proc.returncode


def build_tiny_model(tree: Path, dest: Path) -> Path:
    """The tests' tiny Marian model (hand-set weights), built with ``tree``'s test support code."""
    folder = dest.resolve() / "tiny-marian"
    if (folder / "config.json").is_file():
        return folder
    support = [tree / "tests" / "support", tree / "tests"]
    code = (
        "import sys; from pathlib import Path\n"
        f"sys.path[:0] = {[str(p) for p in support]!r}\n"
        "from tiny_marian import build_tiny_marian, corpus_texts\n"
        f"build_tiny_marian(Path({str(folder)!r}), corpus_texts())\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=tree, env=dict(os.environ, PYTHONPATH=str(tree)), check=True)
    return folder


# ---------------------------------------------------------------- comparing


class Report:
    def __init__(self) -> None:
        self.failures: list[str] = []
        self.notes: list[str] = []
        self.compared = 0

    def fail(self, what: str, detail: str = "") -> None:
        self.failures.append(what + (f"\n{detail}" if detail else ""))

    def note(self, what: str) -> None:
        self.notes.append(what)


def _text_diff(a: bytes, b: bytes, name: str, limit: int = 40) -> str:
    lines = difflib.unified_diff(
        a.decode("utf-8", "replace").splitlines(), b.decode("utf-8", "replace").splitlines(),
        f"A/{name}", f"B/{name}", lineterm="", n=1,
    )
    out = list(lines)
    return "\n".join(out[:limit] + ([f"... {len(out) - limit} more diff lines"] if len(out) > limit else []))


def _json_diff(a, b, path: str = "") -> list[str]:
    """Where two JSON values differ (dotted paths), first few only."""
    if type(a) is not type(b):
        return [f"{path or '.'}: {json.dumps(a)[:80]} != {json.dumps(b)[:80]}"]
    if isinstance(a, dict):
        out = []
        for key in list(a) + [k for k in b if k not in a]:
            if key not in a or key not in b:
                out.append(f"{path}.{key}: only in {'B' if key not in a else 'A'}")
            else:
                out += _json_diff(a[key], b[key], f"{path}.{key}")
        return out
    if isinstance(a, list):
        if len(a) != len(b):
            return [f"{path}: {len(a)} items != {len(b)} items"]
        return [d for n, (x, y) in enumerate(zip(a, b)) for d in _json_diff(x, y, f"{path}[{n}]")]
    return [] if a == b else [f"{path or '.'}: {json.dumps(a, ensure_ascii=False)[:80]} != {json.dumps(b, ensure_ascii=False)[:80]}"]


def _run_root(path: Path) -> Path:
    """The run folder a file belongs to: the nearest parent holding run.json."""
    for parent in path.parents:
        if (parent / "run.json").is_file():
            return parent
    return path.parent


def _compare_json(report: Report, rel: str, a, b) -> None:
    diffs = _json_diff(a, b)
    if diffs:
        report.fail(f"{rel}: JSON differs", "\n".join("  " + d for d in diffs[:15]))


def _done(data: dict, root: Path) -> dict:
    written = {}
    for path, digest in (data.get("written") or {}).items():
        parts = Path(path).parts  # relative to the run folder, found by its name (the folder may have moved)
        cut = max((n for n, part in enumerate(parts) if part == root.name), default=-1)
        written[str(Path(*parts[cut + 1:])) if cut >= 0 else path] = digest
    return {"source_sha256": data.get("source_sha256"), "entry": data.get("entry"), "written": written,
            "result_text": data.get("result_text")}


def _energy(path: Path) -> list[tuple]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            rec = json.loads(line)
            out.append(tuple((k, json.dumps(rec[k], sort_keys=True)) for k in _ENERGY_KEPT if k in rec))
    return out


def compare_file(report: Report, rel: str, fa: Path, fb: Path, root_a: Path, root_b: Path) -> None:
    report.compared += 1
    name = fa.name
    da, db = fa.read_bytes(), fb.read_bytes()
    if name == "pairs.tmx":
        da, db = _CREATIONDATE.sub(b"", da), _CREATIONDATE.sub(b"", db)
    if name in ("document.json", "translated.json"):
        _compare_json(report, rel, json.loads(da), json.loads(db))
    elif name == "done.json":
        ja, jb = json.loads(da), json.loads(db)
        _compare_json(report, rel, _done(ja, _run_root(fa)), _done(jb, _run_root(fb)))
        if ja.get("settings") != jb.get("settings"):
            report.note(f"{rel}: settings fingerprint differs (it hashes the stage list)")
    elif name == "run.json":
        kept = lambda run: {k: (Path(v).name if k == "config_file" and v else v)  # noqa: E731
                            for k, v in run.items() if k not in _RUN_VOLATILE}
        _compare_json(report, rel, kept(json.loads(da)), kept(json.loads(db)))
    elif name == "energy.jsonl":
        ea, eb = _energy(fa), _energy(fb)
        if Counter(ea) != Counter(eb):
            missing, extra = Counter(ea) - Counter(eb), Counter(eb) - Counter(ea)
            detail = "\n".join([f"  only in A: {dict(r)}" for r in missing] + [f"  only in B: {dict(r)}" for r in extra])
            report.fail(f"{rel}: energy records differ (stage, article or work counters)", detail)
        elif ea != eb:
            order = lambda recs: [dict(r)["stage"].strip('"') for r in recs]  # noqa: E731
            report.note(f"{rel}: same energy records in another order: {order(ea)[:6]} -> {order(eb)[:6]}")
    elif da != db:
        report.fail(f"{rel}: bytes differ", _text_diff(da, db, rel) if name.endswith((".md", ".jsonl", ".err", ".tmx")) else "")


_SKIPPED = {"run-config.yaml"}


def compare_trees(a: Path, b: Path) -> Report:
    report = Report()
    files_a = {str(p.relative_to(a)) for p in a.rglob("*") if p.is_file() and "cache" not in p.relative_to(a).parts[:1]}
    files_b = {str(p.relative_to(b)) for p in b.rglob("*") if p.is_file() and "cache" not in p.relative_to(b).parts[:1]}
    interesting = lambda rel: Path(rel).name not in _SKIPPED and not rel.startswith("tiny-marian")  # noqa: E731
    for rel in sorted(r for r in files_a ^ files_b if interesting(r)):
        report.fail(f"{rel}: only in {'A' if rel in files_a else 'B'}")
    for rel in sorted(r for r in files_a & files_b if interesting(r)):
        compare_file(report, rel, a / rel, b / rel, a, b)
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run a tree over every article into DEST/<backend>/<name>/")
    run.add_argument("tree", type=Path)
    run.add_argument("dest", type=Path)
    run.add_argument("--backend", action="append", help=f"backends to run (default: {', '.join(BACKENDS)})")
    run.add_argument("--model", type=Path, help="model folder for model backends")
    run.add_argument("--tiny-model", action="store_true", help="build the tests' tiny Marian model into DEST and use it")
    run.add_argument("--no-energy", action="store_true", help="energy meter off (faster; no energy.jsonl)")
    run.add_argument("--inputs", type=Path, help="the checkout whose corpus/ (and ../shared/corpus/) to run (default: TREE)")
    diff = sub.add_parser("diff", help="compare two output folders, volatile fields ignored")
    diff.add_argument("a", type=Path)
    diff.add_argument("b", type=Path)
    args = parser.parse_args(argv)
    if args.command == "run":
        model = build_tiny_model(args.tree.resolve(), args.dest) if args.tiny_model else args.model
        return run_tree(args.tree, args.dest, args.backend or list(BACKENDS), model, not args.no_energy, args.inputs)
    report = compare_trees(args.a, args.b)
    kinds = Counter(note.split(": ", 1)[1] for note in report.notes)
    for kind, count in kinds.most_common():
        example = next(n.split(": ", 1)[0] for n in report.notes if n.endswith(kind))
        print(f"note: {kind} ({count} file(s), e.g. {example})")
    for failure in report.failures:
        print(f"DIFF: {failure}")
    verdict = "identical" if not report.failures else f"{len(report.failures)} difference(s)"
    print(f"compared {report.compared} files: {verdict} (ignored: run ids, times, pids, energy figures)")
    return 1 if report.failures else 0


if __name__ == "__main__":
    sys.exit(main())
