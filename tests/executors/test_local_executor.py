"""The local executor runs whatever stages it is given: stages written here, never named in its code."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.config import load_config
from pipeline.energy.meter import EnergyConfig, EnergyMeter
from pipeline.executors.local import LocalExecutor, RunOptions
from pipeline.mt.identity import IdentityTranslator
from pipeline.sources.article import Article
from pipeline.stages import default_stages
from pipeline.stages.base import Stage


class CountingStage(Stage):
    """A stage written for this test: counts the articles and units it sees; adds nothing."""

    name = "count"
    reads = ("units",)

    def __init__(self) -> None:
        self.seen: list[tuple[str, int]] = []

    def run(self, doc, ctx):
        self.seen.append((ctx.source.name, len(doc.units)))
        ctx.work["units"] = len(doc.units)
        ctx.entry["counted_units"] = len(doc.units)
        return doc


class GroupingStage(Stage):
    """A stage written for this test that wants its articles two at a time."""

    name = "pairs-of-articles"
    reads = ("units",)

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def group_size(self, config, translator) -> int:
        return 2

    def run(self, doc, ctx):
        return self.run_many([doc], [ctx])[0]

    def run_many(self, docs, ctxs):
        self.calls.append([c.source.name for c in ctxs])
        for doc, ctx in zip(docs, ctxs):
            ctx.work["units"] = len(doc.units)
        return docs


def _articles(folder: Path, n: int) -> list[Article]:
    folder.mkdir(parents=True, exist_ok=True)
    articles = []
    for k in range(n):
        path = folder / f"a{k}.fr.md"
        path.write_text(f"---\ntitle: Titre {k}\n---\n\nUn texte.{' Encore.' * k}\n\nUn autre paragraphe.\n", encoding="utf-8")
        articles.append(Article(path, "fr", Path(f"a{k}.en.md")))
    return articles


def _executor(tmp_path: Path, articles, stages, energy: bool = True) -> LocalExecutor:
    options = RunOptions(articles=articles, target_lang="en", source_lang=None, out_dir=tmp_path / "out",
                         backend="identity", config=load_config(), quiet=True)

    def meter(run_id: str) -> EnergyMeter:
        return EnergyMeter(options.out_dir, run_id, EnergyConfig())

    return LocalExecutor(options, IdentityTranslator(), stages, meter if energy else None)


def _records(out: Path) -> list[tuple[str, str]]:
    lines = (out / "energy.jsonl").read_text(encoding="utf-8").splitlines()
    return [(json.loads(line)["article"], json.loads(line)["stage"]) for line in lines]


def test_a_stage_written_in_the_test_runs_with_the_real_ones(tmp_path):
    counter = CountingStage()
    stages = default_stages()
    stages.insert(2, counter)  # after translate
    articles = _articles(tmp_path / "content", 3)
    result = _executor(tmp_path, articles, stages).run()
    assert (result.done, result.failed, result.skipped) == (3, 0, 0)
    assert counter.seen == [("a0.fr.md", 3), ("a1.fr.md", 3), ("a2.fr.md", 3)]
    out = tmp_path / "out"
    manifest = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert [a["counted_units"] for a in manifest["articles"]] == [3, 3, 3]
    for article in articles:  # the real stages did their work around it
        assert (out / article.target).read_bytes() == article.source.read_bytes()
    # one energy record per (article, stage), the stage written here included
    expected = [(str(a.source), s.name) for a in articles for s in stages] + [(None, "total")]
    assert _records(out) == expected
    # its completion markers make a rerun skip every article: the counter is not called again
    again = _executor(tmp_path, _articles(tmp_path / "content", 3), stages, energy=False).run()
    assert again.done == 3 and counter.seen == [("a0.fr.md", 3), ("a1.fr.md", 3), ("a2.fr.md", 3)]
    manifest = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert all(a["resumed"] and a["counted_units"] == 3 for a in manifest["articles"])


def test_a_stage_that_wants_groups_gets_them_in_one_energy_record_each(tmp_path):
    grouping = GroupingStage()
    stages = default_stages()
    stages.insert(1, grouping)  # after extract
    articles = _articles(tmp_path / "content", 3)
    result = _executor(tmp_path, articles, stages).run()
    assert result.done == 3
    assert grouping.calls == [["a0.fr.md", "a1.fr.md"], ["a2.fr.md"]]
    records = [r for r in _records(tmp_path / "out") if r[1] == grouping.name]
    assert records == [("batch of 2 articles", grouping.name), (str(articles[2].source), grouping.name)]
    lines = (tmp_path / "out" / "energy.jsonl").read_text(encoding="utf-8").splitlines()
    batch = [json.loads(line) for line in lines if json.loads(line)["article"] == "batch of 2 articles"][0]
    assert batch["units"] == 6 and batch["extra"]["articles"] == repr([str(a.source) for a in articles[:2]])


def test_a_stage_before_the_stage_that_adds_what_it_reads_is_refused(tmp_path):
    stages = default_stages()
    reorder = [stages[0], stages[4], stages[1], stages[2], stages[3]]  # align before translate and reinsert
    with pytest.raises(ValueError, match="stage 'align' reads targets, target_spans"):
        _executor(tmp_path, _articles(tmp_path / "content", 1), reorder)
