"""``bitext export RUN_DIR --format hf|parquet|csv``: all pairs of a run as one table.

The pairs are found through the run manifest: ``run.json`` ->
``articles[].outputs["pairs"]`` (paths relative to the run folder). They
are written into ``RUN_DIR/export/``:

- ``hf``: a Hugging Face ``datasets`` Dataset saved with ``save_to_disk``
  (``pairs.hf/``; load it back with ``datasets.load_from_disk``);
- ``parquet``: ``pairs.parquet``;
- ``csv``: ``pairs.csv`` (UTF-8; list and dict columns as JSON text).

One explicit Arrow schema serves all three, so an empty list, a missing
side (``null`` lines) or a pair without flags never changes a column's
type between runs. The export is added to the manifest's ``outputs``
(``export_hf``, ``export_parquet``, ``export_csv``).
"""
from __future__ import annotations

import json
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from ..errors import BitextError
from ..executors.manifest import read_manifest, write_manifest
from ..files import replacing, write_atomic
from ..pairs import Pair, read_pairs_jsonl

FORMATS = ("hf", "parquet", "csv")
_NAMES = {"hf": "pairs.hf", "parquet": "pairs.parquet", "csv": "pairs.csv"}


def _schema():
    import pyarrow as pa

    lines = pa.list_(pa.int32())
    flag = pa.struct([("code", pa.string()), ("reason", pa.string())])
    sentence = pa.struct(
        [
            ("src", pa.string()),
            ("tgt", pa.string()),
            ("type", pa.string()),
            ("score", pa.float64()),
            ("src_lines", lines),
            ("tgt_lines", lines),
        ]
    )
    return pa.schema(
        [
            ("id", pa.string()),
            ("article", pa.string()),
            ("kind", pa.string()),
            ("heading_path", pa.list_(pa.string())),
            ("src", pa.string()),
            ("tgt", pa.string()),
            ("src_lines", lines),
            ("tgt_lines", lines),
            ("type", pa.string()),
            ("score", pa.float64()),
            ("flags", pa.list_(flag)),
            ("unit_ids", pa.list_(pa.string())),
            ("target_unit_ids", pa.list_(pa.string())),
            ("sentences", pa.list_(sentence)),
            ("status", pa.string()),
            ("note", pa.string()),
            ("src_lang", pa.string()),
            ("tgt_lang", pa.string()),
            ("run_id", pa.string()),
        ]
    )


def _row(pair: Pair, run_id: str) -> dict[str, Any]:
    row = pair.to_dict()
    row["flags"] = [{"code": f.get("code", ""), "reason": f.get("reason", "")} for f in pair.flags]
    row["sentences"] = [
        {
            "src": s.get("src", ""),
            "tgt": s.get("tgt", ""),
            "type": s.get("type", ""),
            "score": float(s.get("score", 0.0)),
            "src_lines": s.get("src_lines"),
            "tgt_lines": s.get("tgt_lines"),
        }
        for s in pair.sentences
    ]
    row["run_id"] = run_id
    return row


def run_pairs(run_dir: Path, manifest: dict[str, Any] | None = None) -> tuple[list[Pair], int]:
    """Every pair of a run, in the manifest's article order; also how many articles had pairs."""
    manifest = manifest if manifest is not None else read_manifest(run_dir)
    pairs: list[Pair] = []
    articles = 0
    for entry in manifest.get("articles", []):
        rel = (entry.get("outputs") or {}).get("pairs")
        if not rel:
            continue
        path = run_dir / rel
        if not path.exists():
            raise BitextError(f"pairs file listed in run.json is missing: {rel}", path=str(run_dir / "run.json"))
        pairs.extend(read_pairs_jsonl(path))
        articles += 1
    return pairs, articles


def _table(pairs: list[Pair], run_id: str):
    import pyarrow as pa

    return pa.Table.from_pylist([_row(p, run_id) for p in pairs], schema=_schema())


def _write_parquet(table, path: Path) -> None:
    import pyarrow.parquet as pq

    with replacing(path) as tmp:
        pq.write_table(table, str(tmp))


def _write_csv(pairs: list[Pair], run_id: str, path: Path) -> None:
    import csv
    import io

    names = [f.name for f in _schema()]
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=names, lineterminator="\n")
    writer.writeheader()
    for p in pairs:
        row = _row(p, run_id)
        writer.writerow({k: (json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict)) or v is None else v) for k, v in row.items()})
    write_atomic(path, buf.getvalue())


def _write_hf(table, path: Path) -> None:
    """``save_to_disk`` into a fresh folder, then swapped in: a half-written dataset never replaces a good one."""
    import datasets

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=path.parent, prefix=f".{path.name}."))
    bars = datasets.is_progress_bar_enabled()
    try:
        datasets.disable_progress_bars()  # one summary line is printed instead
        try:
            datasets.Dataset(table).save_to_disk(str(tmp))
        finally:
            if bars:
                datasets.enable_progress_bars()
        if path.exists():
            old = path.with_name(f".{path.name}.old")
            shutil.rmtree(old, ignore_errors=True)
            path.rename(old)
            tmp.rename(path)
            shutil.rmtree(old, ignore_errors=True)
        else:
            tmp.rename(path)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def export_command(run_dir: Path, fmt: str, quiet: bool = False, prose_only: bool = False) -> int:
    """Write all pairs of the run in ``fmt`` into ``RUN_DIR/export/`` and list it in run.json;
    ``prose_only`` leaves out the pairs of blocks without prose (``Pair.is_markup``: code, shortcodes...)."""
    if fmt not in FORMATS:
        raise BitextError(f"--format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    run_dir = Path(run_dir)
    manifest = read_manifest(run_dir)
    pairs, articles = run_pairs(run_dir, manifest)
    if prose_only:
        pairs = [p for p in pairs if not p.is_markup]
    if not articles:
        raise BitextError("this run has no pairs (run.json lists no articles[].outputs.pairs): run the align stage first", path=str(run_dir))
    run_id = str(manifest.get("run_id", ""))
    target = run_dir / "export" / _NAMES[fmt]
    if fmt == "csv":
        _write_csv(pairs, run_id, target)
    else:
        table = _table(pairs, run_id)
        if fmt == "parquet":
            _write_parquet(table, target)
        else:
            _write_hf(table, target)
    manifest.setdefault("outputs", {})[f"export_{fmt}"] = str(target.relative_to(run_dir))
    write_manifest(run_dir, manifest)
    if not quiet:
        print(f"bitext: {len(pairs)} pairs from {articles} article(s) -> {target}", file=sys.stderr)
    return 0
