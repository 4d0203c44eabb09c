"""Behaviour lock: pseudo and identity runs of every article write the golden outputs, byte for byte.

A refactor must leave what a run writes unchanged. The golden files
(``tests/support/expected/``, see ``tests/support/golden.py``) were written
from the code before the change; every run here goes through the CLI with all
stages (align included) and must give the same translated article, the same
``pairs.jsonl`` and the same ``pairs.tmx`` (its creation date aside). Identity
runs must also give back the source itself (mojibake repaired), byte for byte.
``bench/compare_runs.py`` does the same over whole run folders, with diffs.
"""
from __future__ import annotations

from pathlib import Path

import ftfy
import pytest
from support.golden import BACKENDS, ROOT, digests, expected_article_path, golden_articles, is_own, load_golden, run_article


@pytest.fixture(scope="module")
def fast_config(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("config") / "fast.yaml"
    path.write_text("energy:\n  enabled: false\n", encoding="utf-8")
    return path


def test_golden_data_covers_every_article():
    golden = load_golden()
    for backend in BACKENDS:
        assert set(golden_articles()) <= set(golden[backend]), "new article: update the golden files on purpose"
    for article in golden_articles():
        if is_own(article):
            assert expected_article_path(article).is_file(), article


def _identity_expected(source: Path) -> bytes:
    """The source itself; for a mojibake article, its repaired text (the one change a run makes)."""
    data = source.read_bytes()
    text = data.decode("utf-8")
    repaired = ftfy.fix_encoding(text)
    return data if repaired == text else repaired.encode("utf-8")


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("article", golden_articles())
def test_run_writes_the_golden_outputs(article, backend, tmp_path, fast_config):
    files = run_article(article, backend, tmp_path / "out", fast_config)
    if backend == "identity":
        assert files["article"] == _identity_expected(ROOT / article)
    elif is_own(article):
        expected = expected_article_path(article).read_bytes().decode("utf-8")
        assert files["article"].decode("utf-8") == expected
    assert digests(files) == load_golden()[backend][article]
