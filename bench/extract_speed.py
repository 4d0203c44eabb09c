"""Extract + reinsert speed on synthetic Hugo articles (issue 2 target: >= 100 articles/s on one core).

Builds N articles of about 1,500 words with front matter, headings, lists,
tables, links, bold, inline HTML and shortcodes (figure, callout, hl), then
extracts each into a Document and fills the skeleton again, checking the
round trip. Prints articles per second and peak memory (RSS).

    python bench/extract_speed.py [--articles 1000]
"""
from __future__ import annotations

import argparse
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.config import load_config  # noqa: E402
from pipeline.files import write_atomic  # noqa: E402
from pipeline.markdown.encoding import encode_article  # noqa: E402
from pipeline.markdown.extract import extract_file  # noqa: E402
from pipeline.markdown.render import fill_skeleton  # noqa: E402

WORDS = (
    "le la les un une des énergie modèle calcul carbone données recherche article réseau neuronal "
    "entraînement émission consommation laboratoire université politique climat traduction langue "
    "the model energy carbon training research network language paper cost emissions"
).split()


def sentence(rng: random.Random, n: int) -> str:
    words = [rng.choice(WORDS) for _ in range(n)]
    words[0] = words[0].capitalize()
    return " ".join(words) + "."


def paragraph(rng: random.Random) -> str:
    parts = []
    for _ in range(rng.randint(3, 6)):
        s = sentence(rng, rng.randint(8, 16))
        r = rng.random()
        if r < 0.2:
            s = s.replace(" ", " <b>", 1).replace(" ", "</b> ", 2).replace("</b> ", " ", 1)
        elif r < 0.4:
            s = f"[{s[:-1]}](https://example.org/{rng.randint(1, 999)})."
        elif r < 0.5:
            s = "{{<hl>}}" + s + "{{</hl>}}"
        elif r < 0.6:
            s = s.replace(" ", " **", 1).replace(" ", "** ", 2).replace("** ", " ", 1)
        parts.append(s)
    return " ".join(parts)


def article(rng: random.Random) -> str:
    out = [
        "---",
        f"title: {sentence(rng, 6)[:-1]}",
        "date: '2024-01-01'",
        "tags:",
        "  - énergie",
        "  - climat",
        "---",
        "",
    ]
    words = 0
    while words < 1500:
        kind = rng.random()
        if kind < 0.1:
            out.append(f"## {sentence(rng, 5)[:-1]}")
        elif kind < 0.2:
            out.append('{{< figure src="img/x.png" caption="' + sentence(rng, 8) + '" numbered="true">}}')
        elif kind < 0.3:
            out += ["{{< callout warning >}}", paragraph(rng), "{{< /callout >}}"]
        elif kind < 0.4:
            out += [f"- {sentence(rng, 6)}" for _ in range(4)]
        elif kind < 0.45:
            out += ["| a | b |", "|---|---|", f"| {sentence(rng, 3)} | `x` |"]
        else:
            out.append(paragraph(rng))
        out.append("")
        words = sum(len(line.split()) for line in out)
    return "\n".join(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=1000)
    args = ap.parse_args()
    rng = random.Random(1)
    config = load_config()
    texts = [article(rng) for _ in range(args.articles)]
    words = sum(len(t.split()) for t in texts) / len(texts)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        sources = []
        for n, text in enumerate(texts):
            sources.append(folder / f"a{n}.fr.md")
            sources[-1].write_text(text, encoding="utf-8")
        start = time.perf_counter()
        cpu_start = time.process_time()
        units = 0
        for n, source in enumerate(sources):
            doc = extract_file(source, config, "fr")
            units += len(doc.units)
            out = encode_article(fill_skeleton(doc), doc.encoding)
            write_atomic(folder / f"a{n}.en.md", out)
            if out != source.read_bytes():
                raise SystemExit(f"round trip failed on article {n}")
        elapsed = time.perf_counter() - start
        cpu = time.process_time() - cpu_start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"articles: {len(texts)}  words/article: {words:.0f}  units: {units}")
    print(f"read+extract+reinsert+write: {elapsed:.2f} s wall  ->  {len(texts) / elapsed:.1f} articles/s (one core)")
    print(f"CPU time of this process: {cpu:.2f} s  ->  {len(texts) / cpu:.1f} articles per CPU-second (robust to a busy machine)")
    print(f"peak RSS: {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
