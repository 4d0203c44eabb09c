"""`bitext export RUN_DIR --format hf|parquet|csv`: all pairs of a run, back exactly, listed in run.json."""
from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from pipeline.errors import BitextError
from pipeline.formats.export import export_command, run_pairs
from pipeline.pairs import Pair, write_pairs_jsonl


def _pairs(article: str, n: int) -> list[Pair]:
    out = []
    for k in range(1, n + 1):
        out.append(
            Pair(
                id=f"{article}#{k}", article=article, kind="paragraph", heading_path=["Titre"] if k % 2 else [],
                src=f"Un **texte** {k} & <b>x</b>", tgt=f"A **text** {k}" if k != n else "", src_lines=[k, k],
                tgt_lines=[k, k + 1] if k != n else None, type="1-1" if k != n else "1-0", score=0.5 + k / 100,
                flags=[{"code": "unaligned", "reason": "no counterpart"}] if k == n else [],
                unit_ids=[f"u{k}"], target_unit_ids=[],
                sentences=[{"src": "Un texte.", "tgt": "A text.", "type": "1-1", "score": 1.0, "src_lines": [k, k], "tgt_lines": None}],
                src_lang="fr", tgt_lang="en",
            )
        )
    return out


@pytest.fixture
def run_dir(tmp_path) -> Path:
    """A run folder as the runner leaves it: run.json listing each article's pairs.jsonl."""
    run = tmp_path / "run"
    articles = []
    for name, n in (("a.fr.md", 3), ("sub/b.fr.md", 2)):
        rel = f"{name}.bitext/pairs.jsonl"
        write_pairs_jsonl(run / rel, _pairs(name, n))
        articles.append({"source": name, "status": "done", "outputs": {"pairs": rel}})
    articles.append({"source": "failed.fr.md", "status": "failed", "outputs": {}})
    (run / "run.json").write_text(json.dumps({"run_id": "r1", "articles": articles, "outputs": {"energy": "energy.jsonl"}}))
    return run


def _expected(run: Path) -> list[dict]:
    return [p.to_dict() for p in run_pairs(run)[0]]


def _manifest_outputs(run: Path) -> dict:
    return json.loads((run / "run.json").read_text())["outputs"]


def test_hf_dataset_round_trip(run_dir):
    from datasets import load_from_disk

    assert export_command(run_dir, "hf", quiet=True) == 0
    ds = load_from_disk(str(run_dir / "export" / "pairs.hf"))
    assert len(ds) == 5
    rows = [{k: v for k, v in row.items() if k != "run_id"} for row in ds]
    assert rows == _expected(run_dir)
    assert ds[0]["run_id"] == "r1"
    assert _manifest_outputs(run_dir) == {"energy": "energy.jsonl", "export_hf": "export/pairs.hf"}
    # exporting again replaces the dataset cleanly
    assert export_command(run_dir, "hf", quiet=True) == 0
    assert len(load_from_disk(str(run_dir / "export" / "pairs.hf"))) == 5
    assert sorted(p.name for p in (run_dir / "export").iterdir()) == ["pairs.hf"]


def test_parquet_round_trip(run_dir):
    import pyarrow.parquet as pq

    assert export_command(run_dir, "parquet", quiet=True) == 0
    table = pq.read_table(run_dir / "export" / "pairs.parquet")
    rows = [{k: v for k, v in row.items() if k != "run_id"} for row in table.to_pylist()]
    assert rows == _expected(run_dir)
    assert _manifest_outputs(run_dir)["export_parquet"] == "export/pairs.parquet"


def test_csv_round_trip(run_dir):
    assert export_command(run_dir, "csv", quiet=True) == 0
    with open(run_dir / "export" / "pairs.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    expected = _expected(run_dir)
    assert [r["src"] for r in rows] == [e["src"] for e in expected]
    assert [json.loads(r["flags"]) for r in rows] == [e["flags"] for e in expected]
    assert [json.loads(r["tgt_lines"]) for r in rows] == [e["tgt_lines"] for e in expected]
    assert _manifest_outputs(run_dir)["export_csv"] == "export/pairs.csv"


def test_missing_run_folder_or_manifest_is_a_one_line_error(tmp_path):
    with pytest.raises(BitextError, match="run folder not found"):
        export_command(tmp_path / "nope", "csv")
    with pytest.raises(BitextError, match="no run.json here"):
        export_command(tmp_path, "csv")
    (tmp_path / "run.json").write_text("{not json")
    with pytest.raises(BitextError, match="not valid JSON"):
        export_command(tmp_path, "csv")
    (tmp_path / "run.json").write_text(json.dumps({"articles": [{"outputs": {}}]}))
    with pytest.raises(BitextError, match="no pairs"):
        export_command(tmp_path, "parquet")
    with pytest.raises(BitextError, match="--format"):
        export_command(tmp_path, "xlsx")


def test_prose_only_leaves_out_the_pairs_of_blocks_without_prose(run_dir):
    rel = "a.fr.md.bitext/pairs.jsonl"
    code = Pair(id="a.fr.md#9", article="a.fr.md", kind="code", heading_path=[], src="```sh\nls\n```", tgt="```sh\nls\n```",
                src_lines=[9, 11], tgt_lines=[9, 11], type="1-1", score=1.0)
    write_pairs_jsonl(run_dir / rel, _pairs("a.fr.md", 3) + [code])
    assert export_command(run_dir, "csv", quiet=True) == 0
    with open(run_dir / "export" / "pairs.csv", encoding="utf-8", newline="") as fh:
        assert [r["kind"] for r in csv.DictReader(fh)].count("code") == 1  # on by default, like pairs.jsonl
    assert export_command(run_dir, "csv", quiet=True, prose_only=True) == 0
    with open(run_dir / "export" / "pairs.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert "code" not in [r["kind"] for r in rows] and len(rows) == 5
