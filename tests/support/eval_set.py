"""A French -> English test set for ``bitext eval`` with the tiny models: real human translations, and hostile segments.

Real pairs: the text units of the repository's own corpus (``corpus/``: each
French article and its English version have the same units, in order), then,
when the shared corpus is beside the repository, the 1-1 links of the
hand-made unit gold of its real EN/FR pairs (``tests/support/gold/``). Each
segment is a unit's plain text on one line: a title, a heading, a list item, or
a paragraph of several sentences, as in WMT's news test sets, which also mix
headlines and multi-sentence segments.

Hostile segments are put at fixed places among them: an empty line, numbers and
punctuation only, a bare URL, a sentence with a URL, markdown characters that
a one-paragraph article must escape, a paragraph longer than the tiny model's
positions, a word repeated many times.
"""
from __future__ import annotations

import json
from pathlib import Path

from support.paths import ROOT, SHARED

HOSTILE = [
    ("", ""),
    ("2019", "2019"),
    ("…", "…"),
    ("https://www.example.org/rapport-2019.pdf", "https://www.example.org/rapport-2019.pdf"),
    ("Le rapport complet est sur https://www.example.org/rapport.pdf depuis hier.",
     "The full report has been at https://www.example.org/rapport.pdf since yesterday."),
    ("1990. Une année de changements", "1990. A year of change"),
    ("# Le titre *principal* et les [notes] de bas_de_page", "# The *main* title and the [foot_notes]"),
    ("Les villes, les villages, les routes, les ponts, les gares, les écoles, les hôpitaux, les marchés, "
     "les parcs, les jardins, les musées, les théâtres, les stades, les piscines, les bibliothèques, "
     "les mairies et les places ont tous changé en dix ans, et personne ne l'avait prévu.",
     "Towns, villages, roads, bridges, stations, schools, hospitals, markets, parks, gardens, museums, "
     "theatres, stadiums, pools, libraries, town halls and squares have all changed in ten years, "
     "and nobody had foreseen it."),
    ("vélo vélo vélo vélo vélo vélo vélo vélo", "bike bike bike bike bike bike bike bike"),
    ("Elle a dit : « Non. » Puis elle est partie.", "She said: \"No.\" Then she left."),
    ("A&B, 3 < 4 et x_y_z.", "A&B, 3 < 4 and x_y_z."),
    ("M. Dupont arrive à 9 h. Mme Durand le suit.", "Mr Dupont arrives at 9. Mrs Durand follows him."),
]
EVERY = 12  # one hostile segment every EVERY segments


def _one_line(text: str) -> str:
    return " ".join(text.split())


def repo_pairs() -> list[tuple[str, str]]:
    """The units of ``corpus/``'s French articles with those of their English versions, in order."""
    from pipeline.config import load_config
    from pipeline.markdown.encoding import read_article
    from pipeline.markdown.extract import extract_text

    config = load_config()
    pairs = []
    for fr in sorted((ROOT / "corpus").rglob("*.fr.md")):
        en = fr.with_name(fr.name.replace(".fr.md", ".en.md"))
        a = extract_text(read_article(fr)[0], str(fr), config, "fr")
        b = extract_text(read_article(en)[0], str(en), config, "en")
        if [u.kind for u in a.units] != [u.kind for u in b.units]:
            continue  # not unit by unit: no pairs from it
        pairs += [(_one_line(x.text), _one_line(y.text)) for x, y in zip(a.units, b.units)]
    return pairs


def shared_pairs() -> list[tuple[str, str]]:
    """The 1-1 links of the unit gold of the shared real pairs (none without the shared corpus)."""
    from pipeline.config import load_config
    from pipeline.markdown.encoding import read_article
    from pipeline.markdown.extract import extract_text

    real = SHARED / "real"
    if not real.is_dir():
        return []
    config = load_config()
    pairs = []
    for gold_file in sorted((ROOT / "tests" / "support" / "gold").glob("*.json")):
        name = gold_file.stem
        gold = json.loads(gold_file.read_text(encoding="utf-8"))
        units = {}
        for side, lang in (("a", "fr"), ("b", "en")):
            path = real / name / f"{name}.{lang}.md"
            units[side] = _by_key(extract_text(read_article(path)[0], str(path), config, lang).units)
        for group_a, group_b in gold["links"]:
            if len(group_a) == 1 and len(group_b) == 1:
                pairs.append((_one_line(units["a"][group_a[0]]), _one_line(units["b"][group_b[0]])))
    return pairs


def _by_key(units) -> dict[str, str]:
    """Units by the gold's names: the first 40 characters of the plain text, ``#k`` for the k-th repeat."""
    seen: dict[str, int] = {}
    out = {}
    for u in units:
        k = " ".join(u.text.split())[:40]
        seen[k] = seen.get(k, 0) + 1
        out[k if seen[k] == 1 else f"{k}#{seen[k]}"] = u.text
    return out


def eval_pairs(count: int) -> list[tuple[str, str]]:
    """``count`` (source, reference) pairs: real ones with a hostile one every ``EVERY``."""
    real = [p for p in repo_pairs() + shared_pairs() if p[0]]
    out: list[tuple[str, str]] = []
    hostile = iter(HOSTILE)
    while len(out) < count:
        if len(out) % EVERY == EVERY - 1:
            extra = next(hostile, None)
            if extra is not None:
                out.append(extra)
                continue
        if not real:
            break
        out.append(real.pop(0))
    return out


def write_eval_files(folder: Path, count: int) -> tuple[Path, Path]:
    """``src.fr`` and ``ref.en`` in ``folder``, one segment a line."""
    pairs = eval_pairs(count)
    folder.mkdir(parents=True, exist_ok=True)
    src, ref = folder / "src.fr", folder / "ref.en"
    src.write_text("".join(s + "\n" for s, _ in pairs), encoding="utf-8")
    ref.write_text("".join(r + "\n" for _, r in pairs), encoding="utf-8")
    return src, ref


if __name__ == "__main__":  # PYTHONPATH=$PWD:tests python tests/support/eval_set.py DIR [COUNT]
    import sys

    folder = Path(sys.argv[1])
    written = write_eval_files(folder, int(sys.argv[2]) if len(sys.argv) > 2 else 200)
    print(" ".join(str(p) for p in written))
