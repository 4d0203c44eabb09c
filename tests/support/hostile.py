"""Hand-made hostile units for markup through MT: the cases a translator glues, drops or duplicates.

Each line of ``HOSTILE_FR`` / ``HOSTILE_EN`` is a paragraph (or heading, list
item, table row) built around one danger: inline codes that stand side by side
(two code spans, emphasis runs, links, shortcodes, HTML tags), codes that need
a boundary (bare URLs, emoji codes), characters a SentencePiece vocabulary may
not hold (emoji, flags, ZWJ sequences, skin tones, variation selectors), and
text that would become markup if a model wrote it (stars, backticks,
brackets, shortcode braces). ``EMOJI`` lists the characters that must come out
of any translation, each exactly as many times as in the source.
"""
from __future__ import annotations

import re

HOSTILE_FR = """---
title: "Cas hostiles 🚨 pour le balisage"
---

# Codes côte à côte 🇮🇹

Les fichiers `js` `scss` et `ts`, `tsx` sont compilés ; `a`/`b` aussi.

Texte **gras** *italique* ***les deux*** __souligné__ et _penché_ à la suite.

Un **gras `avec du code`** puis `du code` **en gras** et **`code gras`**.

Les liens [un](https://a.example/fr/un) [deux](https://b.example/deux) et [trois](https://c.example)[quatre](https://d.example) se suivent.

Le raccourci {{< hl >}}surligné{{< /hl >}} {{< icon "info" >}} puis {{< hl >}}encore{{< /hl >}}{{< icon "warn" >}} ici.

Du HTML <b>un</b> <i>deux</i> et <kbd>Ctrl</kbd>+<kbd>C</kbd> pour copier.

Une adresse https://exemple.fr/page suivie de mots, et <https://autolien.fr> aussi.

Les émojis :smile: et :+1: du code Hugo, &amp; une entité, une étoile \\* échappée.

🚨Alerte collée au mot, drapeaux 🇮🇹🇺🇸 côte à côte, famille 👨‍👩‍👧 ici, pouce 👍🏽 et cœur ❤️ fin.

- Un élément avec `code` et **gras** 🎉
- Un autre avec [lien](https://e.example) 👀

| Colonne `a` | Colonne **b** |
| --- | --- |
| `x` `y` | 🇫🇷 *z* |

Une image ![texte alternatif](https://img.example/a.png) et une note.
"""

HOSTILE_EN = """---
title: "Hostile cases 🚨 for markup"
---

# Codes side by side 🇺🇸

The files `js` `scss` and `ts`, `tsx` are compiled; `a`/`b` too.

Text **bold** *italic* ***both*** __underlined__ and _slanted_ in a row.

A **bold `with code`** then `some code` **in bold** and **`bold code`**.

The links [one](https://a.example/en/one) [two](https://b.example/two) and [three](https://c.example)[four](https://d.example) follow.

The shortcode {{< hl >}}highlighted{{< /hl >}} {{< icon "info" >}} then {{< hl >}}again{{< /hl >}}{{< icon "warn" >}} here.

Some HTML <b>one</b> <i>two</i> and <kbd>Ctrl</kbd>+<kbd>C</kbd> to copy.

An address https://example.com/page followed by words, and <https://autolink.com> too.

The emoji :smile: and :+1: of Hugo's code, &amp; an entity, an escaped \\* star.

🚨Alert glued to the word, flags 🇮🇹🇺🇸 side by side, family 👨‍👩‍👧 here, thumb 👍🏽 and heart ❤️ end.

- An item with `code` and **bold** 🎉
- Another with [link](https://e.example) 👀

| Column `a` | Column **b** |
| --- | --- |
| `x` `y` | 🇫🇷 *z* |

An image ![alt text](https://img.example/a.png) and a note.
"""

# Emoji grapheme clusters: pictographs with their modifiers, joiners and variation selectors, or flag pairs.
_EMOJI = re.compile(
    r"(?:[\U0001F1E6-\U0001F1FF]{2})"
    r"|(?:[\u2600-\u27BF\U0001F300-\U0001FAFF][\uFE0F\U0001F3FB-\U0001F3FF]*"
    r"(?:\u200D[\u2600-\u27BF\U0001F300-\U0001FAFF][\uFE0F\U0001F3FB-\U0001F3FF]*)*)"
)


def emoji_in(text: str) -> list[str]:
    """The emoji of a text, whole (a flag, a ZWJ family, a thumb with its skin tone), in order."""
    return _EMOJI.findall(text)
