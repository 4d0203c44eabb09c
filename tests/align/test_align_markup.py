"""The blocks without prose of an article (``pipeline.align.markup``): what ``bitext align`` pairs
besides prose, with their kind and exact line span."""
from __future__ import annotations

from pipeline.align.markup import markup_anchors, markup_blocks, same_markup
from pipeline.config import load_config
from pipeline.markdown.extract import extract_text

ARTICLE = """---
title: Un exemple
weight: 3
---

Un paragraphe.

```python
def f():

    return 1
```

{{< tabpane text=true >}} {{% tab Unix %}}

{{% /tab %}}
{{< /tabpane >}}

<!-- un commentaire
sur deux lignes -->

<?code-excerpt "main.dart"?>

<div class="box">
<img src="x.png">
</div>

---

| Clé | Valeur |
|-----|--------|
| `a` | `1` |

    indented code
    on two lines

{{< figure
  src="x.png"
>}}

[ref]: https://example.com/a
[other]:
  https://example.com/b
"""


def test_every_block_without_prose_with_its_kind_and_lines():
    doc = extract_text(ARTICLE, "x.fr.md", load_config(), "fr")
    got = [(b.kind, b.first, b.last) for b in markup_blocks(doc)]
    assert got == [
        ("code", 8, 12),  # a fence, blank line inside
        ("shortcode", 14, 14),
        ("shortcode", 16, 17),  # consecutive shortcode lines: one block
        ("comment", 19, 20),
        ("comment", 22, 22),  # a processing instruction
        ("html", 24, 26),
        ("rule", 28, 28),
        ("table_row", 32, 32),  # a row without prose (the header row has prose: a text unit)
        ("code", 34, 35),
        ("shortcode", 37, 39),  # a tag over three lines
        ("linkdef", 41, 43),
    ]
    assert not any(b.first <= 6 <= b.last for b in markup_blocks(doc))  # the paragraph is prose


def test_anchors_say_what_a_block_is():
    fence = markup_blocks(extract_text("```sh\nls -la /tmp\n```\n", "a.md", load_config(), "fr"))[0]
    moved = markup_blocks(extract_text("- item\n\n  ```sh\n  ls -la /tmp\n  ```\n", "b.md", load_config(), "fr"))[0]
    assert same_markup(fence.text, moved.text)  # indentation under a list item does not count
    assert markup_anchors(fence) == markup_anchors(moved)
    changed = markup_blocks(extract_text("```sh\nls -la /var\n```\n", "c.md", load_config(), "fr"))[0]
    shared = set(markup_anchors(fence)) & set(markup_anchors(changed))
    assert shared and not any(k.startswith("X:") for k in shared)  # pieces in common, not the whole
