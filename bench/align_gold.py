"""Write and read block-level alignment gold (see ``pipeline/align/gold.py``).

    python bench/align_gold.py draft A.md B.md NAME > NAME.json   # blocks of both sides, no links yet
    python bench/align_gold.py list GOLD.json [--base DIR]          # the blocks, side by side, to write links
    python bench/align_gold.py show GOLD.json [--base DIR]          # each link group with both texts, to check by reading
    python bench/align_gold.py check GOLD.json [--base DIR]         # keys fit the files, every block in one link
    python bench/align_gold.py links GOLD.json < LINKS.txt          # write the links read by hand (one "a1 a2 = b3" a line)

``--base`` is the folder that holds the gold's articles (or, for a drifted
copy, the articles its ``base`` names); by default the gold's own folder.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.align.gold import (  # noqa: E402
    Gold, GoldBlock, check_text, draft_gold, dump_gold, gold_texts, load_gold, read_text, side_by_side,
)


def _lang(path: Path) -> str:
    parts = path.name.split(".")
    return parts[-2] if len(parts) >= 3 and len(parts[-2]) == 2 else ""


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    d = sub.add_parser("draft")
    d.add_argument("a", type=Path)
    d.add_argument("b", type=Path)
    d.add_argument("name")
    lk = sub.add_parser("links")
    lk.add_argument("gold", type=Path)
    for name in ("list", "show", "check"):
        s = sub.add_parser(name)
        s.add_argument("gold", type=Path)
        s.add_argument("--base", type=Path)
        s.add_argument("--width", type=int, default=110)
    args = ap.parse_args(argv)
    if args.cmd == "draft":
        ta, tb = read_text(args.a), read_text(args.b)
        gold = draft_gold(args.name, ta, tb, args.a.name, args.b.name, _lang(args.a), _lang(args.b))
        sys.stdout.write(dump_gold(gold))
        return 0
    import json

    if args.cmd == "links":
        return write_links(args.gold, sys.stdin.read())
    base = args.base or args.gold.parent
    if args.cmd == "list":
        raw = json.loads(args.gold.read_text(encoding="utf-8"))
        gold = Gold(raw.get("name", args.gold.stem), raw["a"], raw["b"],
                    [GoldBlock.from_row(r) for r in raw["blocks"]["a"]], [GoldBlock.from_row(r) for r in raw["blocks"]["b"]],
                    [], extra={k: v for k, v in raw.items() if k in ("base", "edits")})
        ta, tb = gold_texts(gold, base)
        print(side_by_side(gold, ta, tb, args.width))
        return 0
    gold = load_gold(args.gold)
    ta, tb = gold_texts(gold, base)
    check_text(gold, ta, tb)
    if args.cmd == "show":
        la, lb = ta.split("\n"), tb.split("\n")
        by_a = {b.id: b for b in gold.blocks_a}
        by_b = {b.id: b for b in gold.blocks_b}

        def text(blk, lines):
            return " ".join(" ".join(lines[blk.first - 1 : blk.last]).split())[: args.width]

        for ga, gb in gold.links:
            print(f"--- {' '.join(ga) or '-'} = {' '.join(gb) or '-'}")
            for x in ga:
                print(f"  A {by_a[x].kind:<10} {text(by_a[x], la)}")
            for y in gb:
                print(f"  B {by_b[y].kind:<10} {text(by_b[y], lb)}")
    n_links = len(gold.link_set())
    print(f"{args.gold}: ok ({len(gold.blocks_a)} + {len(gold.blocks_b)} blocks, {n_links} links)", file=sys.stderr)
    return 0


def write_links(path: Path, text: str) -> int:
    """Put the links written by hand (``a1 a2 = b3``, ``a4 =``, ``a5..a9 = b6..b10``; ``#`` starts a
    comment) into a drafted gold file, then check that every block is in exactly one link."""
    import json

    from pipeline.align.gold import gold_from_dict

    raw = json.loads(path.read_text(encoding="utf-8"))
    raw["links"] = [" ".join(line.split("#", 1)[0].split()) for line in text.splitlines() if line.split("#", 1)[0].strip()]
    gold = gold_from_dict(raw, path.stem)  # raises GoldError naming the blocks left out or linked twice
    path.write_text(dump_gold(_with_raw_links(gold, raw["links"])), encoding="utf-8")
    print(f"{path}: {len(raw['links'])} link lines written", file=sys.stderr)
    return 0


def _with_raw_links(gold: Gold, lines: list[str]) -> Gold:
    """The gold with its link lines as written (ranges kept unexpanded)."""
    from pipeline.align.gold import parse_link

    gold.links = [parse_link(x) for x in lines]
    return gold


if __name__ == "__main__":
    raise SystemExit(main())
