"""Two versions that drifted apart: every block paired, one-sided blocks left alone, neighbours kept.

One small hand-written article (FR, and its EN translation) with the blocks
real Hugo pages have: front matter, headings, paragraphs, a list, code
fences, an alert shortcode, an HTML comment, link definitions. Each test
edits one side the way a person keeping two versions does (deletes
paragraphs, moves a section, lags behind edits, changes code, adds a
shortcode, splits and merges paragraphs) and checks the pairs block by
block: the expected pairs are written out, not derived from the aligner.
"""
from __future__ import annotations

import pytest

from pipeline.align.command import align_config
from pipeline.align.twoversions import align_documents
from pipeline.config import load_config
from pipeline.markdown.extract import extract_text

FR = """---
title: Installer l'agent de collecte
description: Comment installer l'agent de collecte sur un serveur Linux et vérifier qu'il fonctionne.
---

Cette page explique comment installer l'agent de collecte sur un serveur Debian 12, puis vérifier qu'il envoie bien ses données à la console.

## Prérequis

Il vous faut un accès root au serveur et une clé d'API valide, que vous créez dans la [console d'administration][console].

- un serveur Debian 12 ou Ubuntu 22.04 ;
- 512 Mo de mémoire libre ;
- le port 8125 ouvert en sortie.

<!-- vérifié en mars 2024 -->

## Installation

Téléchargez le script d'installation, puis exécutez-le avec votre clé :

```sh
curl -fsSL https://get.example.com/install.sh -o install.sh
sudo API_KEY=<KEY> bash install.sh
```

{{< alert title="Attention" >}}
Le script redémarre le service s'il est déjà installé sur la machine.
{{< /alert >}}

Le service démarre tout seul à la fin de l'installation. Vérifiez son état avec `systemctl` :

```sh
systemctl status collector-agent
```

## Configuration

Le fichier `/etc/agent/agent.yaml` contient tous les réglages de l'agent. Les plus courants sont le nom d'hôte, les étiquettes et le port d'écoute 8125.

Après chaque modification, redémarrez l'agent pour que les nouveaux réglages soient pris en compte, sinon il garde l'ancienne configuration en mémoire.

## Désinstallation

Pour retirer l'agent, lancez le même script avec l'option `--uninstall` : il supprime le service, ses fichiers et l'utilisateur `agent`.

[console]: https://app.example.com/settings
"""

EN = """---
title: Install the collector agent
description: How to install the collector agent on a Linux server and check that it works.
---

This page explains how to install the collector agent on a Debian 12 server, then check that it sends its data to the console.

## Prerequisites

You need root access to the server and a valid API key, which you create in the [admin console][console].

- a Debian 12 or Ubuntu 22.04 server;
- 512 MB of free memory;
- outbound port 8125 open.

<!-- vérifié en mars 2024 -->

## Installation

Download the install script, then run it with your key:

```sh
curl -fsSL https://get.example.com/install.sh -o install.sh
sudo API_KEY=<KEY> bash install.sh
```

{{< alert title="Warning" >}}
The script restarts the service if it is already installed on the machine.
{{< /alert >}}

The service starts on its own at the end of the install. Check its status with `systemctl`:

```sh
systemctl status collector-agent
```

## Configuration

The `/etc/agent/agent.yaml` file holds all the agent's settings. The most common ones are the host name, the tags and the listening port 8125.

After every change, restart the agent so that the new settings take effect, otherwise it keeps the old configuration in memory.

## Uninstalling

To remove the agent, run the same script with the `--uninstall` option: it deletes the service, its files and the `agent` user.

[console]: https://app.example.com/settings
"""


def _align(fr: str, en: str):
    cfg = align_config(load_config())
    a = extract_text(fr, "install.fr.md", cfg, "fr")
    b = extract_text(en, "install.en.md", cfg, "en")
    return align_documents(a, b, qa=False, sentences=False)


def _start(text: str) -> str:
    """A side of a pair as a short key: its first words (markup blocks: their first line)."""
    return " ".join(text.split("\n")[0].split()[:3])


def _links(pairs):
    return [(_start(p.src), _start(p.tgt), p.kind, p.type) for p in pairs]


def _cut(text: str, *starts: str) -> str:
    """The text without the paragraphs (blank-line separated) that begin with one of ``starts``."""
    parts = text.split("\n\n")
    kept = [p for p in parts if not any(p.startswith(s) for s in starts)]
    assert len(kept) == len(parts) - len(starts), starts
    return "\n\n".join(kept)


SAME = [
    ("Installer l'agent de", "Install the collector", "front_matter", "1-1"),
    ("Comment installer l'agent", "How to install", "front_matter", "1-1"),
    ("Cette page explique", "This page explains", "paragraph", "1-1"),
    ("Prérequis", "Prerequisites", "heading", "1-1"),
    ("Il vous faut", "You need root", "paragraph", "1-1"),
    ("un serveur Debian", "a Debian 12", "list_item", "1-1"),
    ("512 Mo de", "512 MB of", "list_item", "1-1"),
    ("le port 8125", "outbound port 8125", "list_item", "1-1"),
    ("<!-- vérifié en", "<!-- vérifié en", "comment", "1-1"),
    ("Installation", "Installation", "heading", "1-1"),
    ("Téléchargez le script", "Download the install", "paragraph", "1-1"),
    ("```sh", "```sh", "code", "1-1"),
    ("Attention", "Warning", "shortcode_param", "1-1"),  # the alert's title: prose
    ("Le script redémarre", "The script restarts", "paragraph", "1-1"),
    ("{{< /alert >}}", "{{< /alert >}}", "shortcode", "1-1"),
    ("Le service démarre", "The service starts", "paragraph", "1-1"),
    ("```sh", "```sh", "code", "1-1"),
    ("Configuration", "Configuration", "heading", "1-1"),
    ("Le fichier `/etc/agent/agent.yaml`", "The `/etc/agent/agent.yaml` file", "paragraph", "1-1"),
    ("Après chaque modification,", "After every change,", "paragraph", "1-1"),
    ("Désinstallation", "Uninstalling", "heading", "1-1"),
    ("Pour retirer l'agent,", "To remove the", "paragraph", "1-1"),
    ("[console]: https://app.example.com/settings", "[console]: https://app.example.com/settings", "linkdef", "1-1"),
]


def test_every_block_is_paired_with_its_kind_and_lines():
    pairs = _align(FR, EN)
    assert _links(pairs) == SAME
    code = [p for p in pairs if p.kind == "code"]
    assert [(p.src_lines, p.tgt_lines) for p in code] == [([22, 25], [22, 25]), ([33, 35], [33, 35])]
    assert not any(p.flags for p in code)  # identical code: nothing to review
    closing = next(p for p in pairs if p.kind == "shortcode")
    assert (closing.src, closing.src_lines, closing.tgt_lines, closing.flags) == ("{{< /alert >}}", [29, 29], [29, 29], [])
    markup = [p for p in pairs if p.kind in ("code", "shortcode", "comment", "linkdef")]
    assert all(not p.unit_ids and not p.target_unit_ids for p in markup)


def test_changed_code_is_a_one_to_one_pair_flagged_code_changed():
    en = EN.replace("systemctl status collector-agent", "systemctl status collector-agent --no-pager\njournalctl -u collector-agent")
    pairs = _align(FR, en)
    assert _links(pairs) == SAME
    first, second = [p for p in pairs if p.kind == "code"]
    assert not first.flags
    assert [f["code"] for f in second.flags] == ["code_changed"] and second.tgt_lines == [33, 36]


@pytest.mark.parametrize(
    "side, cut",
    [
        ("en", ["This page explains"]),  # the first paragraph
        ("en", ["The service starts"]),  # a short paragraph between an alert and a code block
        ("fr", ["Téléchargez le script", "{{< alert"]),  # two blocks in a row, one without prose
        ("fr", ["Le fichier `/etc", "Après chaque modification", "## Désinstallation"]),  # three in a row
        ("en", ["To remove the agent"]),  # the last paragraph
        ("fr", ["<!-- vérifié"]),  # a comment
    ],
    ids=["first", "short-between-markup", "two-in-a-row", "three-in-a-row", "last", "comment"],
)
def test_a_block_on_one_side_only_is_left_alone_and_its_neighbours_keep_their_pairs(side, cut):
    fr = _cut(FR, *cut) if side == "fr" else FR
    en = _cut(EN, *cut) if side == "en" else EN
    expected = []
    for src, tgt, kind, _ in SAME:
        mine = src if side == "fr" else tgt
        gone = any(mine.startswith(c) or c.startswith(mine) or mine in c.split("\n")[0] for c in cut)
        if side == "fr" and gone:
            expected.append(("", tgt, kind, "0-1"))
        elif side == "en" and gone:
            expected.append((src, "", kind, "1-0"))
        else:
            expected.append((src, tgt, kind, "1-1"))
    if side == "fr" and "{{< alert" in cut:  # the alert's title, paragraph and closing line went with it
        expected = [e if e[1] not in ("Warning", "The script restarts", "{{< /alert >}}") else ("", e[1], e[2], "0-1") for e in expected]
    got = _links(_align(fr, en))
    assert got == expected


def test_a_moved_section_pairs_with_its_counterpart_and_is_flagged():
    # EN moved 'Configuration' (heading and two paragraphs) before 'Installation'
    head, rest = EN.split("## Installation", 1)
    install, tail = rest.split("## Configuration", 1)
    config, uninstall = tail.split("## Uninstalling", 1)
    en = head + "## Configuration" + config + "## Installation" + install + "## Uninstalling" + uninstall
    pairs = _align(FR, en)
    config_pairs = [p for p in pairs if _start(p.src) in ("Configuration", "Le fichier `/etc/agent/agent.yaml`", "Après chaque modification,")]
    assert [(_start(p.tgt), p.type) for p in config_pairs] == [
        ("Configuration", "1-1"), ("The `/etc/agent/agent.yaml` file", "1-1"), ("After every change,", "1-1")]
    # whichever side the first pass kept, every pair is right and the others are flagged as moved
    assert sorted(_links(pairs)) == sorted(SAME)
    assert sum(1 for p in pairs if any(f["code"] == "moved" for f in p.flags)) == 3


def test_split_and_merged_paragraphs_are_one_to_two_and_two_to_one():
    en = EN.replace("server, then check", "server.\n\nThen check")
    en = en.replace("listening port 8125.\n\nAfter every change", "listening port 8125. After every change")
    got = _links(_align(FR, en))
    assert ("Cette page explique", "This page explains", "paragraph", "1-2") in got
    assert ("Le fichier `/etc/agent/agent.yaml`", "The `/etc/agent/agent.yaml` file", "paragraph", "2-1") in got
    assert len(got) == len(SAME) - 1


def test_a_translation_that_lags_behind_its_source():
    # EN moved on: a new paragraph and code block, a new list item, a rewritten paragraph, a new shortcode
    en = EN.replace(
        "- outbound port 8125 open.",
        "- outbound port 8125 open;\n- `curl` 7.68 or later.",
    ).replace(
        "Download the install script, then run it with your key:",
        "Fetch the installer from our download server and start it, passing your API key in the environment:",
    ).replace(
        "## Configuration",
        "On servers without systemd, start the agent by hand:\n\n```sh\nsudo collector-agent --foreground\n```\n\n## Configuration",
    ).replace(
        "## Uninstalling",
        '{{< figure src="agent-settings.png" caption="The settings page of the console" >}}\n\n## Uninstalling',
    )
    got = _links(_align(FR, en))
    added = [g for g in got if g[3] == "0-1"]
    assert added == [
        ("", "`curl` 7.68 or", "list_item", "0-1"),
        ("", "On servers without", "paragraph", "0-1"),
        ("", "```sh", "code", "0-1"),
        ("", "The settings page", "shortcode_param", "0-1"),  # the figure's caption
    ]
    assert ("Téléchargez le script", "Fetch the installer", "paragraph", "1-1") in got  # rewritten: still its pair
    assert [g for g in got if g[3] != "0-1"] == SAME[:10] + [("Téléchargez le script", "Fetch the installer", "paragraph", "1-1")] + SAME[11:]


def test_a_front_matter_key_renamed_in_one_version_still_pairs():
    en = EN.replace("description: How to install", "summary: How to install")
    got = _links(_align(FR, en))
    assert ("Comment installer l'agent", "How to install", "front_matter", "1-1") in got


def test_sentence_level_keeps_the_pairs_of_blocks_without_prose_whole():
    cfg = align_config(load_config())
    a = extract_text(FR, "install.fr.md", cfg, "fr")
    b = extract_text(EN, "install.en.md", cfg, "en")
    pairs = align_documents(a, b, level="sentence", qa=False, splitter="rules")
    code = [p for p in pairs if p.kind == "code"]
    assert [p.src_lines for p in code] == [[22, 25], [33, 35]] and all(p.is_markup for p in code)
    assert all(p.unit_ids for p in pairs if not p.is_markup)  # the prose ones are sentence pairs as before
