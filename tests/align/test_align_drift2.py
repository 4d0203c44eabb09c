"""Drift the first aligner lost (issue 13, round 2), each on a small hand-written EN/FR article.

The article has what real pages have and what made the first aligner pair
the wrong blocks: two lists whose short items repeat (the same sentence in
both), one-word paragraphs repeated under each section (``Pros:``), a table,
a notice box, a ``<details>`` block. Each test edits one side the way people
do and checks the pairs block by block; the expected pairs are written out.
The dropped short item, the list rewritten as a paragraph, the moved section
with its repeated labels, the commented-out paragraph and the reordered rows
failed before round 2; the dropped row and the deleted ``<details>`` guard
what the first aligner already did.
"""
from __future__ import annotations

from pipeline.align.command import align_config
from pipeline.align.twoversions import align_documents
from pipeline.config import load_config
from pipeline.markdown.extract import extract_text

FR = """---
title: Sauvegarder ses notes
---

Cet outil copie vos notes chaque nuit vers un disque externe ou un serveur distant.

## Ce que fait la copie locale

- Vous retrouvez vos fichiers même sans réseau
- Vous choisissez le dossier de destination
- Vous gardez les sept dernières versions

Avantages :

- La copie est rapide
- Rien ne quitte votre ordinateur

Inconvénients :

- Un disque perdu emporte tout

## Ce que fait la copie distante

- Vous retrouvez vos fichiers depuis un autre ordinateur
- Vous choisissez le dossier de destination
- Vous gardez les trente dernières versions

Avantages :

- Un incendie chez vous ne détruit rien

Inconvénients :

- La première copie prend des heures
- Il faut un compte chez un hébergeur

## Tarifs

| Offre | Prix | Espace |
| --- | --- | --- |
| Découverte | 0 € | 5 Go |
| Famille | 3 € par mois | 200 Go |
| Pro | 9 € par mois | 2 To |

{{% notice tip %}}
Les prix sont ceux de janvier 2025.
{{% /notice %}}

## Restaurer

Lancez la commande suivante, puis choisissez la version à restaurer :

```sh
notes-backup restore --interactive
```

<details>
<summary>Journal d'une restauration</summary>

```log
restored 412 files from 2025-01-07T02:00:00Z
```

</details>

Si la restauration échoue, écrivez-nous avec le journal ci-dessus.
"""

EN = """---
title: Back up your notes
---

This tool copies your notes every night to an external drive or a remote server.

## What the local copy does

- You find your files even without a network
- You choose the destination folder
- You keep the last seven versions

Pros:

- The copy is fast
- Nothing leaves your computer

Cons:

- A lost drive takes everything with it

## What the remote copy does

- You find your files from another computer
- You choose the destination folder
- You keep the last thirty versions

Pros:

- A fire at home destroys nothing

Cons:

- The first copy takes hours
- You need an account with a host

## Pricing

| Plan | Price | Storage |
| --- | --- | --- |
| Discovery | €0 | 5 GB |
| Family | €3 a month | 200 GB |
| Pro | €9 a month | 2 TB |

{{% notice tip %}}
Prices are those of January 2025.
{{% /notice %}}

## Restoring

Run the following command, then pick the version to restore:

```sh
notes-backup restore --interactive
```

<details>
<summary>A restore's log</summary>

```log
restored 412 files from 2025-01-07T02:00:00Z
```

</details>

If restoring fails, write to us with the log above.
"""


def _align(fr: str, en: str):
    cfg = align_config(load_config())
    a = extract_text(fr, "backup.fr.md", cfg, "fr")
    b = extract_text(en, "backup.en.md", cfg, "en")
    return align_documents(a, b, qa=False, sentences=False)


def _start(text: str) -> str:
    return " ".join(text.split("\n")[0].split()[:4])


def _links(pairs):
    return [(_start(p.src), _start(p.tgt), p.type) for p in pairs]


def _pairs_of(pairs, fr_start: str):
    return [(_start(p.tgt), p.type) for p in pairs if p.src.startswith(fr_start)]


def test_the_two_versions_pair_block_by_block():
    got = _links(_align(FR, EN))
    assert all(t == "1-1" for _, _, t in got), got
    assert ("Vous gardez les sept", "You keep the last", "1-1") in got
    assert ("Découverte", "Discovery", "1-1") in got and ("5 Go", "5 GB", "1-1") in got


def test_a_short_item_dropped_among_similar_ones_leaves_its_siblings_in_place():
    """Only words separate the three items (no name, no number but 'seven'): the documentation
    lexicon (find/retrouver, choose/choisir, keep/garder) keeps each with its translation."""
    fr = FR.replace("- Vous choisissez le dossier de destination\n- Vous gardez les sept", "- Vous gardez les sept")
    pairs = _align(fr, EN)
    assert ("", "You choose the destination", "0-1") in _links(pairs)
    assert _pairs_of(pairs, "Vous retrouvez vos fichiers même") == [("You find your files", "1-1")]
    assert _pairs_of(pairs, "Vous gardez les sept") == [("You keep the last", "1-1")]
    # the twin item of the remote list is untouched
    assert ("Vous choisissez le dossier", "You choose the destination", "1-1") in _links(pairs)


def test_a_table_row_dropped_on_one_side_leaves_the_other_rows_paired():
    """Rows align as rows, then cell by cell: the dropped row's cells are alone, the next row's cells
    do not shift into it."""
    en = EN.replace("| Family | €3 a month | 200 GB |\n", "")
    got = _links(_align(FR, en))
    assert [g for g in got if g[0] in ("Famille", "3 € par mois", "200 Go")] == [
        ("Famille", "", "1-0"), ("3 € par mois", "", "1-0"), ("200 Go", "", "1-0")]
    assert ("Pro", "Pro", "1-1") in got and ("9 € par mois", "€9 a month", "1-1") in got


def test_a_list_rewritten_as_one_paragraph_is_one_pair_with_the_whole_list():
    fr = FR.replace(
        "- Vous retrouvez vos fichiers depuis un autre ordinateur\n- Vous choisissez le dossier de destination\n"
        "- Vous gardez les trente dernières versions",
        "Vous retrouvez vos fichiers depuis un autre ordinateur, vous choisissez le dossier de destination et vous "
        "gardez les trente dernières versions de chaque note, même celles que vous avez supprimées.",
    ).replace("- Un incendie chez vous ne détruit rien\n\n", "").replace("Avantages :\n\nInconv", "Inconv")
    en = EN.replace(
        "- You keep the last thirty versions\n",
        "- You keep the last thirty versions\n- Even deleted notes are kept\n",
    )
    pairs = _align(fr, en)
    folded = [p for p in pairs if p.src.startswith("Vous retrouvez vos fichiers depuis")]
    lines = en.split("\n")
    first, last = lines.index("- You find your files from another computer") + 1, lines.index("- Even deleted notes are kept") + 1
    assert [(p.type, p.tgt_lines) for p in folded] == [("1-4", [first, last])]
    assert ("", "Pros:", "0-1") in _links(pairs)  # the next paragraph is no part of the list


def test_a_moved_section_keeps_its_repeated_labels_and_closing_lines():
    """EN moved the remote-copy section (with its own 'Pros:' and 'Cons:') after the pricing, and
    dropped one of its items: the labels pair with the moved section's labels (their twins pair
    with each other everywhere else), and the notice's closing line stays with its notice."""
    head, rest = EN.split("## What the remote copy does", 1)
    remote, tail = rest.split("## Pricing", 1)
    pricing, after = tail.split("## Restoring", 1)
    remote = remote.replace("- You need an account with a host\n", "")
    en = head + "## Pricing" + pricing + "## What the remote copy does" + remote + "## Restoring" + after
    pairs = _align(FR, en)
    links = _links(pairs)
    assert [g for g in links if g[0] in ("Avantages :", "Inconvénients :")] == [
        ("Avantages :", "Pros:", "1-1"), ("Inconvénients :", "Cons:", "1-1"),
        ("Avantages :", "Pros:", "1-1"), ("Inconvénients :", "Cons:", "1-1")]
    remote_pairs = [p for p in pairs if _start(p.src) in ("Avantages :", "Inconvénients :")][2:]
    assert all(p.tgt_lines[0] > en.split("\n").index("## What the remote copy does") for p in remote_pairs)
    assert ("Il faut un compte", "", "1-0") in links
    closing = [p for p in pairs if p.src.strip() == "{{% /notice %}}"]
    fr_close, en_close = (text.split("\n").index("{{% /notice %}}") + 1 for text in (FR, en))
    assert [(p.src_lines, p.tgt_lines) for p in closing] == [([fr_close, fr_close], [en_close, en_close])]


def test_a_deleted_details_block_leaves_its_twin_closing_line_to_the_right_block():
    fr = FR.replace("Lancez la commande suivante", "<details>\n<summary>Avant de commencer</summary>\n\n"
                    "Fermez l'application de notes.\n\n</details>\n\nLancez la commande suivante")
    pairs = _align(fr, EN)
    closers = [(p.src_lines, p.tgt_lines) for p in pairs if p.src.strip() == "</details>" or p.tgt.strip() == "</details>"]
    en_close = EN.split("\n").index("</details>") + 1
    fr_lines = fr.split("\n")
    first, second = [k + 1 for k, line in enumerate(fr_lines) if line == "</details>"]
    assert closers == [([first, first], None), ([second, second], [en_close, en_close])]


def test_a_paragraph_commented_out_in_one_version_still_pairs_with_the_other():
    en = EN.replace("This tool copies your notes every night to an external drive or a remote server.",
                    "<!--\nThis tool copies your notes every night to an external drive or a remote server.\n-->")
    got = _links(_align(FR, en))
    assert ("Cet outil copie vos", "<!--", "1-1") in got


def test_reordered_items_with_names_pair_across():
    fr = FR.replace("| Famille | 3 € par mois | 200 Go |\n| Pro | 9 € par mois | 2 To |",
                    "| Pro | 9 € par mois | 2 To |\n| Famille | 3 € par mois | 200 Go |")
    got = _links(_align(fr, EN))
    assert ("Famille", "Family", "1-1") in got and ("Pro", "Pro", "1-1") in got
    assert ("200 Go", "200 GB", "1-1") in got and ("2 To", "2 TB", "1-1") in got


def test_pairs_carry_a_confidence_the_anchors_raise():
    pairs = _align(FR, EN)
    code = next(p for p in pairs if p.kind == "code")
    assert code.score >= 0.99  # identical code, nothing like it nearby
    assert all(0.0 <= p.score <= 1.0 for p in pairs)
    fr = FR.replace("- Vous choisissez le dossier de destination\n- Vous gardez les sept", "- Vous gardez les sept")
    alone = next(p for p in _align(fr, EN) if p.type == "0-1")
    assert alone.score < code.score
