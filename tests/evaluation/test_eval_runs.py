"""``bitext eval`` end to end: the pipeline's output against the bare model's, segment by segment.

With the tiny models the scores mean nothing; what is proven is the pipeline's
cost to the model: on plain segments its output equals the bare model's except
where it split the segment, a guard fired, or a placeholder or an escape was
needed, each such segment listed with that reason; none differs without one.
The tests use a few segments each (the random-weights model loops to its
length limit on every sentence, which is slow); ``bench/eval_tiny.py`` runs the
200-segment set with both tiny models.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.cli import main

# (source, reference): plain, several sentences, an empty line, no words, a URL, escapes, too long for the model...
SEGMENTS = [
    ("Bonjour à tous.", "Hello everyone."),
    ("Le marché ouvre à 19 h. Il ferme à minuit.", "The market opens at 7 pm. It closes at midnight."),
    ("", ""),
    ("2019", "2019"),
    ("…", "…"),
    ("Le rapport est sur https://www.example.org/rapport.pdf depuis hier.",
     "The report has been at https://www.example.org/rapport.pdf since yesterday."),
    ("1990. Une année de changements", "1990. A year of change"),
    ("Les villes, les villages, les routes, les ponts, les gares, les écoles, les hôpitaux, les marchés, "
     "les parcs, les jardins, les musées, les théâtres, les stades, les piscines, les bibliothèques, "
     "les mairies et les places ont tous changé en dix ans.",
     "Towns, villages, roads, bridges, stations, schools, hospitals, markets, parks, gardens, museums, "
     "theatres, stadiums, pools, libraries, town halls and squares have all changed in ten years."),
    ("vélo vélo vélo vélo vélo vélo vélo vélo", "bike bike bike bike bike bike bike bike"),
    ("M. Dupont arrive à 9 h. Mme Durand le suit.", "Mr Dupont arrives at 9. Mrs Durand follows him."),
    ("Les élus ont voté le budget de la commune hier soir.", "The councillors voted the town's budget last night."),
    ("Le festival fête sa douzième édition avec neuf groupes.", "The festival celebrates its twelfth year with nine bands."),
]
SHORT = [SEGMENTS[k] for k in (0, 1, 2, 3, 10)]  # for the random-weights model


@pytest.fixture(scope="module")
def random_tiny_marian_dir(tmp_path_factory) -> Path:
    """The tiny Marian model with seeded random weights: the worst output a model can give."""
    from support.tiny_marian import build_tiny_marian, corpus_texts

    return build_tiny_marian(tmp_path_factory.mktemp("random-marian"), corpus_texts(), behaviour="random")


def _files(folder: Path, pairs) -> tuple[Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    src, ref = folder / "test.fr", folder / "test.en"
    src.write_text("".join(s + "\n" for s, _ in pairs), encoding="utf-8")
    ref.write_text("".join(r + "\n" for _, r in pairs), encoding="utf-8")
    return src, ref


def _eval(tmp_path: Path, pairs, *extra: str, capsys=None) -> tuple[dict, str]:
    src, ref = _files(tmp_path / "data", pairs)
    out = tmp_path / "run"
    # One thread: on this shared 2-core machine, torch's two threads wait on each other (10x slower).
    config = tmp_path / "one-thread.yaml"
    config.write_text("translate:\n  threads: 1\n", encoding="utf-8")
    args = ["eval", "--src", str(src), "--ref", str(ref), "--to", "en", "--out", str(out), "--config", str(config)]
    code = main([*args, *extra])
    printed = capsys.readouterr().out if capsys else ""
    assert code == 0, printed
    return json.loads((out / "eval.json").read_text(encoding="utf-8")), printed


def _check_plain_segments(report: dict) -> list[dict]:
    """The Must-show: equal to the bare model, or listed with a deliberate reason; never unexplained."""
    segments = report["segments"]
    different = report["different_segments"]
    assert segments["identical"] + segments["different"] == report["test_set"]["segments"]
    assert len(different) == segments["different"]
    assert segments["unexplained"] == 0, [d for d in different if d["unexplained"]]
    for d in different:
        assert d["bare"] != d["pipeline"] and d["reasons"], d
        assert {r["kind"] for r in d["reasons"]} & {"split", "guard", "placeholder", "markup", "repair"}, d
    return different


def _markup_accounts_for_every_span(report: dict) -> None:
    markup = report["markup"]
    assert markup["spans"] > 0
    assert markup["lost"] == 0, markup["lost_spans"]
    assert sum(cell["spans"] for cell in markup["by_step"].values()) == markup["spans"]
    assert sum(cell["flagged"] for cell in markup["by_step"].values()) == markup["flagged"]
    assert "missing" not in markup["by_step"]


def test_identity_backend_the_pipeline_changes_nothing(tmp_path, capsys):
    report, printed = _eval(tmp_path, SEGMENTS, "--backend", "identity", "--markup", capsys=capsys)
    scores = report["scores"]
    assert scores["bare"]["BLEU"]["score"] == scores["pipeline"]["BLEU"]["score"] > 0
    assert report["segments"]["different"] == 0  # escapes, URLs, empty lines: all come back as they were
    _check_plain_segments(report)
    _markup_accounts_for_every_span(report)
    assert set(report["markup"]["by_step"]) == {"kept in place"}
    assert "difference (bitext-bare)" in printed and "nrefs:1|case:mixed|eff:no|tok:13a" in printed


def test_tiny_model_pipeline_equals_the_bare_model_but_where_it_says_why(tmp_path, tiny_marian_dir, capsys):
    report, printed = _eval(tmp_path, SEGMENTS, "--model", str(tiny_marian_dir), "--markup", capsys=capsys)
    different = {d["index"]: d for d in _check_plain_segments(report)}
    assert 0 not in different and 10 not in different and 11 not in different  # plain sentences: equal
    kinds = lambda k: {r["kind"] for r in different[k]["reasons"]}  # noqa: E731
    assert "guard" in kinds(4)  # "…" has no words: copied through, the bare model normalises it to "..."
    assert "split" in kinds(7)  # longer than the tiny model's positions: cut into pieces, not truncated
    assert report["difference"]["pipeline_minus_bare"]["BLEU"] == pytest.approx(
        report["scores"]["pipeline"]["BLEU"]["score"] - report["scores"]["bare"]["BLEU"]["score"], abs=1e-3)
    assert "difference (bitext-bare)" in printed and "unexplained: 0" in printed
    _markup_accounts_for_every_span(report)
    # both passes in the energy log, and the hypotheses for sacrebleu
    records = [json.loads(line) for line in (tmp_path / "run" / "energy.jsonl").read_text().splitlines()]
    stages = {r["stage"] for r in records}
    assert {"bare translate", "translate", "extract", "reinsert", "total"} <= stages
    assert {r["run_id"] for r in records} == {report["run_id"]}
    for name in ("bare", "pipeline", "markup"):
        lines = (tmp_path / "run" / f"{name}.txt").read_text(encoding="utf-8").split("\n")
        assert len(lines) == len(SEGMENTS) + 1 and report["passes"][name]["joules"] > 0


def test_random_weights_model_every_difference_is_a_guard_or_a_split(tmp_path, random_tiny_marian_dir):
    report, _ = _eval(tmp_path, SHORT, "--model", str(random_tiny_marian_dir), "--quiet")
    different = {d["index"]: d for d in _check_plain_segments(report)}
    # a random model loops on every sentence: each one retried, listed with that reason
    for k in (0, 1, 4):
        assert any("translated again" in r["text"] for r in different[k]["reasons"]), different[k]
    assert report["scores"]["pipeline"]["chrF2"]["score"] >= report["scores"]["bare"]["chrF2"]["score"]


def test_random_weights_model_markup_is_never_lost(tmp_path, random_tiny_marian_dir):
    pairs = SHORT + [("Venir au festival", "Getting to the festival")]
    report, _ = _eval(tmp_path, pairs, "--model", str(random_tiny_marian_dir), "--markup", "--quiet")
    _markup_accounts_for_every_span(report)


@pytest.mark.real_model
def test_real_model_eval_is_wired(tmp_path, monkeypatch, capsys):
    """The real opus-mt-fr-en through bitext eval: both passes, sane scores (skipped without the weights)."""
    from huggingface_hub import try_to_load_from_cache

    model = "Helsinki-NLP/opus-mt-fr-en"
    if not all(isinstance(try_to_load_from_cache(model, f), str) for f in ("config.json", "source.spm", "vocab.json")):
        pytest.skip(f"{model} is not in the local Hugging Face cache (huggingface-cli download {model})")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    report, printed = _eval(tmp_path, SEGMENTS, "--model", model, "--markup", capsys=capsys)
    assert report["scores"]["bare"]["chrF2"]["score"] > 40 and report["scores"]["pipeline"]["chrF2"]["score"] > 40
    _check_plain_segments(report)
    _markup_accounts_for_every_span(report)
    assert "BLEU" in printed
